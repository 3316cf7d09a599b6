// End to end through the real shim: a distribution served over loopback HTTP, a temporary home,
// auto-install on first use, and the compiler's arguments, output, exit status and signals.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { launcher, run } from '../helpers/cli.js';
import { startDistServerForTest } from '../helpers/dist-server.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { placeVersion } from '../helpers/store.js';
import { openTerminal, TERMINAL_KIND, type Terminal } from '../helpers/terminal.js';

// The compiler of this distribution: a shell script whose first argument picks a behaviour.
const MYCC = (version: string) => `#!/bin/sh
case "$1" in
  argv) shift; exec node "$(dirname "$0")/../lib/argv.js" "$@" ;;
  exit) exit "$2" ;;
  die) kill -s "$2" $$; sleep 5 ;;
  read) printf 'name? '; read line; echo "got: $line" ;;
  trap-int) n=0; trap 'n=$((n + 1)); echo "got-INT $n"' INT; echo waiting
    while [ $n -eq 0 ]; do sleep 0.05; done
    sleep 0.5; exit 130 ;;
  sleep) echo waiting; sleep 30 ;;
  trap-term) trap 'echo got-TERM; exit 0' TERM HUP; echo waiting; while :; do sleep 0.05; done ;;
  fd-flags) i=0; while [ $i -lt 20 ]; do
      for fd in 1 2; do
        f=$(sed -n 's/^flags:[[:space:]]*//p' /proc/$$/fdinfo/$fd)
        if [ $(( 0$f & 04000 )) -ne 0 ]; then echo "fd $fd became non-blocking" >&2; exit 1; fi
      done
      sleep 0.05; i=$((i + 1))
    done; echo blocking ;;
  *) echo "mycc ${version} $*" ;;
esac
`;
const ARGV_JS = 'process.stdout.write(JSON.stringify(process.argv.slice(2)) + "\\n");\n';

const terminals: Terminal[] = [];
afterEach(() => {
  for (const t of terminals.splice(0)) t.close();
});

async function world(pin = '1.4') {
  const server = await startDistServerForTest({
    versions: ['1.4.2', '2.0.0'].map((version) => ({
      version,
      files: { 'bin/mycc': { content: MYCC(version), mode: 0o755 }, 'lib/argv.js': ARGV_JS },
    })),
  });
  const env = cleanEnv({ LAUNCHER_DIST_URL: server.indexUrl, LAUNCHER_RESTART: 'no' });
  const project = tempDir('launcher-project-');
  writeFileSync(path.join(project, '.tool-version'), `${pin}\n`);
  const rehash = await launcher(['rehash'], { env, cwd: project });
  expect(rehash.code).toBe(0);
  const shim = path.join(env.LAUNCHER_HOME!, 'shims', 'mycc');
  return { server, env, project, shim, home: env.LAUNCHER_HOME! };
}

/** Run a shell command line and return what it printed; `$?` of the shim is shown by the line. */
function sh(script: string, env: NodeJS.ProcessEnv, cwd: string) {
  return run('/bin/sh', ['-c', script], { env, cwd });
}

describe('the shim', () => {
  it('runs the version pinned in each of two sibling projects, installing each on first use', async () => {
    const { env, project, shim, server } = await world('1.4');
    // Another temporary directory: a sibling of the project, and removed after the test.
    const sibling = tempDir('launcher-project-');
    expect(path.dirname(sibling)).toBe(path.dirname(project));
    writeFileSync(path.join(sibling, '.tool-version'), '2.0.0\n');
    const [a, b] = await Promise.all([
      run(shim, ['hello'], { env, cwd: project }),
      run(shim, ['hello'], { env, cwd: sibling }),
    ]);
    expect(a).toMatchObject({ code: 0, stdout: 'mycc 1.4.2 hello\n' });
    expect(b).toMatchObject({ code: 0, stdout: 'mycc 2.0.0 hello\n' });
    expect(server.count(server.archivePath('1.4.2'))).toBe(1);
    expect(server.count(server.archivePath('2.0.0'))).toBe(1);
  });

  it('installs on first use with progress on stderr, keeping stdout for the compiler alone', async () => {
    const { env, project, shim } = await world();
    const first = await run(shim, ['argv', 'x'], { env, cwd: project });
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('["x"]\n');
    expect(first.stderr).toMatch(/^downloading mycc 1\.4\.2 from /m);
    expect(first.stderr).toMatch(/^launcher: installed mycc 1\.4\.2$/m);
    const second = await run(shim, ['argv', 'y'], { env, cwd: project });
    expect(second).toMatchObject({ code: 0, stdout: '["y"]\n', stderr: '' });
  });

  it.each([
    [['--version']],
    [['--help']],
    [['--']],
    [['a b', '', '  ']],
    [['ünïcødé', '日本語', '🙂']],
    [['-x', '--', '--y=z', '-']],
    [['$HOME', '*', '`id`', '"quoted"', "'single'", 'a\\b', 'semi;colon']],
    [['line\nbreak', '\ttab']],
  ])('passes the arguments %j through untouched', async (args) => {
    const { env, project, shim } = await world();
    const r = await run(shim, ['argv', ...args], { env, cwd: project });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.split('\n').filter(Boolean).at(-1)!)).toEqual(args);
  });

  // Node makes a pipe non-blocking when it wraps it in a stream, for everyone sharing the open
  // file: a compiler writing to a slow reader would then lose output (EAGAIN). The compiler
  // watches its stdout and stderr pipes for 1 s while the launcher goes about its work.
  it("leaves the compiler's stdout and stderr pipes blocking, as it got them", async () => {
    const { env, project, shim } = await world();
    expect((await run(shim, ['--version'], { env, cwd: project })).code).toBe(0);
    const r = await run(shim, ['fd-flags'], { env, cwd: project });
    expect(r.stderr).toBe('');
    expect(r).toMatchObject({ code: 0, stdout: 'blocking\n' });
  });

  it('exits with the exit codes 0, 1, 42 and 255 of the compiler', async () => {
    const { env, project, shim } = await world();
    const r = await sh(
      `for c in 0 1 42 255; do "$SHIM" exit $c; echo "code=$?"; done`,
      { ...env, SHIM: shim },
      project,
    );
    expect(r.stdout).toBe('code=0\ncode=1\ncode=42\ncode=255\n');
  });

  it.each([
    ['TERM', 143],
    ['SEGV', 139],
    ['KILL', 137],
  ])(
    'dies of the same signal when the compiler dies of SIG%s (the shell sees %i)',
    async (signal, status) => {
      const { env, project, shim } = await world();
      const r = await sh(
        `"$SHIM" die ${signal}; echo "status=$?"`,
        { ...env, SHIM: shim },
        project,
      );
      expect(r.stdout).toContain(`status=${status}`);
    },
  );

  it.each([['SIGTERM'], ['SIGHUP']])(
    'stops the compiler gracefully on %s to the shim',
    async (signal) => {
      const { env, project, shim } = await world();
      await run(shim, ['warm-up'], { env, cwd: project });
      const child = spawn(shim, ['trap-term'], {
        env,
        cwd: project,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      // The signal goes out the moment the compiler shows it runs (its trap is set by then):
      // the launcher must already be ready to turn it into a graceful stop.
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        if (!out) child.kill(signal as NodeJS.Signals);
        out += d;
      });
      const code = await new Promise<number | null>((resolve) =>
        child.on('close', (c) => resolve(c)),
      );
      expect(out).toContain('waiting');
      expect(out.match(/got-TERM/g)).toHaveLength(1);
      expect(code).toBe(0);
    },
  );

  describe(`in a real terminal (${TERMINAL_KIND})`, () => {
    async function terminalIn(env: NodeJS.ProcessEnv, project: string, shim: string) {
      await run(shim, ['warm-up'], { env, cwd: project });
      const term = openTerminal({ ...env, SHIM: shim }, project);
      terminals.push(term);
      await term.waitFor(/[$#] $/m);
      return term;
    }

    it('delivers Ctrl-C to the compiler exactly once, and the shell sees 130', async () => {
      const { env, project, shim } = await world();
      const term = await terminalIn(env, project, shim);
      term.type('"$SHIM" trap-int; echo "EXIT=$?"\n');
      await term.waitFor(/^waiting$/m);
      term.ctrlC();
      await term.waitFor(/EXIT=\d+/);
      expect(term.screen()).toContain('EXIT=130');
      // The compiler counts SIGINTs for half a second after the first: a second would show.
      expect(term.screen().match(/got-INT \d/g)).toEqual(['got-INT 1']);
    });

    it('exits 130 when Ctrl-C kills a compiler that does not handle it', async () => {
      const { env, project, shim } = await world();
      const term = await terminalIn(env, project, shim);
      term.type('"$SHIM" sleep\n');
      await term.waitFor(/^waiting$/m);
      term.ctrlC();
      // A job killed by Ctrl-C ends the whole command line, so `$?` is read at the next prompt.
      await term.waitFor(/\^C\n[$#] $/m);
      term.type('echo "EXIT=$?"\n');
      await term.waitFor(/^EXIT=\d+/m);
      expect(term.screen()).toMatch(/^EXIT=130$/m);
    });

    it('lets an interactive compiler read a line from the terminal', async () => {
      const { env, project, shim } = await world();
      const term = await terminalIn(env, project, shim);
      term.type('"$SHIM" read; echo "EXIT=$?"\n');
      await term.waitFor(/name\? $/m);
      term.type('Ada Lovelace\n');
      await term.waitFor(/EXIT=\d+/);
      expect(term.screen()).toContain('got: Ada Lovelace');
      expect(term.screen()).toContain('EXIT=0');
    });
  });

  it('says so (exit 2) when the working directory was removed under the shell', async () => {
    const { env, project, shim } = await world('1.4');
    const gone = path.join(project, 'gone');
    mkdirSync(gone);
    const r = await run(
      '/bin/sh',
      ['-c', 'cd "$1" && rmdir "$1" && exec "$2" hello', 'sh', gone, shim],
      {
        env,
        cwd: project,
      },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('launcher: the current directory no longer exists');
    expect(r.stdout).toBe('');
  });

  it('stops a shim that resolves to a copy of itself with the recursion guard', async () => {
    const { env, project, shim } = await world('system');
    // A directory on PATH with a copy of the shim: `system` finds it, and it runs the shim again.
    const loop = tempDir();
    copyFileSync(shim, path.join(loop, 'mycc'));
    const r = await run(shim, ['hello'], {
      env: { ...env, PATH: `${loop}:${env.PATH}` },
      cwd: project,
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'launcher: mycc keeps resolving to a launcher shim (5 nested shim runs): the shim would call itself for ever\n\n' +
        'Check that the bin `mycc` resolves to a real program: `launcher which mycc`. ' +
        'With the `system` request, make sure no copy of a launcher shim sits in another directory on PATH.\n',
    );
  });

  it('stops a compiler that runs its own shim after 5 nested runs, with exit 2 and why', async () => {
    const env = cleanEnv({ LAUNCHER_VERSION: '1.0.0', RUNS: path.join(tempDir(), 'runs') });
    const home = env.LAUNCHER_HOME!;
    const shim = path.join(home, 'shims', 'mycc');
    // A wrapper that calls "the compiler" through its shim, which runs the wrapper again.
    placeVersion(home, '1.0.0', {
      script: `#!/bin/sh\necho "$LAUNCHER_SHIM_DEPTH" >> "$RUNS"\nexec '${shim}' "$@"\n`,
    });
    const project = tempDir('launcher-project-');
    expect((await launcher(['rehash'], { env, cwd: project })).code).toBe(0);
    const r = await run(shim, ['hello'], { env, cwd: project });
    expect(r).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr:
        'launcher: mycc keeps resolving to a launcher shim (5 nested shim runs): the shim would call itself for ever\n\n' +
        'Check that the bin `mycc` resolves to a real program: `launcher which mycc`. ' +
        'With the `system` request, make sure no copy of a launcher shim sits in another directory on PATH.\n',
    });
    // The compiler ran once per level, and the sixth shim run stopped before running it again.
    expect(readFileSync(env.RUNS!, 'utf8')).toBe('1\n2\n3\n4\n5\n');
  });

  it('passes over a link to a shim file on PATH for `system`, and runs the real program after it', async () => {
    const { env, project, shim } = await world('system');
    const linked = tempDir();
    symlinkSync(shim, path.join(linked, 'mycc'));
    const system = tempDir();
    writeFileSync(path.join(system, 'mycc'), '#!/bin/sh\necho "system mycc $*"\n', { mode: 0o755 });
    const r = await run(shim, ['hello'], {
      env: { ...env, PATH: `${linked}:${system}:${env.PATH}` },
      cwd: project,
    });
    expect(r).toMatchObject({ code: 0, stdout: 'system mycc hello\n', stderr: '' });
  });
});
