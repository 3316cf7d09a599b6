// End to end: `launcher which` and `launcher init`, through the built CLI.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isLauncherError } from '../../src/errors.js';
import { initSnippet } from '../../src/shim/shell-init.js';
import { MAX_SHIM_DEPTH, nextShimDepth } from '../../src/shim/shim-depth.js';
import { launcher, REPO_ROOT, run } from '../helpers/cli.js';
import { startDistServerForTest } from '../helpers/dist-server.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { placeVersion } from '../helpers/store.js';

function project(pin: string) {
  const env = cleanEnv();
  const dir = tempDir('launcher-project-');
  writeFileSync(path.join(dir, '.tool-version'), pin);
  return { env, dir, home: env.LAUNCHER_HOME! };
}

describe('launcher which', () => {
  it('prints the absolute path of the bin in the pinned version', async () => {
    const { env, dir, home } = project('1.4\n');
    placeVersion(home, '1.4.2', { bins: { mycc: 'bin/mycc' } });
    const r = await launcher(['which', 'mycc'], { env, cwd: dir });
    expect(r).toMatchObject({
      code: 0,
      stdout: `${path.join(home, 'versions', '1.4.2', 'bin', 'mycc')}\n`,
    });
  });

  it('exits 127 naming the versions that do have the bin', async () => {
    const { env, dir, home } = project('1.4\n');
    placeVersion(home, '1.4.2', { bins: { mycc: 'bin/mycc' } });
    placeVersion(home, '2.0.0', { bins: { mycc: 'bin/mycc', 'mycc-lsp': 'bin/mycc-lsp' } });
    const r = await launcher(['which', 'mycc-lsp'], { env, cwd: dir });
    expect(r.code).toBe(127);
    expect(r.stderr).toContain('mycc-lsp is not part of version 1.4.2');
    expect(r.stderr).toContain('These installed versions have mycc-lsp: 2.0.0');
  });

  // The receipt's bins are looked up by the name typed: Object.prototype's names are no bins.
  for (const bin of ['constructor', 'hasOwnProperty', 'toString']) {
    it(`exits 127 for ${bin}, a name every JavaScript object answers to`, async () => {
      const { env, dir, home } = project('1.4.2\n');
      placeVersion(home, '1.4.2', { bins: { mycc: 'bin/mycc' } });
      const r = await launcher(['which', bin], { env, cwd: dir });
      expect(r.code).toBe(127);
      expect(r.stderr).toContain(`${bin} is not part of version 1.4.2`);
      expect(r.stderr).toContain(`No installed version provides ${bin}`);
    });
  }

  it('exits 126 when the bin is not executable', async () => {
    const { env, dir, home } = project('1.4.2\n');
    const versionDir = placeVersion(home, '1.4.2', { bins: { mycc: 'bin/mycc' } });
    chmodSync(path.join(versionDir, 'bin', 'mycc'), 0o644);
    const r = await launcher(['which', 'mycc'], { env, cwd: dir });
    expect(r.code).toBe(126);
    expect(r.stderr).toContain('bin/mycc is not executable');
  });

  it('exits 127 (no such bin, not 126) naming the bin as missing when its file is gone from the install', async () => {
    const { env, dir, home } = project('1.4.2\n');
    const versionDir = placeVersion(home, '1.4.2', { bins: { mycc: 'bin/mycc' } });
    rmSync(path.join(versionDir, 'bin', 'mycc'));
    for (const args of [
      ['which', 'mycc'],
      ['exec', 'mycc'],
    ]) {
      const r = await launcher(args, { env, cwd: dir });
      expect(r.code).toBe(127);
      expect(r.stderr).toContain('bin/mycc is missing');
      expect(r.stderr).toContain('launcher install --force');
    }
  });

  // A receipt launcher cannot use, each way it happens: written by hand, cut short, emptied.
  const damagedReceipts: [string, string, string][] = [
    ['without bins', '{"version":"1.5.0","sha256":"00"}', 'has no "bins"'],
    [
      'with bins that are no paths',
      '{"version":"1.5.0","sha256":"00","bins":{"mycc":1}}',
      'has no "bins"',
    ],
    ['cut short', '{"version":"1.5.0","sha256":"00","bi', 'is not valid JSON'],
    ['empty', '', 'is empty'],
  ];
  for (const [name, content, damage] of damagedReceipts) {
    it(`exits 6 naming the receipt and the fix for a pinned version whose receipt is ${name}: which, exec and the shim`, async () => {
      const { env, dir, home } = project('1.5.0\n');
      placeVersion(home, '1.4.2');
      placeVersion(home, '1.5.0');
      expect((await launcher(['rehash'], { env, cwd: dir })).code).toBe(0);
      const receipt = path.join(home, 'versions', '1.5.0', '.launcher-install.json');
      writeFileSync(receipt, content);
      const shim = path.join(home, 'shims', 'mycc');
      for (const r of [
        await launcher(['which', 'mycc'], { env, cwd: dir }),
        await launcher(['exec', 'mycc'], { env, cwd: dir }),
        await run(shim, [], { env, cwd: dir }),
      ]) {
        expect(r.stderr).toContain(
          `mycc 1.5.0 is damaged: its install receipt ${receipt} ${damage}`,
        );
        expect(r.stderr).toContain('\n\nReinstall it: `launcher install --force 1.5.0`.');
        expect(r.stderr).not.toContain('not part of version');
        expect(r.code).toBe(6);
      }
    });
  }

  it('exits 7 without installing when the pinned version is missing', async () => {
    const { env, dir } = project('1.4\n');
    const r = await launcher(['which', 'mycc'], { env, cwd: dir });
    expect(r.code).toBe(7);
    expect(r.stderr).toContain('launcher install');
  });

  describe('with an index known without the network', () => {
    // A distribution whose index is cached in the home (by `list-remote`), with one version
    // that has no build for this machine.
    async function cachedIndex() {
      const server = await startDistServerForTest({
        versions: [
          { version: '1.4.2' },
          { version: '3.0.0', platforms: [{ os: 'plan9', arch: 'mips' }] },
        ],
      });
      const env = cleanEnv({ LAUNCHER_DIST_URL: server.indexUrl });
      const dir = tempDir('launcher-project-');
      expect((await launcher(['list-remote'], { env, cwd: dir })).code).toBe(0);
      return { server, env, dir };
    }

    it('exits 4, as install does, when no version in the cached index satisfies it', async () => {
      const { server, env, dir } = await cachedIndex();
      const requests = server.requests.length;
      const nine = { ...env, LAUNCHER_VERSION: '9' };
      const r = await launcher(['which', 'mycc'], { env: nine, cwd: dir });
      expect(r.code).toBe(4);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        /^launcher: no version of mycc satisfies 9 \(set by LAUNCHER_VERSION\): none is installed, and none is in the index of http:.+ cached at .+\n\nThe newest are 3\.0\.0, 1\.4\.2; see them all with `launcher list-remote`/,
      );
      expect(server.requests.length).toBe(requests);
      expect((await launcher(['install', '--quiet'], { env: nine, cwd: dir })).code).toBe(4);
    });

    it('exits 7 naming the version that would be installed when one satisfies it', async () => {
      const { server, env, dir } = await cachedIndex();
      const requests = server.requests.length;
      const r = await launcher(['which', 'mycc'], {
        env: { ...env, LAUNCHER_VERSION: '1' },
        cwd: dir,
      });
      expect(r.code).toBe(7);
      expect(r.stderr).toBe(
        'launcher: mycc 1.4.2 satisfies 1 (set by LAUNCHER_VERSION), but it is not installed\n\n' +
          'Install it with `launcher install`; running the bin through its shim installs it too.\n',
      );
      expect(server.requests.length).toBe(requests);
    });

    it('exits 4 when the version that satisfies it has no build for this machine', async () => {
      const { env, dir } = await cachedIndex();
      const r = await launcher(['which', 'mycc'], {
        env: { ...env, LAUNCHER_VERSION: '3' },
        cwd: dir,
      });
      expect(r.code).toBe(4);
      expect(r.stderr).toContain(`has no build of it for ${process.platform}-${process.arch}`);
    });

    it('reads a file: index where it is', async () => {
      const index = path.join(tempDir(), 'index.json');
      writeFileSync(index, JSON.stringify({ schema: 1, tool: 'mycc', versions: [] }));
      const env = cleanEnv({ LAUNCHER_DIST_URL: pathToFileURL(index).href, LAUNCHER_VERSION: '9' });
      const r = await launcher(['which', 'mycc'], { env, cwd: tempDir() });
      expect(r.code).toBe(4);
      expect(r.stderr).toContain(`none is in ${pathToFileURL(index).href}`);
      expect(r.stderr).toContain('The index lists no versions');
    });

    it('keeps exit 7, saying it cannot tell, when the index is not cached (and never fetches)', async () => {
      const server = await startDistServerForTest({ versions: [{ version: '1.4.2' }] });
      const env = cleanEnv({ LAUNCHER_DIST_URL: server.indexUrl, LAUNCHER_VERSION: '9' });
      const r = await launcher(['which', 'mycc'], { env, cwd: tempDir() });
      expect(r.code).toBe(7);
      expect(r.stderr).toContain('whether one is available is not known here');
      expect(r.stderr).toContain('not cached');
      expect(server.requests).toEqual([]);
    });
  });

  it('finds the system bin on PATH, skipping the shims directory', async () => {
    const { env, dir, home } = project('system\n');
    const shims = path.join(home, 'shims');
    const system = tempDir();
    for (const d of [shims, system]) {
      mkdirSync(d, { recursive: true });
      writeFileSync(path.join(d, 'mycc'), '#!/bin/sh\n', { mode: 0o755 });
    }
    const r = await launcher(['which', 'mycc'], {
      env: { ...env, PATH: `${shims}:${system}:${env.PATH}` },
      cwd: dir,
    });
    expect(r).toMatchObject({ code: 0, stdout: `${path.join(system, 'mycc')}\n` });
  });

  it('skips a link to the shims directory and a directory named like the bin, as a shell would', async () => {
    const { env, dir, home } = project('system\n');
    const shims = path.join(home, 'shims');
    const system = tempDir();
    mkdirSync(shims, { recursive: true });
    for (const d of [shims, system])
      writeFileSync(path.join(d, 'mycc'), '#!/bin/sh\n', { mode: 0o755 });
    // The shims reached through a link (as a home under /tmp is on macOS), then a directory
    // called mycc (executable, as directories are), then the real one.
    const viaLink = path.join(tempDir(), 'shims-link');
    symlinkSync(shims, viaLink);
    const withDir = tempDir();
    mkdirSync(path.join(withDir, 'mycc'));
    const r = await launcher(['which', 'mycc'], {
      env: { ...env, PATH: `${viaLink}:${withDir}:${system}:${env.PATH}` },
      cwd: dir,
    });
    expect(r).toMatchObject({ code: 0, stdout: `${path.join(system, 'mycc')}\n` });
  });

  it('skips a link to a shim file in another PATH directory', async () => {
    const { env, dir, home } = project('system\n');
    const shims = path.join(home, 'shims');
    mkdirSync(shims, { recursive: true });
    writeFileSync(path.join(shims, 'mycc'), '#!/bin/sh\n', { mode: 0o755 });
    const linked = tempDir();
    symlinkSync(path.join(shims, 'mycc'), path.join(linked, 'mycc'));
    const system = tempDir();
    writeFileSync(path.join(system, 'mycc'), '#!/bin/sh\n', { mode: 0o755 });
    const r = await launcher(['which', 'mycc'], {
      env: { ...env, PATH: `${linked}:${system}:${env.PATH}` },
      cwd: dir,
    });
    expect(r).toMatchObject({ code: 0, stdout: `${path.join(system, 'mycc')}\n` });
  });

  it('passes over a file of that name that is not executable, as a shell would', async () => {
    const { env, dir } = project('system\n');
    const plain = tempDir();
    writeFileSync(path.join(plain, 'mycc'), '#!/bin/sh\n', { mode: 0o644 });
    chmodSync(path.join(plain, 'mycc'), 0o644); // whatever the umask
    const system = tempDir();
    writeFileSync(path.join(system, 'mycc'), '#!/bin/sh\n', { mode: 0o755 });
    const r = await launcher(['which', 'mycc'], {
      env: { ...env, PATH: `${plain}:${system}:${env.PATH}` },
      cwd: dir,
    });
    expect(r).toMatchObject({ code: 0, stdout: `${path.join(system, 'mycc')}\n` });
  });

  it('passes over empty and relative PATH entries: a cloned project cannot plant the compiler', async () => {
    const { env, dir } = project('system\n');
    mkdirSync(path.join(dir, 'bin'));
    for (const file of ['mycc', 'bin/mycc'])
      writeFileSync(path.join(dir, file), '#!/bin/sh\n', { mode: 0o755 });
    const system = tempDir();
    writeFileSync(path.join(system, 'mycc'), '#!/bin/sh\n', { mode: 0o755 });
    const r = await launcher(['which', 'mycc'], {
      env: { ...env, PATH: `:.:bin:${system}:${env.PATH}` },
      cwd: dir,
    });
    expect(r).toMatchObject({ code: 0, stdout: `${path.join(system, 'mycc')}\n` });
  });

  // Not a terminal's stdin: the compiler runs in a process group of its own, started through
  // setpriv, which is looked up on PATH like the compiler itself.
  it.each([':', '.', 'bin'])(
    'passes over a PATH entry "%s" when looking for setpriv: a cloned project cannot plant one',
    async (entry) => {
      const { env, dir } = project('system\n');
      mkdirSync(path.join(dir, 'bin'));
      const planted = path.join(dir, 'planted-setpriv-ran');
      const fake = `#!/bin/sh\n: > ${JSON.stringify(planted)}\nshift 3\nexec "$@"\n`;
      for (const file of ['setpriv', 'bin/setpriv'])
        writeFileSync(path.join(dir, file), fake, { mode: 0o755 });
      const system = tempDir();
      writeFileSync(path.join(system, 'mycc'), '#!/bin/sh\necho compiled\n', { mode: 0o755 });
      const middle = entry === ':' ? '' : entry;
      const r = await launcher(['exec', 'mycc'], {
        env: { ...env, PATH: `${system}:${middle}:${env.PATH}` },
        cwd: dir,
      });
      expect(r).toMatchObject({ code: 0, stdout: 'compiled\n' });
      expect(existsSync(planted)).toBe(false);
    },
  );
});

describe('a bin name typed on the command line', () => {
  // Pinned to system, where a path would be looked up below each PATH directory.
  const escapes = ['../../../../../bin/echo', '/bin/echo', 'sub/mycc', '..', '__proto__'];

  it.each(escapes)(
    'is refused by which with exit 2 when it is not a plain name: %s',
    async (bin) => {
      const { env, dir } = project('system\n');
      const r = await launcher(['which', bin], { env, cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`bin name ${JSON.stringify(bin)} is not a plain file name`);
      expect(r.stderr).toContain('Name the bin as its shim is called');
    },
  );

  it.each(escapes)('is refused by exec with exit 2, running nothing: %s', async (bin) => {
    const { env, dir } = project('system\n');
    const r = await launcher(['exec', bin, 'hi'], { env, cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`bin name ${JSON.stringify(bin)} is not a plain file name`);
  });
});

describe('launcher init', () => {
  it.each([
    ['bash', 'export PATH='],
    ['zsh', 'export PATH='],
    ['fish', 'set -gx PATH'],
    ['pwsh', '$env:PATH ='],
  ])('prints the PATH snippet for %s', async (shell, expected) => {
    const env = cleanEnv();
    const r = await launcher(['init', shell], { env, cwd: tempDir() });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(expected);
    expect(r.stdout).toContain(path.join(env.LAUNCHER_HOME!, 'shims'));
  });

  it('detects the shell from $SHELL and the snippet really puts the shims first', async () => {
    const env = cleanEnv({ SHELL: '/bin/bash' });
    const r = await launcher(['init'], { env, cwd: tempDir() });
    expect(r.stderr).toContain('detected bash');
    const shims = path.join(env.LAUNCHER_HOME!, 'shims');
    const sh = spawnSync('/bin/sh', ['-c', `${r.stdout}\n${r.stdout}\necho "$PATH"`], {
      encoding: 'utf8',
      env,
    });
    expect(sh.stdout.trim().split(':')[0]).toBe(shims);
    // Evaluating it twice does not add the directory twice.
    expect(sh.stdout.split(shims).length - 1).toBe(1);
  });

  it.each([
    'C:\\Users\\ada\\Documents\\PowerShell\\Modules;C:\\Program Files\\PowerShell\\Modules',
    // PowerShell on Linux and macOS.
    '/home/ada/.local/share/powershell/Modules:/opt/microsoft/powershell/7/Modules',
  ])(
    'detects PowerShell from PSModulePath (%s) before $SHELL, which PowerShell inherits, as --help says',
    async (modules) => {
      const env = cleanEnv({ SHELL: '/bin/bash', PSModulePath: modules });
      const r = await launcher(['init'], { env, cwd: tempDir() });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('$env:PATH =');
      expect(r.stderr).toContain('detected pwsh');
      const help = await launcher(['init', '--help'], { env: cleanEnv(), cwd: tempDir() });
      expect(help.stdout.replace(/\s+/g, ' ')).toContain(
        'when `PSModulePath` names a PowerShell directory',
      );
    },
  );

  // Each shell's start-up lines, read back by that shell: the POSIX ones and fish wherever found
  // here (bash and sh must be), with the shims directory made and not made yet (before the first
  // rehash, as when the README's steps are followed).
  const shells = ['bash', 'sh', 'zsh', 'fish'].filter(
    (shell) => spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0,
  );

  it('finds bash and sh here to read the snippet back with', () => {
    expect(shells).toEqual(expect.arrayContaining(['bash', 'sh']));
  });

  it.each(shells.flatMap((shell) => [shell, `${shell}, shims made`]))(
    'puts a home with a quote, $(…), a backtick and $HOME in it first on PATH as it is, running nothing (%s)',
    async (name) => {
      const shell = name.split(',')[0]!;
      const parent = tempDir();
      const home = path.join(parent, `we ird'$(touch ran)\`touch ran2\`$HOME\\x`);
      if (name.endsWith('made')) mkdirSync(path.join(home, 'shims'), { recursive: true });
      const cwd = tempDir();
      // fish's universal variables live under the config home: a private one, checked below.
      const config = tempDir();
      const env = cleanEnv({ LAUNCHER_HOME: home, HOME: config, XDG_CONFIG_HOME: config });
      const r = await launcher(['init', shell], { env, cwd });
      expect(r.code).toBe(0);
      const snippet = path.join(parent, 'init');
      writeFileSync(snippet, r.stdout);
      // Sourced twice: the second time changes nothing. Then another directory goes first (as
      // a nested shell's start-up file does again) and a third reading moves the shims back in
      // front, still once on PATH.
      const script =
        shell === 'fish'
          ? 'source $SNIPPET; source $SNIPPET; set -gx PATH /other/bin $PATH; source $SNIPPET; printf "%s\\n" $PATH; set -U'
          : '. "$SNIPPET"; . "$SNIPPET"; PATH="/other/bin:$PATH"; . "$SNIPPET"; printf "%s\\n" "$PATH" | tr : "\\n"';
      // fish reads its (private, empty) config: with --no-config it would keep no universal variables.
      const args = ['-c', script];
      const read = spawnSync(shell, shell === 'zsh' ? ['-f', ...args] : args, {
        cwd,
        encoding: 'utf8',
        env: { ...env, SNIPPET: snippet },
      });
      expect(read.stderr).toBe('');
      const lines = read.stdout.split('\n');
      const shims = path.join(home, 'shims');
      expect(lines[0]).toBe(shims);
      expect(lines[1]).toBe('/other/bin');
      expect(lines.filter((line) => line === shims)).toHaveLength(1);
      // `touch ran` and `touch ran2` would have left their files here.
      expect(readdirSync(cwd)).toEqual([]);
      // fish: nothing universal set (`fish_add_path` keeps the directory in fish_user_paths).
      if (shell === 'fish') {
        expect(read.stdout).not.toContain('fish_user_paths');
        // (fish writes this file only when a universal variable is set.)
        const variables = path.join(config, 'fish', 'fish_variables');
        expect(existsSync(variables) ? readFileSync(variables, 'utf8') : '').not.toContain(
          'fish_user_paths',
        );
      }
    },
  );

  it('keeps empty PATH entries (the current directory) where they were', () => {
    const shims = '/home/u/.local/share/launcher/shims';
    const snippet = initSnippet('sh', shims);
    for (const [before, after] of [
      ['/a::/b', `${shims}:/a::/b`],
      [`/a:${shims}:`, `${shims}:/a:`],
      [`:/a:${shims}:${shims}`, `${shims}::/a`],
      ['', shims],
    ]) {
      const r = spawnSync('/bin/sh', ['-c', `${snippet}\nprintf %s "$PATH"`], {
        encoding: 'utf8',
        env: { PATH: before },
      });
      expect(r.stdout).toBe(after);
    }
  });

  it.each([
    ['/usr/bin:/HOME/U/.LAUNCHER/SHIMS:/bin', '/usr/bin:/HOME/U/.LAUNCHER/SHIMS:/bin'],
    ['/HOME/U/.LAUNCHER/SHIMS:/usr/bin:/bin', '/HOME/U/.LAUNCHER/SHIMS:/usr/bin:/bin'],
  ])(
    "ends under bash's nocasematch with the directory on PATH in other letter case (%s)",
    (before, rest) => {
      const shims = '/home/u/.launcher/shims';
      const r = spawnSync(
        'bash',
        ['-c', `shopt -s nocasematch\n${initSnippet('bash', shims)}\nprintf %s "$PATH"`],
        // stdin not a socket: bash would read ~/.bashrc, taking itself for a remote shell.
        {
          encoding: 'utf8',
          env: { PATH: before },
          stdio: ['ignore', 'pipe', 'pipe'],
          timeout: 10_000,
        },
      );
      expect(r.signal).toBeNull();
      expect(r.stdout).toBe(`${shims}:${rest}`);
    },
  );

  // No PowerShell here: the snippet is checked as text.
  it('quotes the directory for PowerShell (single quotes, every kind doubled) and adds it once', () => {
    const q = "'C:\\Users\\o''neil ‘‘x’’\\$(y)`z'";
    expect(initSnippet('pwsh', "C:\\Users\\o'neil ‘x’\\$(y)`z")).toBe(
      '# launcher: put the compiler shims first on PATH\n' +
        `if (($env:PATH -split [IO.Path]::PathSeparator) -notcontains ${q}) ` +
        `{ $env:PATH = ${q} + [IO.Path]::PathSeparator + $env:PATH }\n`,
    );
  });

  it('refuses an unknown shell with exit 2', async () => {
    const r = await launcher(['init', 'tcsh'], { env: cleanEnv(), cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bash, zsh, fish, pwsh');
  });
});

describe('the shim entry', () => {
  it('refuses to run without a bin name (exit 2), pointing at rehash', async () => {
    const r = await run(process.execPath, [path.join(REPO_ROOT, 'bin', 'launcher-shim.mjs')], {
      env: cleanEnv(),
      cwd: tempDir(),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('without a bin name');
    expect(r.stderr).toContain('launcher rehash');
  });

  it('refuses a bin name that is a path (exit 2), as exec does', async () => {
    const { env, dir } = project('system\n');
    const shim = path.join(REPO_ROOT, 'bin', 'launcher-shim.mjs');
    const r = await run(process.execPath, [shim, '../../../../../bin/echo', 'hi'], {
      env,
      cwd: dir,
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('is not a plain file name');
  });
});

describe('the shim recursion guard', () => {
  it('counts one level per shim run', () => {
    expect(nextShimDepth({}, 'mycc')).toBe(1);
    expect(nextShimDepth({ LAUNCHER_SHIM_DEPTH: '3' }, 'mycc')).toBe(4);
  });

  it(`stops after ${MAX_SHIM_DEPTH} nested runs with a clear error`, () => {
    try {
      nextShimDepth({ LAUNCHER_SHIM_DEPTH: String(MAX_SHIM_DEPTH) }, 'mycc');
      expect.unreachable();
    } catch (error) {
      expect(isLauncherError(error) && error.code).toBe('E_SHIM_LOOP');
      expect((error as Error).message).toContain('call itself');
    }
  });
});
