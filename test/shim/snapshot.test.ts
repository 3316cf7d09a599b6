// The shim's start-up snapshot: built by the first call, used by the next ones, and never used
// when it could be wrong (another Node binary, NODE_OPTIONS, a failed build), without the
// compiler noticing any of it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { launcher, run } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { deadPid } from '../helpers/lock-owners.js';
import { placeVersion } from '../helpers/store.js';
import { watchText } from '../supervisor/helpers.js';

// The compiler shows how the launcher above it was started (its command line, from /proc) and
// the secrets it was handed: the launcher is its parent, setpriv having exec'd into it.
const SHOW_PARENT = `#!/bin/sh
printf 'parent:'; tr '\\000' ' ' < /proc/$PPID/cmdline; echo
echo "token=$LAUNCHER_TOKEN session=$LAUNCHER_SESSION args=$*"
`;

async function world(extra: NodeJS.ProcessEnv = {}) {
  // A home whose path needs quoting in the shim: the snapshot's path is written into it.
  const env = cleanEnv({ LAUNCHER_HOME: path.join(tempDir(), "my home's"), ...extra });
  const home = env.LAUNCHER_HOME!;
  placeVersion(home, '1.4.2', { script: SHOW_PARENT });
  const project = tempDir('launcher-project-');
  writeFileSync(path.join(project, '.tool-version'), '1.4\n');
  expect((await launcher(['rehash'], { env, cwd: project })).code).toBe(0);
  const shim = path.join(home, 'shims', 'mycc');
  const dir = path.join(home, 'cache', 'shim-snapshot');
  const call = async (args: string[] = [], more: NodeJS.ProcessEnv = {}) => {
    const r = await run(shim, args, { env: { ...env, ...more }, cwd: project });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const parent = /^parent:(.*)$/m.exec(r.stdout)?.[1] ?? '';
    const secrets = /^token=(\S*) session=(\S*) args=(.*)$/m.exec(r.stdout);
    return {
      fromSnapshot: parent.includes('--snapshot-blob'),
      token: secrets?.[1],
      session: secrets?.[2],
      args: secrets?.[3],
    };
  };
  return {
    env,
    project,
    shim,
    call,
    dir,
    blob: path.join(dir, 'shim.blob'),
    failed: path.join(dir, 'failed.json'),
  };
}

const mtimeNs = (file: string) => statSync(file, { bigint: true }).mtimeNs;

describe.runIf(process.platform === 'linux')('the shim’s start-up snapshot', () => {
  it('is built by the first call and started from by the next, with fresh secrets each time', async () => {
    const { call, blob } = await world();
    const first = await call(['a b', '--version']);
    expect(first.fromSnapshot).toBe(false);
    expect(first.args).toBe('a b --version');
    // Dated like the Node binary it belongs to, to the nanosecond: what the shim compares.
    expect(mtimeNs(blob)).toBe(mtimeNs(process.execPath));

    const second = await call(['a b', '--version']);
    const third = await call([]);
    expect(second).toMatchObject({ fromSnapshot: true, args: 'a b --version' });
    expect(third.fromSnapshot).toBe(true);
    // Nothing random was frozen into the snapshot: each child gets its own token and session.
    expect(second.token).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set([first.token, second.token, third.token]).size).toBe(3);
    expect(new Set([first.session, second.session, third.session]).size).toBe(3);
  }, 30_000);

  it('is writable by its owner alone, whatever the umask: every later call runs its code', async () => {
    const { env, project, shim, blob } = await world();
    const r = await run('/bin/sh', ['-c', 'umask 000; exec "$0"', shim], { env, cwd: project });
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(blob).mode & 0o777).toBe(0o644);
    expect(mtimeNs(blob)).toBe(mtimeNs(process.execPath));
  }, 30_000);

  it('is dated by a touch found in an absolute PATH directory, never one a cloned project planted', async () => {
    const { env, project, call, blob } = await world();
    // An empty and a relative entry, as PATH="$SHIMS:$UNSET:$PATH" or "." give: both name the
    // project, whose own `touch` and `bin/touch` would run on its first compiler call.
    const planted = path.join(project, 'planted-touch-ran');
    const fake = `#!/bin/sh\n: > ${JSON.stringify(planted)}\nexec /usr/bin/env PATH=/usr/bin:/bin touch "$@"\n`;
    mkdirSync(path.join(project, 'bin'));
    for (const file of ['touch', 'bin/touch']) {
      writeFileSync(path.join(project, file), fake, { mode: 0o755 });
    }
    const first = await call([], { PATH: `:.:bin:${env.PATH}` });
    expect(first.fromSnapshot).toBe(false);
    expect(mtimeNs(blob)).toBe(mtimeNs(process.execPath));
    expect(existsSync(planted)).toBe(false);
  }, 30_000);

  it('keeps its timers working: a compiler deaf to SIGTERM is killed when the stop timeout ends', async () => {
    // Building the snapshot sets timers and clears them; a snapshot taken with Node's timer state
    // left that way never arms a later timer, so this stop would wait forever.
    const { env, project, shim, call } = await world({ LAUNCHER_STOP_TIMEOUT_MS: '1500' });
    await call();
    placeVersion(env.LAUNCHER_HOME!, '1.4.2', {
      script: "#!/bin/sh\ntrap '' TERM\necho waiting\nwhile :; do sleep 0.05; done\n",
    });
    const host = spawn(shim, [], { env, cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
    await watchText(host.stdout!).line(/waiting/);
    const stopping = Date.now();
    host.kill('SIGTERM');
    const [code, signal] = (await once(host, 'exit')) as [number | null, NodeJS.Signals | null];
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGKILL' });
    expect(Date.now() - stopping).toBeGreaterThanOrEqual(1400);
  }, 30_000);

  it('is not used once the Node binary may have changed, and is rebuilt by that call', async () => {
    const { call, blob } = await world();
    await call();
    // A blob whose date is not the Node binary's belongs to another Node (an upgrade in place).
    utimesSync(blob, new Date(), new Date(Date.now() - 86_400_000));
    const after = await call();
    expect(after.fromSnapshot).toBe(false);
    expect(mtimeNs(blob)).toBe(mtimeNs(process.execPath));
    expect((await call()).fromSnapshot).toBe(true);
  }, 30_000);

  it('is built by one call at a time: others run without it meanwhile', async () => {
    const { call, blob } = await world();
    const dir = path.dirname(blob);
    mkdirSync(dir, { recursive: true });
    // Another process is building it (its marker is fresh): this call does not build too.
    writeFileSync(path.join(dir, 'building'), '4242\n');
    expect((await call()).fromSnapshot).toBe(false);
    expect(existsSync(blob)).toBe(false);
    // A marker left by a build that died long ago is taken over.
    const past = new Date(Date.now() - 120_000);
    utimesSync(path.join(dir, 'building'), past, past);
    await call();
    expect(existsSync(blob)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['shim.blob', 'shim.json']);
  }, 30_000);

  it('comes out whole when many first calls race to build it', async () => {
    const { call, blob } = await world();
    const calls = await Promise.all(Array.from({ length: 6 }, () => call(['x'])));
    expect(calls.every((c) => c.args === 'x')).toBe(true);
    expect(readdirSync(path.dirname(blob)).sort()).toEqual(['shim.blob', 'shim.json']);
    expect((await call()).fromSnapshot).toBe(true);
  }, 30_000);

  it('is left alone under NODE_OPTIONS, which could change the flags Node checks it against', async () => {
    const { call, blob } = await world();
    await call();
    const built = mtimeNs(blob);
    const r = await call(['x'], { NODE_OPTIONS: '--max-old-space-size=300' });
    expect(r).toMatchObject({ fromSnapshot: false, args: 'x' });
    expect(mtimeNs(blob)).toBe(built);
  }, 30_000);

  it('is neither built nor used with LAUNCHER_SHIM_SNAPSHOT=0', async () => {
    const { call, blob } = await world({ LAUNCHER_SHIM_SNAPSHOT: '0' });
    expect((await call()).fromSnapshot).toBe(false);
    expect((await call()).fromSnapshot).toBe(false);
    expect(existsSync(blob)).toBe(false);
  }, 30_000);

  it('records a failed build once, keeps running the compiler, and retries after a rehash', async () => {
    // The build's warm-up needs a temporary directory; this one does not exist.
    const { call, blob, failed, env, project } = await world({ TMPDIR: '/nonexistent-tmp' });
    expect((await call()).fromSnapshot).toBe(false);
    expect(existsSync(blob)).toBe(false);
    expect(JSON.parse(readFileSync(failed, 'utf8')).reason).toMatch(/--build-snapshot failed/);
    const recorded = statSync(failed).mtimeMs;
    // A failure is not retried on every call (each try costs a build).
    expect((await call()).fromSnapshot).toBe(false);
    expect(statSync(failed).mtimeMs).toBe(recorded);

    // Forgotten by a rehash: the next call, in the same environment, tries again.
    expect((await launcher(['rehash'], { env, cwd: project })).code).toBe(0);
    expect(existsSync(failed)).toBe(false);
    expect((await call()).fromSnapshot).toBe(false);
    expect(existsSync(failed)).toBe(true);
  }, 30_000);

  it('is built by a call with another TMPDIR after a call whose TMPDIR made the build fail', async () => {
    const { env, project, call, blob, failed } = await world();
    const missing = { TMPDIR: '/nonexistent-tmp' };
    expect((await call([], missing)).fromSnapshot).toBe(false);
    expect(existsSync(blob)).toBe(false);
    const recorded = statSync(failed).mtimeMs;
    // The failure holds for calls with that TMPDIR: they do not try again.
    expect((await call([], missing)).fromSnapshot).toBe(false);
    expect(statSync(failed).mtimeMs).toBe(recorded);
    // doctor tells what a call in its own environment would do.
    const doctor = async (more: NodeJS.ProcessEnv = {}) =>
      (await launcher(['doctor'], { env: { ...env, ...more }, cwd: project })).stdout;
    expect(await doctor(missing)).toMatch(/start-up snapshot: building it failed/);
    expect(await doctor()).toMatch(/start-up snapshot not built yet/);
    // A call with the usual environment builds it, no rehash needed; then every call uses it.
    expect((await call()).fromSnapshot).toBe(false);
    expect(mtimeNs(blob)).toBe(mtimeNs(process.execPath));
    expect((await call()).fromSnapshot).toBe(true);
    expect((await call([], missing)).fromSnapshot).toBe(true);
  }, 30_000);

  it('is built by a call with an empty PATH, dated by the system’s touch', async () => {
    const { env, project, shim, call, blob, failed } = await world();
    // The compiler itself finds none of its tools then (`tr`): only the build is looked at.
    await run(shim, ['--version'], { env: { ...env, PATH: '' }, cwd: project });
    expect(existsSync(failed)).toBe(false);
    expect(mtimeNs(blob)).toBe(mtimeNs(process.execPath));
    expect((await call()).fromSnapshot).toBe(true);
  }, 30_000);

  it('finds the home directory of the call, not the one of the build', async () => {
    // Without LAUNCHER_HOME, everything lives under the platform directories of $HOME. The
    // build runs without HOME: had the snapshot kept what env-paths found then, the second call
    // would look for versions elsewhere.
    const env = cleanEnv({ HOME: tempDir('launcher-user-') });
    delete env.LAUNCHER_HOME;
    for (const key of Object.keys(env)) if (key.startsWith('XDG_')) delete env[key];
    placeVersion(path.join(env.HOME!, '.local', 'share', 'launcher'), '1.4.2', {
      script: SHOW_PARENT,
    });
    const project = tempDir('launcher-project-');
    writeFileSync(path.join(project, '.tool-version'), '1.4.2\n');
    expect((await launcher(['rehash'], { env, cwd: project })).code).toBe(0);
    const shim = path.join(env.HOME!, '.local', 'share', 'launcher', 'shims', 'mycc');
    for (const fromSnapshot of [false, true]) {
      const r = await run(shim, ['x'], { env, cwd: project });
      expect(r).toMatchObject({ code: 0, stderr: '' });
      expect(r.stdout.includes('--snapshot-blob')).toBe(fromSnapshot);
      expect(r.stdout).toContain('args=x');
    }
  }, 30_000);

  it('has what killed builds left removed by the next build, before and after it, keeping a running one’s', async () => {
    const { call, dir } = await world();
    mkdirSync(dir, { recursive: true });
    const blobOf = (pid: number) => `shim.blob.${pid}.tmp`;
    // A build killed with its launcher; one running now (this process's pid); and one whose
    // launcher dies while the next build runs: its process exits as the build takes its lock.
    const killed = blobOf(await deadPid());
    const running = blobOf(process.pid);
    const dying = spawn(
      process.execPath,
      [
        '-e',
        `require('node:fs').watch(process.argv[1], (_, name) => { if (name?.startsWith('building')) process.exit(0); }); console.log('watching');`,
        dir,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = once(dying, 'exit');
    await watchText(dying.stdout!).line(/watching/);
    const diedDuringTheBuild = blobOf(dying.pid!);
    for (const name of [killed, running, diedDuringTheBuild]) {
      writeFileSync(path.join(dir, name), 'part of a blob');
    }
    try {
      expect((await call()).fromSnapshot).toBe(false);
    } finally {
      dying.kill();
    }
    expect(await exited).toEqual([0, null]);
    expect(readdirSync(dir).sort()).toEqual(['shim.blob', running, 'shim.json']);
  }, 30_000);

  it('has what killed builds left removed by rehash once no call builds any more', async () => {
    const { call, dir, env, project } = await world();
    await call();
    expect((await call()).fromSnapshot).toBe(true);
    const killed = `shim.blob.${await deadPid()}.tmp`;
    writeFileSync(path.join(dir, killed), 'part of a blob');
    // A call that does not build looks for none: the hot path stays as it was.
    expect((await call()).fromSnapshot).toBe(true);
    expect(readdirSync(dir)).toContain(killed);
    expect((await launcher(['rehash'], { env, cwd: project })).code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['shim.blob', 'shim.json']);
  }, 30_000);

  it('is reported by doctor', async () => {
    const { call, env, project } = await world();
    const before = await launcher(['doctor'], { env, cwd: project });
    expect(before.stdout).toMatch(/start-up snapshot.*not built yet/);
    await call();
    const after = await launcher(['doctor'], { env, cwd: project });
    expect(after.stdout).toMatch(/✓ shim start-up snapshot/);
  }, 30_000);

  it('has doctor name what made its build fail, without Node’s warnings about the build', async () => {
    const { call, env, project } = await world({ TMPDIR: '/nonexistent-tmp' });
    await call();
    const r = await launcher(['doctor'], { env, cwd: project });
    const line = r.stdout.split('\n').find((l) => l.includes('shim start-up snapshot')) ?? '';
    // The warm-up's error as it was thrown: no stack is taken while Node builds a snapshot.
    expect(line).toMatch(
      /building it failed: node --build-snapshot failed \(1\): launcher: warming up the shim failed: ENOENT: no such file or directory, mkdtemp '\/nonexistent-tmp\/lsw-XXXXXX'$/,
    );
    expect(line).not.toMatch(/undefined|It may still work|Warning/);
  }, 30_000);
});
