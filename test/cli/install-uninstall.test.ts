// End to end: `launcher uninstall` removes a version atomically, refuses what it must.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireVersionLock, type LockOperation } from '../../src/install/install-lock.js';
import { launcherPaths } from '../../src/paths.js';
import { SessionRecord } from '../../src/session/session-record.js';
import { LAUNCHER_BIN, launcher, launcherWithFileLimit } from '../helpers/cli.js';
import { type DistVersionSpec, startDistServerForTest } from '../helpers/dist-server.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { asUserWithoutPrivileges } from '../helpers/other-user.js';
import { placeVersion } from '../helpers/store.js';

const sessions: SessionRecord[] = [];
afterEach(() => {
  for (const session of sessions.splice(0)) session.remove();
});

async function installed(...specs: Array<string | DistVersionSpec>) {
  const versions = specs.map((spec) => (typeof spec === 'string' ? { version: spec } : spec));
  const server = await startDistServerForTest({ versions });
  const env = cleanEnv({ LAUNCHER_DIST_URL: server.indexUrl });
  const cwd = tempDir('launcher-project-');
  for (const { version } of versions) {
    expect((await launcher(['install', version, '--quiet'], { env, cwd })).code).toBe(0);
  }
  const home = env.LAUNCHER_HOME!;
  return { server, env, cwd, home, versions: path.join(home, 'versions') };
}

/** A session running 1.4.2, of which this test process plays the supervisor. */
function liveSession(env: NodeJS.ProcessEnv): SessionRecord {
  const home = env.LAUNCHER_HOME!;
  const session = SessionRecord.create(launcherPaths(env), {
    tool: 'mycc',
    bin: 'mycc',
    version: '1.4.2',
    cwd: home,
    projectRoot: home,
  });
  sessions.push(session);
  return session;
}

describe('launcher uninstall', () => {
  it('removes the version and its cached archive', async () => {
    const { env, cwd, home, versions } = await installed('1.4.2');
    const r = await launcher(['uninstall', '1.4.2'], { env, cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('uninstalled mycc 1.4.2\n');
    expect(readdirSync(versions)).toEqual([]);
    expect(existsSync(path.join(home, 'cache', 'downloads', '1.4.2'))).toBe(false);
  });

  it('refreshes the shims: a bin no installed version nor the index provides loses its shim', async () => {
    const { server, env, cwd, home } = await installed('1.4.2', {
      version: '2.0.0',
      bins: { mycc: 'bin/mycc', 'mycc-lsp': 'bin/mycc-lsp' },
    });
    expect(existsSync(path.join(home, 'shims', 'mycc-lsp'))).toBe(true);
    // The vendor withdraws 2.0.0; list-remote refreshes the cached index.
    const index = server.index as { versions: Array<{ version: string }> };
    server.setIndex({ ...index, versions: index.versions.filter((v) => v.version !== '2.0.0') });
    expect((await launcher(['list-remote'], { env, cwd })).code).toBe(0);
    expect((await launcher(['uninstall', '2.0.0'], { env, cwd })).code).toBe(0);
    expect(existsSync(path.join(home, 'shims', 'mycc-lsp'))).toBe(false);
    expect(existsSync(path.join(home, 'shims', 'mycc'))).toBe(true);
  });

  it('keeps the other versions and their shims', async () => {
    const { env, cwd, home, versions } = await installed('1.4.2', '2.0.0');
    expect((await launcher(['uninstall', '2.0.0'], { env, cwd })).code).toBe(0);
    expect(readdirSync(versions)).toEqual(['1.4.2']);
    expect(existsSync(path.join(home, 'shims', 'mycc'))).toBe(true);
  });

  it('exits 4 for a version that is not installed, and for a directory without receipt', async () => {
    const env = cleanEnv();
    const cwd = tempDir();
    placeVersion(env.LAUNCHER_HOME!, '1.0.0', { receipt: false });
    for (const version of ['9.9.9', '1.0.0']) {
      const r = await launcher(['uninstall', version], { env, cwd });
      expect(r.code).toBe(4);
      expect(r.stderr).toContain(`${version} is not installed`);
    }
  });

  it('names the file it cannot write when the lock needs a few bytes on a full disk (exit 1)', async () => {
    const env = cleanEnv();
    const home = env.LAUNCHER_HOME!;
    placeVersion(home, '1.4.2');
    // No byte may be written (ulimit -f 0): EFBIG, which takes the path of a full disk's ENOSPC.
    const r = await launcherWithFileLimit(0, ['uninstall', '1.4.2'], { env, cwd: tempDir() });
    expect(r.code).toBe(1);
    const lock = path.join(home, 'versions', '.lock-1.4.2');
    expect(r.stderr).toMatch(
      new RegExp(
        `^launcher: cannot write ${lock}\\.tmp-[0-9a-f]{16}/owner-[0-9a-f]{16} \\(write\\): file too large`,
      ),
    );
    expect(r.stderr).toContain(`It is the owner file of the lock ${lock}, which every install`);
    expect(r.stderr).not.toMatch(/write a file|bug|internal error/);
    expect(readdirSync(path.join(home, 'versions'))).toEqual(['1.4.2']);
  });

  it('wants an exact version (exit 2)', async () => {
    const env = cleanEnv();
    placeVersion(env.LAUNCHER_HOME!, '1.4.2');
    const r = await launcher(['uninstall', '1.4'], { env, cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(existsSync(path.join(env.LAUNCHER_HOME!, 'versions', '1.4.2'))).toBe(true);
  });

  it('refuses to remove a version a running session uses', async () => {
    const env = cleanEnv();
    const home = env.LAUNCHER_HOME!;
    placeVersion(home, '1.4.2');
    const session = liveSession(env);
    const r = await launcher(['uninstall', '1.4.2'], { env, cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`launcher: mycc 1.4.2 is in use by session ${session.id}`);
    expect(existsSync(path.join(home, 'versions', '1.4.2', '.launcher-install.json'))).toBe(true);
  });

  it('looks for sessions again once it has the lock: one may have started while it waited', async () => {
    // While it waits, a session starts on 1.4.2; then the installer is done.
    let session: SessionRecord | undefined;
    const r = await uninstallAfterWaiting((env) => {
      session = liveSession(env);
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`in use by session ${session!.id}`);
    expect(existsSync(path.join(r.home, 'versions', '1.4.2', '.launcher-install.json'))).toBe(true);
  });

  it.each([
    { operation: 'uninstall', doing: 'is uninstalling' },
    { operation: 'install', doing: 'is installing' },
    // A lock without it, as an older launcher wrote it: what its owner does is not guessed.
    { operation: undefined, doing: 'holds the lock of' },
  ] as const)(
    'says, while it waits, what the lock holder does: $doing',
    async ({ operation, doing }) => {
      const r = await uninstallAfterWaiting(() => {}, operation);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(
        new RegExp(
          `^launcher: waiting for process ${process.pid}, which ${doing} mycc 1\\.4\\.2…\n`,
        ),
      );
    },
  );

  it('exits 4 when the version was removed while it waited for the lock', async () => {
    // Another uninstall, holding the lock, removes the version meanwhile.
    const r = await uninstallAfterWaiting((env) =>
      rmSync(path.join(env.LAUNCHER_HOME!, 'versions', '1.4.2'), { recursive: true }),
    );
    expect(r.code, r.stderr).toBe(4);
    // No index is cached: the tool's name came from the receipt of the version, now gone.
    expect(r.stderr).toContain(`launcher: mycc 1.4.2 is not installed (in ${r.home}/versions)`);
    expect(r.stderr).toContain('`launcher list` shows the installed versions.');
  });
});

/**
 * `launcher uninstall 1.4.2` (1.4.2 placed) while this test process holds 1.4.2's lock, as an
 * install --force or another uninstall would; once it says it waits, `meanwhile` runs, then the
 * lock is released. Resolves to its exit code and stderr.
 */
async function uninstallAfterWaiting(
  meanwhile: (env: NodeJS.ProcessEnv) => void,
  operation?: LockOperation,
) {
  const env = cleanEnv();
  const home = env.LAUNCHER_HOME!;
  placeVersion(home, '1.4.2');
  const lock = await acquireVersionLock(launcherPaths(env), '1.4.2', { operation });
  const uninstall = spawn(process.execPath, [LAUNCHER_BIN, 'uninstall', '1.4.2'], {
    env,
    cwd: tempDir(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  await new Promise<void>((resolve) => {
    uninstall.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.includes('waiting for')) resolve();
    });
  });
  meanwhile(env);
  lock.release();
  const [code] = await once(uninstall, 'close');
  return { code: code as number | null, stderr, home };
}

/**
 * 1.4.2 and 2.0.0 served, 1.4.2 installed by a user who meets permission errors (`nobody` when
 * the tests run as root), who runs every command of the test (`as`).
 */
async function installedByUser() {
  const server = await startDistServerForTest({
    versions: [{ version: '1.4.2' }, { version: '2.0.0' }],
  });
  const env = cleanEnv({ LAUNCHER_DIST_URL: server.indexUrl });
  const cwd = tempDir('launcher-project-');
  const home = env.LAUNCHER_HOME!;
  const user = asUserWithoutPrivileges(home, cwd);
  const as = (...args: string[]) => launcher(args, { env, cwd, ...user });
  expect((await as('install', '1.4.2', '--quiet')).code).toBe(0);
  const versions = path.join(home, 'versions');
  return { as, home, versions, installed: path.join(versions, '1.4.2') };
}

/** `chmod -R a-w`: a read-only toolchain, whose directories cannot be emptied as they are. */
function makeReadOnly(target: string): void {
  const st = statSync(target);
  if (st.isDirectory())
    for (const name of readdirSync(target)) makeReadOnly(path.join(target, name));
  chmodSync(target, st.mode & 0o555);
}

/** A directory inside `dir` that the user may not change (root's, made as root): never deletable. */
function blockedInside(dir: string): string {
  const blocked = path.join(dir, 'blocked');
  mkdirSync(blocked);
  writeFileSync(path.join(blocked, 'file'), 'x');
  return blocked;
}

const leftoversIn = (versions: string) => readdirSync(versions).filter((n) => n.startsWith('.'));

describe('what launcher cannot delete', () => {
  it('uninstalls a version the user made read-only, leaving nothing behind', async () => {
    const { as, home, versions, installed } = await installedByUser();
    makeReadOnly(installed);
    const r = await as('uninstall', '1.4.2');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(versions)).toEqual([]);
    expect(existsSync(path.join(home, 'cache', 'downloads', '1.4.2'))).toBe(false);
  });

  it('reinstalls a read-only version with --force, leaving no old copy behind', async () => {
    const { as, versions, installed } = await installedByUser();
    makeReadOnly(installed);
    const r = await as('install', '1.4.2', '--force', '--quiet');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(versions)).toEqual(['1.4.2']);
  });

  it('uninstall succeeds once the version is renamed away: it warns about what stays, then cleans the cache and the shims', async () => {
    const { as, home, versions, installed } = await installedByUser();
    blockedInside(installed);
    // Gone, so that the rehash at the end of the uninstall is seen to write it again.
    const shim = path.join(home, 'shims', 'mycc');
    rmSync(shim);
    const r = await as('uninstall', '1.4.2');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('uninstalled mycc 1.4.2\n');
    const [trash] = leftoversIn(versions);
    expect(trash).toMatch(/^\.trash-1\.4\.2-/);
    const left = path.join(versions, trash!);
    expect(r.stderr).toContain(`launcher: warning: ${left} could not be deleted (cannot use`);
    expect(r.stderr).toContain(`chmod -R u+rwX '${left}' && rm -rf '${left}'`);
    expect(r.stderr).not.toMatch(/bug|internal error/);
    expect(existsSync(path.join(home, 'cache', 'downloads', '1.4.2'))).toBe(false);
    expect(existsSync(shim)).toBe(true);
    expect((await as('list')).stdout).not.toContain('1.4.2');
  });

  it('a leftover it cannot delete never fails a later install, of any version: each warns and goes on', async () => {
    const { as, versions, installed } = await installedByUser();
    blockedInside(installed);
    expect((await as('uninstall', '1.4.2')).code).toBe(0);
    const left = path.join(versions, leftoversIn(versions)[0]!);
    for (const version of ['2.0.0', '1.4.2']) {
      const r = await as('install', version, '--quiet');
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(`launcher: warning: ${left} could not be deleted`);
    }
    expect(readdirSync(versions).sort()).toEqual([path.basename(left), '1.4.2', '2.0.0']);
  });

  it('install --force succeeds once the new copy is in place, warning about the old copy it cannot delete', async () => {
    const { as, versions, installed } = await installedByUser();
    const blocked = blockedInside(installed);
    const r = await as('install', '1.4.2', '--force', '--quiet');
    expect(r.code).toBe(0);
    const [replaced] = leftoversIn(versions);
    expect(replaced).toMatch(/^\.replaced-1\.4\.2-/);
    expect(r.stderr).toContain(`launcher: warning: ${path.join(versions, replaced!)} could not`);
    // The new copy is the one in place.
    expect(existsSync(path.join(installed, path.basename(blocked)))).toBe(false);
    expect(existsSync(path.join(installed, '.launcher-install.json'))).toBe(true);
  });
});
