// End to end: the pinning commands through the built CLI, in a temporary home and project.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALIASES, COMMAND_WORDS } from '../../src/cli/command-words.js';
import { LAUNCHER_BIN, launcher, launcherWithFileLimit, REPO_ROOT, run } from '../helpers/cli.js';
import { startDistServerForTest, thisMachineArtifact } from '../helpers/dist-server.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { deadPid } from '../helpers/lock-owners.js';
import { asUserWithoutPrivileges } from '../helpers/other-user.js';
import { placeVersion } from '../helpers/store.js';

const { version: VERSION } = JSON.parse(
  readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'),
) as { version: string };

function project(file?: string) {
  const env = cleanEnv();
  const dir = tempDir('launcher-project-');
  if (file !== undefined) writeFileSync(path.join(dir, '.tool-version'), file);
  return { env, dir, home: env.LAUNCHER_HOME! };
}

function expectNoStackTrace(stderr: string) {
  expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(stderr).not.toContain('internal error');
}

describe('launcher current', () => {
  it('refuses a LAUNCHER_DIR it may not look into (exit 2), naming it', async () => {
    const { env, dir, home } = project('1.4\n');
    const closed = path.join(tempDir(), 'closed');
    const target = path.join(closed, 'project');
    mkdirSync(target, { recursive: true });
    chmodSync(closed, 0o000);
    try {
      const user = asUserWithoutPrivileges(home, dir);
      const r = await launcher(['current'], {
        env: { ...env, LAUNCHER_DIR: target },
        cwd: dir,
        ...user,
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(
          `^launcher: cannot use the directory ${target} named by LAUNCHER_DIR: .*permission denied`,
        ),
      );
    } finally {
      chmodSync(closed, 0o700);
    }
  });

  it('refuses a LAUNCHER_DIR that names no directory, rather than searching from its parents', async () => {
    // The project above pins 1.4: a mistyped subdirectory must not quietly answer with it.
    const { env, dir, home } = project('1.4\n');
    placeVersion(home, '1.4.2');
    const typo = path.join(dir, 'sbu');
    for (const args of [['current'], ['which', 'mycc']]) {
      const r = await launcher(args, { env: { ...env, LAUNCHER_DIR: typo }, cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        new RegExp(
          `^launcher: the directory ${typo} named by LAUNCHER_DIR does not exist\n\nPoint LAUNCHER_DIR`,
        ),
      );
    }
  });

  it('names a LAUNCHER_DIR that is a link to a file as given, not the file it leads to', async () => {
    const { env, dir } = project('1.4\n');
    const link = path.join(dir, 'proj');
    symlinkSync('.tool-version', link);
    // Absolute, and relative to the working directory (named made absolute).
    for (const given of [link, 'proj']) {
      for (const args of [['current'], ['local', '1.5']]) {
        const r = await launcher(args, { env: { ...env, LAUNCHER_DIR: given }, cwd: dir });
        expect(r.code).toBe(2);
        expect(r.stderr.split('\n')[0]).toBe(
          `launcher: ${link} named by LAUNCHER_DIR is not a directory`,
        );
      }
    }
    expect(readFileSync(path.join(dir, '.tool-version'), 'utf8')).toBe('1.4\n');
  });

  it('prints the installed version and the file that set it', async () => {
    const { env, dir, home } = project('1.4\n');
    placeVersion(home, '1.4.2');
    placeVersion(home, '1.4.1');
    const r = await launcher(['current'], { env, cwd: dir });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(`1.4.2 (set by ${path.join(dir, '.tool-version')})\n`);
  });

  it('prints the JSON shape of the contract', async () => {
    const { env, dir, home } = project('1.4\n');
    placeVersion(home, '1.4.2');
    const r = await launcher(['current', '--json'], { env, cwd: path.join(dir) });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      tool: 'mycc',
      request: '1.4',
      version: '1.4.2',
      installed: true,
      source: 'file',
      origin: path.join(dir, '.tool-version'),
    });
  });

  it('names the tool from a local (file:) index when nothing is installed yet', async () => {
    const { env, dir } = project('1.4\n');
    const index = path.join(tempDir(), 'index.json');
    writeFileSync(index, JSON.stringify({ schema: 1, tool: 'othercc', versions: [] }));
    const r = await launcher(['current', '--json'], {
      env: { ...env, LAUNCHER_DIST_URL: pathToFileURL(index).href },
      cwd: dir,
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      tool: 'othercc',
      version: null,
      installed: false,
    });
  });

  it('does not read a local index larger than an index may be to name the tool', async () => {
    const { env, dir } = project('1.4\n');
    const index = path.join(tempDir(), 'index.json');
    // Valid JSON naming a tool, but 33 MiB: the index loader refuses it, so it names nothing.
    const padding = 'x'.repeat(33 * 1024 * 1024);
    writeFileSync(index, `{"schema":1,"tool":"othercc","versions":[],"padding":"${padding}"}`);
    const indexEnv = { ...env, LAUNCHER_DIST_URL: pathToFileURL(index).href };
    const r = await launcher(['current', '--json'], { env: indexEnv, cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ tool: null, version: null, installed: false });
    const remote = await launcher(['list-remote'], { env: indexEnv, cwd: dir });
    expect(remote.code).toBe(2);
    expect(remote.stderr).toContain(`the index ${pathToFileURL(index).href} is larger than`);
  });

  it('reports null and not installed when nothing installed satisfies the request', async () => {
    const { env, dir, home } = project('2\n');
    placeVersion(home, '1.4.2');
    const r = await launcher(['current', '--json'], { env, cwd: dir });
    expect(JSON.parse(r.stdout)).toMatchObject({
      request: '2',
      version: null,
      installed: false,
      source: 'file',
    });
    const text = await launcher(['current'], { env, cwd: dir });
    expect(text.stdout).toContain('not installed');
  });

  it('resolves a request nothing installed satisfies from a local (file:) index', async () => {
    const { env, dir, home } = project('1\n');
    placeVersion(home, '0.9.0');
    const index = path.join(tempDir(), 'index.json');
    const artifacts = [thisMachineArtifact()];
    writeFileSync(
      index,
      JSON.stringify({
        schema: 1,
        tool: 'mycc',
        versions: ['1.4.2', '1.5.0', '2.0.0'].map((version) => ({ version, artifacts })),
      }),
    );
    const indexEnv = { ...env, LAUNCHER_DIST_URL: pathToFileURL(index).href };
    const r = await launcher(['current', '--json'], { env: indexEnv, cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      request: '1',
      version: '1.5.0',
      installed: false,
    });
    const text = await launcher(['current'], { env: indexEnv, cwd: dir });
    expect(text.stdout).toBe(`1.5.0 (set by ${path.join(dir, '.tool-version')}; not installed)\n`);
    const none = await launcher(['current', '--json'], {
      env: { ...indexEnv, LAUNCHER_VERSION: '9' },
      cwd: dir,
    });
    expect(JSON.parse(none.stdout)).toMatchObject({
      request: '9',
      version: null,
      installed: false,
    });
  });

  describe('with a remote index', () => {
    it('resolves from the cached copy, never the network, and null only when none satisfies it', async () => {
      const server = await startDistServerForTest({
        versions: [{ version: '1.4.2' }, { version: '1.5.0' }],
      });
      const { env, dir } = project('1.4\n');
      const remote = { ...env, LAUNCHER_DIST_URL: server.indexUrl };
      // Not cached yet: nothing known satisfies it, nothing names the tool (docs/architecture.md),
      // and nothing is fetched to find out.
      const cold = await launcher(['current', '--json'], { env: remote, cwd: dir });
      expect(JSON.parse(cold.stdout)).toMatchObject({
        tool: null,
        version: null,
        installed: false,
      });
      expect(server.requests).toEqual([]);
      expect((await launcher(['list-remote'], { env: remote, cwd: dir })).code).toBe(0);
      const requests = server.requests.length;
      const warm = await launcher(['current', '--json'], { env: remote, cwd: dir });
      expect(JSON.parse(warm.stdout)).toMatchObject({
        tool: 'mycc',
        request: '1.4',
        version: '1.4.2',
        installed: false,
        source: 'file',
      });
      const nine = { ...remote, LAUNCHER_VERSION: '9' };
      const none = await launcher(['current', '--json'], { env: nine, cwd: dir });
      expect(JSON.parse(none.stdout)).toMatchObject({ version: null, installed: false });
      const text = await launcher(['current'], { env: nine, cwd: dir });
      expect(text).toMatchObject({
        code: 0,
        stdout: '9 (set by LAUNCHER_VERSION; no version satisfies it, installed or in the index)\n',
      });
      expect(server.requests.length).toBe(requests);
    });
  });

  it('names LAUNCHER_VERSION as the origin when the environment sets it', async () => {
    const { env, dir, home } = project('1.4\n');
    placeVersion(home, '2.0.0');
    const r = await launcher(['current', '--json'], {
      env: { ...env, LAUNCHER_VERSION: '2' },
      cwd: dir,
    });
    expect(JSON.parse(r.stdout)).toMatchObject({
      source: 'env',
      origin: 'LAUNCHER_VERSION',
      version: '2.0.0',
    });
  });

  it('finds the same pin for a directory named through a link, by cwd or by LAUNCHER_DIR', async () => {
    // logical/lp is a link to real/p; each parent pins another version. The cwd is the physical
    // directory (real/p), so LAUNCHER_DIR spelled through the link must resolve there too.
    const { env } = project();
    const root = tempDir();
    mkdirSync(path.join(root, 'real', 'p'), { recursive: true });
    mkdirSync(path.join(root, 'logical'));
    writeFileSync(path.join(root, 'real', '.tool-version'), '1.5.0\n');
    writeFileSync(path.join(root, 'logical', '.tool-version'), '1.4.2\n');
    const linked = path.join(root, 'logical', 'lp');
    symlinkSync('../real/p', linked);
    const expected = { request: '1.5.0', origin: path.join(root, 'real', '.tool-version') };
    for (const [dirEnv, cwd] of [
      [{}, linked],
      [{ LAUNCHER_DIR: linked }, root],
      [{ LAUNCHER_DIR: 'logical/lp' }, root],
    ] as const) {
      const r = await launcher(['current', '--json'], { env: { ...env, ...dirEnv }, cwd });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject(expected);
    }
  });

  it('exits 3 with the fix when no version is set anywhere', async () => {
    const { env, dir } = project();
    const r = await launcher(['current'], { env, cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^launcher: no version is set for .+\n\n.*launcher local/);
  });

  it.each([
    [
      'an invalid request',
      (d: string) => writeFileSync(path.join(d, '.tool-version'), '1.4.2.7\n'),
    ],
    [
      'a comment-only file',
      (d: string) => writeFileSync(path.join(d, '.tool-version'), '# nothing\n'),
    ],
    ['a directory named .tool-version', (d: string) => mkdirSync(path.join(d, '.tool-version'))],
    [
      'a 10 MB file',
      (d: string) =>
        writeFileSync(path.join(d, '.tool-version'), Buffer.alloc(10 * 1024 * 1024, 0x31)),
    ],
    [
      'invalid UTF-8',
      (d: string) => writeFileSync(path.join(d, '.tool-version'), Buffer.from([0xc3, 0x28])),
    ],
  ])('exits 2 on %s, naming the file, without a stack trace', async (_name, make) => {
    const { env, dir } = project();
    make(dir);
    const r = await launcher(['current'], { env, cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(path.join(dir, '.tool-version'));
    expect(r.stderr).toMatch(/\n\n\S/);
    expectNoStackTrace(r.stderr);
  });

  it('exits 2 on an unreadable version file, naming it', async () => {
    const { env, dir } = project('1.4.2\n');
    chmodSync(path.join(dir, '.tool-version'), 0o000);
    const user = asUserWithoutPrivileges(dir, env.LAUNCHER_HOME!);
    const r = await launcher(['current'], { env, cwd: dir, ...user });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `cannot read the version file ${path.join(dir, '.tool-version')}: permission denied`,
    );
    expectNoStackTrace(r.stderr);
  });
});

describe('launcher local', () => {
  it('refuses a .tool-version the user may not write (exit 1), naming it and the fix, and leaves it as it was', async () => {
    const { env, dir, home } = project('1.4.2\n');
    const file = path.join(dir, '.tool-version');
    const user = asUserWithoutPrivileges(dir, home);
    // The user's own file, made read-only, as `chmod a-w .tool-version` would.
    if (user.uid !== undefined) chownSync(file, user.uid, user.gid!);
    chmodSync(file, 0o444);
    const r = await launcher(['local', '1.5.0'], { env, cwd: dir, ...user });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `launcher: cannot write the version file ${file}: you may not write it\n\n` +
        `launcher changes a version file only where you may write it. If the pin should change, make it writable first (\`chmod u+w '${file}'\`), then run the command again.\n`,
    );
    expect(readFileSync(file, 'utf8')).toBe('1.4.2\n');
    expect(statSync(file).mode & 0o777).toBe(0o444);
  });

  it("refuses another user's .tool-version the user may not write, with a fix that fits who may", async () => {
    const { env, dir, home } = project('1.4.2\n');
    const file = path.join(dir, '.tool-version');
    const user = asUserWithoutPrivileges(dir, home);
    // daemon's file: with its owner able to write it (0644), and not (0444).
    const daemon = 1;
    chownSync(file, daemon, daemon);
    const hints: Array<[number, string]> = [
      [
        0o644,
        `It belongs to another user (uid ${daemon}), who may write it: ask them to change the pin, ` +
          `or to let you write it (\`chmod g+w '${file}'\` for a group you are in); or set LAUNCHER_VERSION to override the pin.`,
      ],
      [
        0o444,
        `If the pin should change, its owner (uid ${daemon}) must make it writable first (\`chmod u+w '${file}'\`), then run the command again.`,
      ],
    ];
    for (const [mode, hint] of hints) {
      chmodSync(file, mode);
      const r = await launcher(['local', '1.5.0'], { env, cwd: dir, ...user });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        `launcher: cannot write the version file ${file}: you may not write it\n\n` +
          `launcher changes a version file only where you may write it. ${hint}\n`,
      );
      expect(readFileSync(file, 'utf8')).toBe('1.4.2\n');
    }
  });

  it('keeps the mode and the owner of the .tool-version it replaces', async () => {
    const { env, dir } = project('1.4.2\n');
    const file = path.join(dir, '.tool-version');
    // Another user's file (when the tests run as root), shared with the group.
    const other = asUserWithoutPrivileges();
    const owner = { uid: other.uid ?? process.getuid!(), gid: other.gid ?? process.getgid!() };
    chownSync(file, owner.uid, owner.gid);
    chmodSync(file, 0o664);
    const r = await launcher(['local', '1.5.0'], { env, cwd: dir });
    expect(r.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('1.5.0\n');
    const st = statSync(file);
    expect(st.mode & 0o777).toBe(0o664);
    expect({ uid: st.uid, gid: st.gid }).toEqual(owner);
  });

  it("writes another user's .tool-version in place, as echo would: same file, owner and mode", async () => {
    // Shared with everyone, and one the writer may write but not read, which echo writes too.
    for (const mode of [0o666, 0o222]) {
      const { env, dir, home } = project('1.4.2\n');
      const file = path.join(dir, '.tool-version');
      // daemon's project (when the tests run as root): a directory the writer may not write in,
      // holding daemon's file. Run as root, the file is simply not root's own.
      const user = asUserWithoutPrivileges(home);
      const daemon = 1;
      chownSync(dir, daemon, daemon);
      chmodSync(dir, 0o755);
      chownSync(file, daemon, daemon);
      chmodSync(file, mode);
      const before = statSync(file);
      const r = await launcher(['local', '1.5.0'], { env, cwd: dir, ...user });
      expect(r.stderr).not.toContain('cannot write');
      expect(r.code).toBe(0);
      expect(readFileSync(file, 'utf8')).toBe('1.5.0\n');
      const after = statSync(file);
      expect(after.ino).toBe(before.ino);
      expect({ uid: after.uid, gid: after.gid, mode: after.mode }).toEqual({
        uid: daemon,
        gid: daemon,
        mode: before.mode,
      });
    }
  });

  it('leaves a .tool-version it writes in place as it was when the write fails', async () => {
    const pinned = '# pinned\n1.4.2\n';
    // One with set-id bits (the user's own), and another user's in a directory the writer may
    // not write in (as the test above): both are written in place.
    const setId = project(pinned);
    chmodSync(path.join(setId.dir, '.tool-version'), 0o2664);
    const shared = project(pinned);
    const user = asUserWithoutPrivileges(shared.home);
    chownSync(shared.dir, 1, 1);
    chmodSync(shared.dir, 0o755);
    chownSync(path.join(shared.dir, '.tool-version'), 1, 1);
    chmodSync(path.join(shared.dir, '.tool-version'), 0o666);
    for (const [{ env, dir }, as] of [
      [setId, {}],
      [shared, user],
    ] as const) {
      const file = path.join(dir, '.tool-version');
      const before = statSync(file);
      // No byte may be written (ulimit -f 0): EFBIG, as a full disk's ENOSPC.
      const r = await launcherWithFileLimit(0, ['local', '1.5.0'], { env, cwd: dir, ...as });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`cannot write ${file}`);
      expect(readFileSync(file, 'utf8')).toBe(pinned);
      expect(statSync(file)).toMatchObject({ ino: before.ino, mode: before.mode });
      const current = await launcher(['current'], { env, cwd: dir });
      expect(current.stdout).toContain(`1.4.2 (set by ${file}`);
    }
  });

  it('says to raise the file size limit, not to move LAUNCHER_HOME, when a .tool-version may not grow', async () => {
    const { env, dir } = project('1.4.2\n');
    const file = path.join(dir, '.tool-version');
    // No byte may be written (ulimit -f 0): EFBIG.
    const r = await launcherWithFileLimit(0, ['local', '1.5.0'], { env, cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `launcher: cannot write ${file} (write): file too large for the file size limit (ulimit -f) or the file system\n\n` +
        'Raise the file size limit (ulimit -f), then run the command again.\n',
    );
    expect(readFileSync(file, 'utf8')).toBe('1.4.2\n');
  });

  it('keeps set-id bits of a .tool-version, writing it in place', async () => {
    const { env, dir } = project('1.4.2\n');
    const file = path.join(dir, '.tool-version');
    chmodSync(file, 0o2664);
    const before = statSync(file);
    const r = await launcher(['local', '1.5.0'], { env, cwd: dir });
    expect(r.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('1.5.0\n');
    expect(statSync(file)).toMatchObject({ ino: before.ino, mode: before.mode });
  });

  it('removes the temporary files of a killed local beside the pin, and nothing else there', async () => {
    const { env, dir } = project('1.4.2\n');
    const dead = await deadPid();
    // A write killed before its rename leaves `<pin>.<pid>.<hex>.tmp`; one of a process that
    // still runs (this one) may be a write under way.
    const killed = `.tool-version.${dead}.0badcafe.tmp`;
    const running = `.tool-version.${process.pid}.0badcafe.tmp`;
    // The user's own files, only alike: not launcher's name for a pin's temporary file.
    const kept = [
      `.tool-version.${dead}.tmp`,
      `.tool-version.${dead}.notes.tmp`,
      `.tool-version.${dead}.0badcafe.tmp.bak`,
      `.tool-versions.${dead}.0badcafe.tmp`,
      `notes.${dead}.0badcafe.tmp`,
      // Digits and hex, but not as launcher writes them: a pid, then 8 hex digits.
      '.tool-version.2024.01.tmp',
      `.tool-version.0${dead}.0badcafe.tmp`,
      '.tool-version.99999999999999999999.0badcafe.tmp',
      `.tool-version.${dead}.0badcafe1.tmp`,
    ];
    for (const name of [killed, running, ...kept]) writeFileSync(path.join(dir, name), '1.3\n');
    mkdirSync(path.join(dir, `.tool-version.${dead}.abc.tmp`));
    const r = await launcher(['local', '1.5.0'], { env, cwd: dir });
    expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(
      ['.tool-version', running, `.tool-version.${dead}.abc.tmp`, ...kept].sort(),
    );
  });

  it('writes the request to .tool-version in the current directory', async () => {
    const { env, dir } = project();
    const r = await launcher(['local', 'v1.4'], { env, cwd: dir });
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(dir, '.tool-version'), 'utf8')).toBe('1.4\n');
    expect(r.stdout).toBe(`1.4 (set by ${path.join(dir, '.tool-version')})\n`);
    expect(r.stderr).toContain('not installed yet');
  });

  it('writes into LAUNCHER_DIR when it is set', async () => {
    const { env, dir } = project();
    const other = tempDir();
    const r = await launcher(['local', '1.4.2'], {
      env: { ...env, LAUNCHER_DIR: other },
      cwd: dir,
    });
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(other, '.tool-version'), 'utf8')).toBe('1.4.2\n');
    expect(existsSync(path.join(dir, '.tool-version'))).toBe(false);
  });

  it('refuses a LAUNCHER_DIR that does not exist (exit 2) and creates no directory', async () => {
    const { env, dir, home } = project();
    const typo = path.join(dir, 'typo', 'deep', 'dir');
    for (const args of [['local', '1.5'], ['local'], ['local', '--unset']]) {
      const r = await launcher(args, { env: { ...env, LAUNCHER_DIR: typo }, cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        `launcher: the directory ${typo} named by LAUNCHER_DIR does not exist\n\n` +
          'launcher local pins an existing directory and creates none: check the path for a ' +
          'typo, or create that directory first (mkdir -p), then run the command again.\n',
      );
    }
    expect(readdirSync(dir)).toEqual([]);
    expect(existsSync(path.join(home, 'config'))).toBe(false);
  });

  it('refuses to --unset a directory or a FIFO named .tool-version (exit 2), leaving it', async () => {
    const { env, dir } = project();
    mkdirSync(path.join(dir, '.tool-version', 'inside'), { recursive: true });
    const r = await launcher(['local', '--unset'], { env, cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^launcher: .+\.tool-version is a directory, not a version file\n\n\S/,
    );
    expect(readdirSync(path.join(dir, '.tool-version'))).toEqual(['inside']);
    const fifoDir = tempDir();
    execFileSync('mkfifo', [path.join(fifoDir, '.tool-version')]);
    const f = await launcher(['local', '--unset'], { env, cwd: fifoDir });
    expect(f.code).toBe(2);
    expect(f.stderr).toContain('is not a regular file, not a version file');
    expect(readdirSync(fifoDir)).toEqual(['.tool-version']);
  });

  it('refuses a LAUNCHER_DIR that is a file (exit 2) and leaves it as it was', async () => {
    const { env, dir } = project();
    const file = path.join(dir, 'notes.txt');
    writeFileSync(file, 'mine\n');
    const r = await launcher(['local', '1.5'], { env: { ...env, LAUNCHER_DIR: file }, cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^launcher: .+notes\.txt named by LAUNCHER_DIR is not a directory\n\n\S/,
    );
    expect(readFileSync(file, 'utf8')).toBe('mine\n');
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it.each([['..'], ['a/b'], ['1.4.2.7'], ['>=1.2.0 <2']])(
    'refuses %j (exit 2) and leaves the existing file as it was',
    async (request) => {
      const { env, dir } = project('# ours\n1.3.0\n');
      const r = await launcher(['local', request], { env, cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/\n\n\S/);
      expect(readFileSync(path.join(dir, '.tool-version'), 'utf8')).toBe('# ours\n1.3.0\n');
      expect(readdirSync(dir)).toEqual(['.tool-version']);
    },
  );

  it('writes through a .tool-version that is a symbolic link, keeping the link', async () => {
    const { env, dir } = project();
    const dots = tempDir('launcher-dotfiles-');
    writeFileSync(path.join(dots, 'mycc-version'), '1.3.0\n', { mode: 0o600 });
    const link = path.join(dir, '.tool-version');
    symlinkSync(path.join(dots, 'mycc-version'), link);
    const r = await launcher(['local', '1.5'], { env, cwd: dir });
    expect(r.code).toBe(0);
    // The file keeps its mode.
    expect(statSync(path.join(dots, 'mycc-version')).mode & 0o777).toBe(0o600);
    expect(r.stdout).toBe(`1.5 (set by ${link})\n`);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(path.join(dots, 'mycc-version'));
    expect(readFileSync(path.join(dots, 'mycc-version'), 'utf8')).toBe('1.5\n');
    // Written atomically in the target's directory: no temporary file left in either.
    expect(readdirSync(dots)).toEqual(['mycc-version']);
    expect(readdirSync(dir)).toEqual(['.tool-version']);
    expect((await launcher(['local'], { env, cwd: dir })).stdout).toBe('1.5\n');
  });

  it('names the link as well as its file when the file system refuses a write through it', async () => {
    const { env, dir } = project();
    const target = path.join(tempDir('launcher-dotfiles-'), 'mycc-version');
    writeFileSync(target, '1.3.0\n');
    const link = path.join(dir, '.tool-version');
    symlinkSync(target, link);
    // No byte may be written (ulimit -f 0): EFBIG.
    const r = await launcherWithFileLimit(0, ['local', '1.5.0'], { env, cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(
      `launcher: cannot write ${target} (write, through the link ${link}): file too large for the file size limit (ulimit -f) or the file system`,
    );
    expect(readFileSync(target, 'utf8')).toBe('1.3.0\n');
  });

  it('refuses to write through a link to a file that is not a version file (exit 2), changing nothing', async () => {
    // A cloned project whose .tool-version leads to the user's keys, or crontab, must not get
    // them replaced (a crontab's first word, 0, even reads as a request).
    for (const [name, content] of [
      ['authorized_keys', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 ada@home\n'],
      ['crontab', '0 3 * * * /usr/bin/backup\n'],
      ['commented-out crontab', '# m h dom mon dow command\n# 0 3 * * * /usr/bin/backup\n'],
    ] as const) {
      const { env, dir } = project();
      const victim = path.join(tempDir('launcher-victim-'), name);
      writeFileSync(victim, content, { mode: 0o600 });
      const link = path.join(dir, '.tool-version');
      symlinkSync(victim, link);
      const r = await launcher(['local', '1.0.0'], { env, cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(
          `^launcher: ${link} is a symbolic link to ${victim}, which is not a version file\n\n\\S`,
        ),
      );
      expect(readFileSync(victim, 'utf8')).toBe(content);
      expect(statSync(victim).mode & 0o777).toBe(0o600);
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
    }
  });

  it('refuses a .tool-version link to a file it may not read, saying so (exit 2)', async () => {
    // A write-only version file: written when it is the pin itself, but through a link only a
    // file read to be a version file is written, so this one is refused, for the reason it is.
    const { env, dir, home } = project();
    const other = tempDir('launcher-pins-');
    const target = path.join(other, 'mycc-version');
    writeFileSync(target, '1.4.2\n');
    const user = asUserWithoutPrivileges(home, dir, other);
    chmodSync(target, 0o222);
    const link = path.join(dir, '.tool-version');
    symlinkSync(target, link);
    const r = await launcher(['local', '1.5.0'], { env, cwd: dir, ...user });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(`^launcher: ${link} is a symbolic link to ${target}, which cannot be read \\(`),
    );
    expect(r.stderr).toContain('Make that file readable for you, or remove the link');
    chmodSync(target, 0o644);
    expect(readFileSync(target, 'utf8')).toBe('1.4.2\n');
  });

  it('refuses a .tool-version link to nothing (exit 2) and leaves the link as it was', async () => {
    const { env, dir } = project();
    const link = path.join(dir, '.tool-version');
    symlinkSync('../gone/mycc-version', link);
    const r = await launcher(['local', '1.5'], { env, cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(
        `^launcher: ${link} is a symbolic link to \\.\\./gone/mycc-version, which does not exist\n\n\\S`,
      ),
    );
    expect(readlinkSync(link)).toBe('../gone/mycc-version');
    expect(readdirSync(dir)).toEqual(['.tool-version']);
    expect(existsSync(path.join(path.dirname(dir), 'gone'))).toBe(false);
  });

  it('refuses a .tool-version that is a directory (exit 2), not an internal error', async () => {
    const { env, dir } = project();
    mkdirSync(path.join(dir, '.tool-version'));
    const r = await launcher(['local', '1.5'], { env, cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `the version file ${path.join(dir, '.tool-version')}: it is a directory`,
    );
    expectNoStackTrace(r.stderr);
    expect(readdirSync(path.join(dir, '.tool-version'))).toEqual([]);
  });

  it('prints the nearest pin without arguments', async () => {
    const { env, dir } = project('^1.4.0\n');
    mkdirSync(path.join(dir, 'sub'));
    const r = await launcher(['local'], { env, cwd: path.join(dir, 'sub') });
    expect(r).toMatchObject({ code: 0, stdout: '^1.4.0\n' });
  });

  it('removes the pin with --unset', async () => {
    const { env, dir } = project('1.4\n');
    const r = await launcher(['local', '--unset'], { env, cwd: dir });
    expect(r.code).toBe(0);
    expect(existsSync(path.join(dir, '.tool-version'))).toBe(false);
  });

  describe('with an index known without the network', () => {
    it('pins a request no version in it satisfies, warning that it cannot run (exit 0), without fetching', async () => {
      const server = await startDistServerForTest({
        versions: [{ version: '1.4.2' }, { version: '1.5.0' }],
      });
      const { env, dir } = project();
      const remote = { ...env, LAUNCHER_DIST_URL: server.indexUrl };
      expect((await launcher(['list-remote'], { env: remote, cwd: dir })).code).toBe(0);
      const requests = server.requests.length;
      const file = path.join(dir, '.tool-version');
      const none = await launcher(['local', '9.9.9'], { env: remote, cwd: dir });
      expect(none).toMatchObject({ code: 0, stdout: `9.9.9 (set by ${file})\n` });
      expect(none.stderr).toMatch(
        new RegExp(
          `^warning: no version of mycc in the index of ${server.indexUrl} cached at \\S+ satisfies 9\\.9\\.9, so mycc cannot run with this pin \\(exit 4\\) until one does\\.\n` +
            'The newest are 1\\.5\\.0, 1\\.4\\.2; see them all with `launcher list-remote` \\(which also refreshes the index\\)\\.\n$',
        ),
      );
      expect(readFileSync(file, 'utf8')).toBe('9.9.9\n');
      const some = await launcher(['local', '1.5'], { env: remote, cwd: dir });
      expect(some.stderr).toBe(
        '1.5 is not installed yet: it is installed on first use, or now with `launcher install`.\n',
      );
      expect(server.requests.length).toBe(requests);
    });
  });

  it('refuses to pin in a directory the user may not write (exit 1), naming the .tool-version and the fix, and leaves nothing', async () => {
    const { env, dir, home } = project();
    const user = asUserWithoutPrivileges(home);
    chmodSync(dir, 0o555);
    const r = await launcher(['local', '1.5.0'], { env, cwd: dir, ...user });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `launcher: cannot use ${path.join(dir, '.tool-version')} (open): permission denied\n\n` +
        'launcher writes a version file only where you may, as `echo 1.4 > .tool-version` would: ' +
        `make ${dir} writable for you (or ask its owner to pin the version), or set LAUNCHER_VERSION instead.\n`,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses to --unset a pin in a directory the user may not write (exit 1), naming it and the fix', async () => {
    const { env, dir, home } = project('1.4\n');
    const file = path.join(dir, '.tool-version');
    const user = asUserWithoutPrivileges(home);
    chmodSync(dir, 0o555);
    const r = await launcher(['local', '--unset'], { env, cwd: dir, ...user });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `launcher: cannot use ${file} (unlink): permission denied\n\n` +
        'launcher removes a version file only where you may, as `rm` would: ' +
        `make ${dir} writable for you (or ask its owner to remove the pin).\n`,
    );
    expect(readFileSync(file, 'utf8')).toBe('1.4\n');
  });
});

describe('launcher global', () => {
  it('sets a default no version in a local (file:) index satisfies, warning that it cannot run (exit 0)', async () => {
    const { env, dir, home } = project();
    const index = path.join(tempDir(), 'index.json');
    writeFileSync(index, JSON.stringify({ schema: 1, tool: 'mycc', versions: [] }));
    const url = pathToFileURL(index).href;
    const r = await launcher(['global', '2'], {
      env: { ...env, LAUNCHER_DIST_URL: url },
      cwd: dir,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      new RegExp(
        `^warning: no version of mycc in ${url} satisfies 2, so mycc cannot run with this pin \\(exit 4\\) until one does\\.\n`,
      ),
    );
    expect(readFileSync(path.join(home, 'config', 'version'), 'utf8')).toBe('2\n');
  });

  it('refuses a config directory the user may not write (exit 1), naming the global default file, and leaves nothing', async () => {
    const { env, dir, home } = project();
    const file = path.join(home, 'config', 'version');
    mkdirSync(path.dirname(file));
    const user = asUserWithoutPrivileges(home, dir);
    chmodSync(path.dirname(file), 0o555);
    const r = await launcher(['global', '1.5.0'], { env, cwd: dir, ...user });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `launcher: cannot use ${file} (open): permission denied\n\n` +
        'Check who owns it and its mode, or set LAUNCHER_HOME to a directory of your own elsewhere.\n',
    );
    expect(readdirSync(path.dirname(file))).toEqual([]);
  });

  it('refuses a global default file the user may not write (exit 1), and leaves it as it was', async () => {
    const { env, dir, home } = project();
    const file = path.join(home, 'config', 'version');
    mkdirSync(path.dirname(file));
    writeFileSync(file, '1.4.2\n', { mode: 0o444 });
    const user = asUserWithoutPrivileges(home, path.dirname(file), dir);
    if (user.uid !== undefined) chownSync(file, user.uid, user.gid!);
    const r = await launcher(['global', '1.5.0'], { env, cwd: dir, ...user });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot write the version file ${file}: you may not write it`);
    expect(readFileSync(file, 'utf8')).toBe('1.4.2\n');
  });

  it('removes the temporary files of a killed global beside the global default file', async () => {
    const { env, dir, home } = project();
    const config = path.join(home, 'config');
    mkdirSync(config);
    const killed = `version.${await deadPid()}.0badcafe.tmp`;
    const running = `version.${process.pid}.0badcafe.tmp`;
    for (const name of [killed, running]) writeFileSync(path.join(config, name), '1.3\n');
    const r = await launcher(['global', '1.5.0'], { env, cwd: dir });
    expect(r.code).toBe(0);
    expect(readdirSync(config).sort()).toEqual([running, 'version'].sort());
  });

  it('sets the default that applies where no project pins a version', async () => {
    const { env, dir, home } = project();
    placeVersion(home, '1.5.0');
    expect((await launcher(['global', '1.5'], { env, cwd: dir })).code).toBe(0);
    expect((await launcher(['global'], { env, cwd: dir })).stdout).toBe('1.5\n');
    const r = await launcher(['current', '--json'], { env, cwd: dir });
    expect(JSON.parse(r.stdout)).toMatchObject({
      source: 'global',
      origin: path.join(home, 'config', 'version'),
      version: '1.5.0',
    });
  });

  it("creates the config directory of a fresh home, which is launcher's own", async () => {
    const { env, dir, home } = project();
    expect(existsSync(path.join(home, 'config'))).toBe(false);
    const r = await launcher(['global', '1.5'], { env, cwd: dir });
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(home, 'config', 'version'), 'utf8')).toBe('1.5\n');
  });

  it('writes through a global default file that is a symbolic link', async () => {
    const { env, dir, home } = project();
    const dots = tempDir('launcher-dotfiles-');
    writeFileSync(path.join(dots, 'version'), 'latest\n');
    mkdirSync(path.join(home, 'config'));
    symlinkSync(path.join(dots, 'version'), path.join(home, 'config', 'version'));
    expect((await launcher(['global', '1.5'], { env, cwd: dir })).code).toBe(0);
    expect(lstatSync(path.join(home, 'config', 'version')).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(dots, 'version'), 'utf8')).toBe('1.5\n');
  });

  it('exits 3 when no global default is set', async () => {
    const { env, dir, home } = project();
    const r = await launcher(['global'], { env, cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`${path.join(home, 'config', 'version')} does not exist`);
    expect(r.stderr).toContain('launcher global <version>');
  });

  it('exits 3 saying the global default file is empty when it has 0 bytes', async () => {
    const { env, dir, home } = project();
    const file = path.join(home, 'config', 'version');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, '');
    const r = await launcher(['global'], { env, cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`no global default is set (${file} is empty)`);
    expect(r.stderr).toContain('launcher global <version>');
  });

  it('refuses an invalid request and writes nothing', async () => {
    const { env, dir, home } = project();
    const r = await launcher(['global', 'a/b'], { env, cwd: dir });
    expect(r.code).toBe(2);
    expect(existsSync(path.join(home, 'config'))).toBe(false);
  });
});

describe('launcher list', () => {
  it('lists installed versions highest first and marks the current one', async () => {
    const { env, dir, home } = project('1.4\n');
    for (const v of ['1.4.2', '2.0.0', '1.10.0']) placeVersion(home, v);
    placeVersion(home, '1.4.9', { receipt: false });
    const json = await launcher(['list', '--json'], { env, cwd: dir });
    expect(JSON.parse(json.stdout)).toEqual([
      { version: '2.0.0', current: false, path: path.join(home, 'versions', '2.0.0') },
      { version: '1.10.0', current: false, path: path.join(home, 'versions', '1.10.0') },
      { version: '1.4.2', current: true, path: path.join(home, 'versions', '1.4.2') },
    ]);
    const text = await launcher(['list'], { env, cwd: dir });
    expect(text.stdout).toBe(
      `  2.0.0\n  1.10.0\n* 1.4.2 (set by ${path.join(dir, '.tool-version')})\n`,
    );
  });

  it('still lists when the version file is bad, with a warning', async () => {
    const { env, dir, home } = project('a/b\n');
    placeVersion(home, '1.4.2');
    const r = await launcher(['list', '--json'], { env, cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      expect.objectContaining({ version: '1.4.2', current: false }),
    ]);
    expect(r.stderr).toContain('warning');
  });

  it('prints an empty JSON array when nothing is installed', async () => {
    const { env, dir } = project();
    expect((await launcher(['list', '--json'], { env, cwd: dir })).stdout).toBe('[]\n');
  });
});

describe('the command line itself', () => {
  it('prints its version', async () => {
    const { env, dir } = project();
    const pkg = JSON.parse(
      readFileSync(path.join(import.meta.dirname, '../../package.json'), 'utf8'),
    );
    expect(await launcher(['--version'], { env, cwd: dir })).toMatchObject({
      code: 0,
      stdout: `${pkg.version}\n`,
    });
  });

  it('names a LAUNCHER_HOME that is a file as the problem, not as a bug of its own', async () => {
    const { env, dir } = project();
    const file = path.join(tempDir(), 'home-is-a-file');
    writeFileSync(file, '');
    for (const args of [['rehash'], ['list']]) {
      const r = await launcher(args, { env: { ...env, LAUNCHER_HOME: file }, cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`launcher: cannot use ${file}/`);
      expect(r.stderr).toContain('a part of that path is a file, not a directory');
      expect(r.stderr).not.toContain('bug');
    }
    expect(readFileSync(file, 'utf8')).toBe('');
  });

  it('lists the commands in --help', async () => {
    const { env, dir } = project();
    const r = await launcher(['--help'], { env, cwd: dir });
    expect(r.code).toBe(0);
    for (const command of ['current', 'local', 'global', 'list'])
      expect(r.stdout).toContain(`launcher ${command}`);
  });

  // Each run loads only its own command (src/cli/main.ts): every command must still be found by
  // its word, and a mistake must read as it does for the CLI of every command.
  const WORDS = [...COMMAND_WORDS, ...Object.keys(ALIASES)];
  it('finds every command by its word, and lists each in --help', async () => {
    const { env, dir } = project();
    const all = await launcher(['--help'], { env, cwd: dir });
    for (const word of WORDS) {
      const r = await launcher([word, '--help'], { env, cwd: dir });
      expect(r.code, word).toBe(0);
      const name = word === 'ls' ? 'list' : word;
      expect(r.stdout).toMatch(new RegExp(`\\$ launcher ${name}\\b`));
      expect(all.stdout).toContain(`launcher ${name}`);
      // `launcher help <word>` says the same.
      expect(await launcher(['help', word], { env, cwd: dir })).toEqual(r);
    }
  }, 60_000);

  it('prints the same as --help for `launcher help`, with exit 0', async () => {
    const { env, dir } = project();
    const help = await launcher(['--help'], { env, cwd: dir });
    expect(help.code).toBe(0);
    expect(await launcher(['help'], { env, cwd: dir })).toEqual(help);
  });

  it('prints the general help for `launcher help help`, `help --help` and `help -h`', async () => {
    const { env, dir } = project();
    const help = await launcher(['--help'], { env, cwd: dir });
    for (const topic of ['help', '--help', '-h']) {
      expect(await launcher(['help', topic], { env, cwd: dir }), topic).toEqual(help);
    }
  });

  it('says there is no such command for `launcher help nope`, with exit 2', async () => {
    const { env, dir } = project();
    const r = await launcher(['help', 'nope'], { env, cwd: dir });
    expect(r).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr:
        'launcher: there is no command "nope"\n\n' +
        'Run `launcher --help` (or `launcher help`) for the list of commands.\n',
    });
  });

  it('explains exec for `launcher help exec mycc --version`, running nothing', async () => {
    const { env, dir } = project('system\n');
    // A mycc on PATH that would say so if it ran.
    const bin = tempDir();
    writeFileSync(path.join(bin, 'mycc'), '#!/bin/sh\necho RAN\n', { mode: 0o755 });
    const withBin = { ...env, PATH: `${bin}:${env.PATH}` };
    const execHelp = await launcher(['exec', '--help'], { env: withBin, cwd: dir });
    const r = await launcher(['help', 'exec', 'mycc', '--version'], { env: withBin, cwd: dir });
    expect(r).toEqual(execHelp);
    expect(r.stdout).not.toContain('RAN');
  });

  // clipanion calls an option's value `#0`; the spec writes `[--dir DIR]`.
  it('names the value of --dir and --format in every usage line', async () => {
    const { env, dir } = project();
    const help = await launcher(['--help'], { env, cwd: dir });
    expect(help.stdout).toContain(
      'launcher diagnostics [--json] [--format FORMAT] [--watch] [--dir DIR]',
    );
    expect(help.stdout).toContain('launcher restart [--dir DIR]');
    expect(help.stdout).toContain('launcher stop [--dir DIR]');
    const stop = await launcher(['stop', '--help'], { env, cwd: dir });
    expect(stop.stdout).toMatch(/^ {2}--dir DIR {4}Act on the project of DIR/m);
    const mistake = await launcher(['diagnostics', '--dir'], { env, cwd: dir });
    expect(mistake.code).toBe(2);
    for (const r of [help, stop, mistake]) expect(r.stdout + r.stderr).not.toContain('#0');
  });

  // A command with an optional argument reads its mistakes as one without does (`list extra`):
  // the reason, then its usage line once, not "Command not found" with that line twice.
  it.each([
    [
      'install a b c',
      'extraneous positional argument ("b")',
      'install [--force] [--quiet,-q] [request]',
    ],
    ['local 1.4 1.5', 'extraneous positional argument ("1.5")', 'local [--unset] [request]'],
    ['global a b', 'extraneous positional argument ("b")', 'global [request]'],
    ['local 1.4 --bogus', 'unsupported option name ("--bogus")', 'local [--unset] [request]'],
    ['list extra', 'extraneous positional argument ("extra")', 'list [--json]'],
  ])(
    'reports `launcher %s` as a usage error (exit 2, on stderr) with the usage once',
    async (words, reason, usage) => {
      const { env, dir } = project();
      const r = await launcher(words.split(' '), { env, cwd: dir });
      expect(r).toMatchObject({
        code: 2,
        stdout: '',
        stderr:
          `launcher: ${reason}\n\n$ launcher ${usage}\n\n` +
          'Run `launcher --help` for the list of commands.\n',
      });
    },
  );

  // An option with a command that does not take it still lists the usages, each once.
  it('lists each usage once for a mistake before the command word (`launcher --frob list`)', async () => {
    const { env, dir } = project();
    const r = await launcher(['--frob', 'list'], { env, cwd: dir });
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toContain('launcher: unsupported option name ("--frob")');
    const usages = r.stderr.split('\n').filter((line) => line.startsWith('$ '));
    expect(usages).toContain('$ launcher list [--json]');
    expect(usages).toEqual([...new Set(usages)]);
  });

  // Spec §9: what went wrong, a blank line, the fix; as `launcher help bogus` says it, not
  // clipanion's numbered list of every usage.
  it.each([
    ['bogus', 'bogus', 'Run `launcher --help` (or `launcher help`) for the list of commands.'],
    [
      'instal 1.4',
      'instal',
      'Did you mean `launcher install`? Run `launcher --help` (or `launcher help`) for the list of commands.',
    ],
    [
      'stauts --json',
      'stauts',
      'Did you mean `launcher status`? Run `launcher --help` (or `launcher help`) for the list of commands.',
    ],
    [
      'lis',
      'lis',
      'Did you mean `launcher list` or `launcher list-remote`? Run `launcher --help` (or `launcher help`) for the list of commands.',
    ],
    // Options before the word do not hide it; a word after `--` is a word.
    ['-- foo', 'foo', 'Run `launcher --help` (or `launcher help`) for the list of commands.'],
    [
      '--json bogus',
      'bogus',
      'Run `launcher --help` (or `launcher help`) for the list of commands.',
    ],
    [
      '--json instal',
      'instal',
      'Did you mean `launcher install`? Run `launcher --help` (or `launcher help`) for the list of commands.',
    ],
    [
      'help instal',
      'instal',
      'Did you mean `launcher install`? Run `launcher --help` (or `launcher help`) for the list of commands.',
    ],
  ])(
    'says there is no such command for `launcher %s`, with the closest ones (exit 2)',
    async (words, word, hint) => {
      const { env, dir } = project();
      const r = await launcher(words.split(' '), { env, cwd: dir });
      expect(r).toEqual({
        code: 2,
        signal: null,
        stdout: '',
        stderr: `launcher: there is no command "${word}"\n\n${hint}\n`,
      });
    },
  );

  it('says a 100 KB word is no command by its first 80 characters (exit 2)', async () => {
    const { env, dir } = project();
    const r = await launcher(['x'.repeat(100_000)], { env, cwd: dir });
    expect(r).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr:
        `launcher: there is no command "${'x'.repeat(80)}"…\n\n` +
        'Run `launcher --help` (or `launcher help`) for the list of commands.\n',
    });
    expect(r.stderr.length).toBeLessThan(1000);
  });

  it.each(['--json', '--frob', '--json --frob'])(
    'says an option needs a command for `launcher %s` (exit 2), in the same form',
    async (words) => {
      const { env, dir } = project();
      const r = await launcher(words.split(' '), { env, cwd: dir });
      const option = words.split(' ')[0];
      expect(r).toEqual({
        code: 2,
        signal: null,
        stdout: '',
        stderr:
          `launcher: "${option}" is no option of launcher itself, and no command came with it\n\n` +
          'Options go with a command, as in `launcher list --json`; launcher alone takes only --help and --version. Run `launcher --help` (or `launcher help`) for the list of commands.\n',
      });
    },
  );

  it('says a command is missing for `launcher --` (exit 2)', async () => {
    const { env, dir } = project();
    expect(await launcher(['--'], { env, cwd: dir })).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr:
        'launcher: a command is missing after "--"\n\n' +
        'Name one, as in `launcher list` ("--" is not needed before it). Run `launcher --help` (or `launcher help`) for the list of commands.\n',
    });
  });

  // After `--` every word is a word: the option the user meant is judged as a command's name,
  // launcher's own --help and --version too ("--" ends launcher's options), with the fix for each.
  const OPTIONS_AFTER =
    'Options go after their command, as in `launcher list --json`, and "--" is not needed.';
  const ownFlag = (flag: string) =>
    `For launcher's own ${flag}, leave out "--": \`launcher ${flag}\`.`;
  it.each([
    ['--json', OPTIONS_AFTER],
    ['-', OPTIONS_AFTER],
    ...['--help', '-h', '--version', '-v'].map((flag) => [flag, ownFlag(flag)]),
    ['--', 'One "--" is enough, and none is needed before a command, as in `launcher list`.'],
  ])(
    'says `launcher -- %s` takes it as a command name, which no command has (exit 2)',
    async (option, fix) => {
      const { env, dir } = project();
      expect(await launcher(['--', option], { env, cwd: dir })).toEqual({
        code: 2,
        signal: null,
        stdout: '',
        stderr:
          `launcher: there is no command "${option}": after "--", a word is taken as a command's name, even one that begins with "-"\n\n` +
          `${fix} Run \`launcher --help\` (or \`launcher help\`) for the list of commands.\n`,
      });
    },
  );

  // After a leading "--" (launcher's options before it or not), the next word is the command's
  // name whatever it looks like; what works without "--" works as before. Each row: the words,
  // the exit code, the first line of stdout and that of stderr.
  const TAKEN = `after "--", a word is taken as a command's name, even one that begins with "-"`;
  const GENERAL_HELP = `launcher - ${VERSION}`;
  const LIST_HELP = 'List the installed versions';
  const NO_COMMAND = 'is no option of launcher itself, and no command came with it';
  it.each([
    ['--', 2, '', 'launcher: a command is missing after "--"'],
    ['-- --json', 2, '', `launcher: there is no command "--json": ${TAKEN}`],
    ['-- --help', 2, '', `launcher: there is no command "--help": ${TAKEN}`],
    ['-- -h', 2, '', `launcher: there is no command "-h": ${TAKEN}`],
    ['-- --version', 2, '', `launcher: there is no command "--version": ${TAKEN}`],
    ['-- -v', 2, '', `launcher: there is no command "-v": ${TAKEN}`],
    ['--json -- --help', 2, '', `launcher: there is no command "--help": ${TAKEN}`],
    ['-- nope', 2, '', 'launcher: there is no command "nope"'],
    ['-- -- list', 2, '', `launcher: there is no command "--": ${TAKEN}`],
    ['-- list --json', 2, '', 'launcher: extraneous positional argument ("--json")'],
    ['--json -- list', 0, '[]', ''],
    ['--json list', 0, '[]', ''],
    ['--help', 0, GENERAL_HELP, ''],
    ['-h', 0, GENERAL_HELP, ''],
    ['help', 0, GENERAL_HELP, ''],
    ['--version', 0, VERSION, ''],
    ['-v', 0, VERSION, ''],
    ['help list', 0, LIST_HELP, ''],
    ['list --help', 0, LIST_HELP, ''],
    ['help nope', 2, '', 'launcher: there is no command "nope"'],
    // `help` is a command word there too.
    ['-- help', 0, GENERAL_HELP, ''],
    ['-- help --help', 0, GENERAL_HELP, ''],
    ['-- help list', 0, LIST_HELP, ''],
    ['-- help ls', 0, LIST_HELP, ''],
    ['--json -- help list', 0, LIST_HELP, ''],
    ['--json help list', 0, LIST_HELP, ''],
    ['-- help nope', 2, '', 'launcher: there is no command "nope"'],
    // `--` after `help` ends its options, as after any command.
    ['help -- list', 0, LIST_HELP, ''],
    ['help -- --help', 0, GENERAL_HELP, ''],
    ['help -- nope', 2, '', 'launcher: there is no command "nope"'],
    ['help -- -- list', 2, '', 'launcher: there is no command "--"'],
    // --help among launcher's options before a command's word: that command's help.
    ['--json --help list', 0, LIST_HELP, ''],
    ['-h ls', 0, LIST_HELP, ''],
    ['--help -- list', 0, LIST_HELP, ''],
    ['-h help list', 0, LIST_HELP, ''],
    ['--help help', 0, GENERAL_HELP, ''],
    ['--frob --help list', 2, '', 'launcher: unsupported option name ("--frob")'],
    // Options without a command stay refused, one of them asking for help or not.
    ['--json', 2, '', `launcher: "--json" ${NO_COMMAND}`],
    ['--json help', 2, '', `launcher: "--json" ${NO_COMMAND}`],
    ['--json --help', 2, '', `launcher: "--json" ${NO_COMMAND}`],
    ['--json -h', 2, '', `launcher: "--json" ${NO_COMMAND}`],
    ['--frob --help', 2, '', `launcher: "--frob" ${NO_COMMAND}`],
  ])('answers `launcher %s` with exit %i', async (words, code, stdout, stderr) => {
    const { env, dir } = project();
    const r = await launcher(words.split(' '), { env, cwd: dir });
    expect({
      code: r.code,
      stdout: r.stdout.split('\n')[0],
      stderr: r.stderr.split('\n')[0],
    }).toEqual({ code, stdout, stderr });
  });

  it.each(['help', 'help list', 'help exec mycc', 'help instal'])(
    'answers `launcher -- %s` as it does without "--"',
    async (words) => {
      const { env, dir } = project();
      const plain = await launcher(words.split(' '), { env, cwd: dir });
      expect(await launcher(['--', ...words.split(' ')], { env, cwd: dir })).toEqual(plain);
    },
  );

  it('reports a broken config.json as invalid input naming it', async () => {
    const { env, dir, home } = project('1.4\n');
    mkdirSync(path.join(home, 'config'));
    writeFileSync(path.join(home, 'config', 'config.json'), '{ not json');
    // --json needs the tool's name, which comes from the settings file.
    const r = await launcher(['current', '--json'], { env, cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(path.join(home, 'config', 'config.json'));
    expectNoStackTrace(r.stderr);
  });

  it('says a config.json it may not read is a permission problem, not a JSON one', async () => {
    const { env, dir, home } = project('1.4\n');
    const file = path.join(home, 'config', 'config.json');
    mkdirSync(path.dirname(file));
    writeFileSync(file, '{}', { mode: 0o600 });
    chmodSync(file, 0o000);
    const user = asUserWithoutPrivileges(home, path.dirname(file), dir);
    const r = await launcher(['current', '--json'], { env, cwd: dir, ...user });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot read the settings file ${file}: permission denied`);
    expect(r.stderr).toContain('Check who owns');
    expect(r.stderr).not.toContain('JSON object');
  });
});

// A build that deletes and recreates its output directory while a shell is in it.
describe('a working directory removed under the shell', () => {
  function inRemovedDir(args: string[], env: NodeJS.ProcessEnv) {
    const gone = path.join(tempDir(), 'gone');
    mkdirSync(gone);
    return run(
      '/bin/sh',
      [
        '-c',
        'cd "$1" && rmdir "$1" && shift && exec "$@"',
        'sh',
        gone,
        process.execPath,
        LAUNCHER_BIN,
        ...args,
      ],
      { env, cwd: path.dirname(gone) },
    );
  }

  it('is no matter for what does not need it', async () => {
    const r = await inRemovedDir(['--version'], cleanEnv());
    expect(r).toMatchObject({ code: 0, stderr: '' });
  });

  it('is a clear error (exit 2) for what does, not a stack trace', async () => {
    const r = await inRemovedDir(['current'], cleanEnv());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^launcher: the current directory no longer exists/);
    expect(r.stderr).toContain('LAUNCHER_DIR');
    expect(r.stderr).not.toContain('    at ');
  });

  it('is no matter for diagnostics --dir with an absolute directory', async () => {
    const project = tempDir('launcher-project-');
    writeFileSync(path.join(project, '.tool-version'), '1.4.2\n');
    const r = await inRemovedDir(['diagnostics', '--dir', project], cleanEnv());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`no diagnostics kept for ${project}`);
  });

  it('is no matter when LAUNCHER_DIR names the project', async () => {
    const project = tempDir('launcher-project-');
    writeFileSync(path.join(project, '.tool-version'), '1.4.2\n');
    const r = await inRemovedDir(['current'], cleanEnv({ LAUNCHER_DIR: project }));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1.4.2');
  });
});
