// End to end: `launcher uninstall` removes a version atomically, refuses what it must.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireVersionLock } from '../../src/install/install-lock.js';
import { launcherPaths } from '../../src/paths.js';
import { SessionRecord } from '../../src/session/session-record.js';
import { LAUNCHER_BIN, launcher } from '../helpers/cli.js';
import { type DistServer, type DistVersionSpec, startDistServer } from '../helpers/dist-server.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { placeVersion } from '../helpers/store.js';

const servers: DistServer[] = [];
const sessions: SessionRecord[] = [];
afterEach(async () => {
  for (const session of sessions.splice(0)) session.remove();
  for (const server of servers.splice(0)) await server.close();
});

async function installed(...specs: Array<string | DistVersionSpec>) {
  const versions = specs.map((spec) => (typeof spec === 'string' ? { version: spec } : spec));
  const server = await startDistServer({ versions });
  servers.push(server);
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
    expect(r.stderr).toContain(`in use by session ${session.id}`);
    expect(existsSync(path.join(home, 'versions', '1.4.2', '.launcher-install.json'))).toBe(true);
  });

  it('looks for sessions again once it has the lock: one may have started while it waited', async () => {
    const env = cleanEnv();
    const home = env.LAUNCHER_HOME!;
    placeVersion(home, '1.4.2');
    const paths = launcherPaths(env);
    // This test process plays an installer holding 1.4.2's lock (as `install --force` would).
    const lock = await acquireVersionLock(paths, '1.4.2');
    const uninstall = spawn(process.execPath, [LAUNCHER_BIN, 'uninstall', '1.4.2'], {
      env,
      cwd: tempDir(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const waiting = new Promise<void>((resolve) => {
      uninstall.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
        if (stderr.includes('waiting for')) resolve();
      });
    });
    await waiting;
    // While it waits, a session starts on 1.4.2; then the installer is done.
    const session = liveSession(env);
    lock.release();
    const [code] = await once(uninstall, 'close');
    expect(code).toBe(2);
    expect(stderr).toContain(`in use by session ${session.id}`);
    expect(existsSync(path.join(home, 'versions', '1.4.2', '.launcher-install.json'))).toBe(true);
  });
});
