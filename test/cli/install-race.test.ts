// One installer per version across processes, and clean recovery from installers that died:
// real `launcher install` processes racing, waiting, and killed mid-way.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  watch,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireVersionLock } from '../../src/install/install-lock.js';
import { archiveFile, partialFiles } from '../../src/install/layout.js';
import { launcherPaths } from '../../src/paths.js';
import { LAUNCHER_BIN, launcher, run } from '../helpers/cli.js';
import { startDistServerForTest } from '../helpers/dist-server.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { deadPid, writeLock } from '../helpers/lock-owners.js';
import { placeLoosePartial } from '../helpers/store.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

async function setup(files?: Record<string, { content: Buffer | string; mode: number }>) {
  const server = await startDistServerForTest({
    versions: [{ version: '1.0.0', ...(files ? { files } : {}) }],
  });
  const env = cleanEnv({ LAUNCHER_DIST_URL: server.indexUrl });
  const home = env.LAUNCHER_HOME!;
  return {
    server,
    env,
    home,
    cwd: tempDir('launcher-project-'),
    versions: path.join(home, 'versions'),
  };
}

/** Start `launcher install` and collect its stderr as it comes. */
function startInstall(env: NodeJS.ProcessEnv, cwd: string, args = ['install', '1.0.0']) {
  const child = spawn(process.execPath, [LAUNCHER_BIN, ...args], {
    env,
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = once(child, 'close').then(([code, signal]) => ({ code, signal, stderr }));
  const sawOnStderr = (text: string) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (stderr.includes(text)) {
          child.stderr!.off('data', check);
          resolve();
        }
      };
      child.stderr!.on('data', check);
      check();
    });
  return { child, exited, sawOnStderr, stderr: () => stderr };
}

/** Resolves once the partial download of 1.0.0 holds bytes (watched, not polled). */
function partialHasBytes(home: string): Promise<void> {
  const dir = path.join(home, 'cache');
  mkdirSync(dir, { recursive: true });
  return new Promise((resolve) => {
    const check = () => {
      const downloads = path.join(dir, 'downloads', '1.0.0');
      const parts = existsSync(downloads)
        ? readdirSync(downloads).filter((n) => n.endsWith('.part'))
        : [];
      if (parts.some((n) => statSync(path.join(downloads, n)).size > 0)) {
        watcher.close();
        resolve();
      }
    };
    const watcher = watch(dir, { recursive: true }, check);
    check();
  });
}

const bigBin = () => ({ 'bin/mycc': { content: randomBytes(2 * 1024 * 1024), mode: 0o755 } });

describe('concurrent installs', () => {
  it('lets eight racing processes all succeed with exactly one download and one version directory', async () => {
    const { server, env, cwd, versions } = await setup();
    const archivePath = server.archivePath('1.0.0');
    const runs = Array.from({ length: 8 }, () => startInstall(env, cwd));
    // Hold the archive until the seven others say they wait, so they really do overlap.
    let waiting = 0;
    const sevenWaiting = new Promise<void>((resolve) => {
      for (const r of runs) {
        void r.sawOnStderr('launcher: waiting for process').then(() => {
          if (++waiting === 7) resolve();
        });
      }
    });
    server.gate(archivePath, sevenWaiting);
    const results = await Promise.all(runs.map((r) => r.exited));
    for (const result of results) expect(result).toMatchObject({ code: 0, signal: null });
    expect(server.count(archivePath)).toBe(1);
    // Those that waited never needed the index: only the one that installed fetched it.
    expect(server.count('/index.json')).toBe(1);
    expect(readdirSync(versions)).toEqual(['1.0.0']);
    const waited = results.filter((r) =>
      /waiting for process \d+, which is installing (mycc|version) 1\.0\.0/.test(r.stderr),
    );
    expect(waited).toHaveLength(7);
  });
});

describe('installers that die', () => {
  it('recovers from an installer killed during the download: the next install succeeds, nothing left over', async () => {
    const { server, env, cwd, versions, home } = await setup(bigBin());
    const archivePath = server.archivePath('1.0.0');
    server.misbehave(archivePath, { stallAfter: 512 * 1024 });
    const first = startInstall(env, cwd);
    await Promise.all([server.stalled(archivePath), partialHasBytes(home)]);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(existsSync(path.join(versions, '.lock-1.0.0'))).toBe(true);

    const second = await launcher(['install', '1.0.0'], { env, cwd });
    expect(second.code).toBe(0);
    expect(readdirSync(versions)).toEqual(['1.0.0']);
    // The lock of the dead installer was taken over, and its partial download resumed.
    expect(server.requests.filter((r) => r.path === archivePath).at(-1)!.range).toMatch(
      /^bytes=\d+-$/,
    );
    const cached = readdirSync(path.join(home, 'cache', 'downloads', '1.0.0'));
    expect(cached.filter((n) => n.includes('.part'))).toEqual([]);
  });

  it('recovers from an installer killed while unpacking: its staging directory is removed', async () => {
    const { env, cwd, versions } = await setup(bigBin());
    // Test hook (docs/install.md): freeze the installer once unpacking has begun.
    const first = startInstall({ ...env, LAUNCHER_TEST_HOLD: 'extract' }, cwd);
    await first.sawOnStderr('launcher-test-hook: holding at extract');
    expect(readdirSync(versions).some((n) => n.startsWith('.staging-1.0.0-'))).toBe(true);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await launcher(['install', '1.0.0'], { env, cwd });
    expect(second.code).toBe(0);
    expect(readdirSync(versions)).toEqual(['1.0.0']);
  });

  // The state an installer killed between renaming the version into place and refreshing the
  // shims leaves: the version installed, its shims missing, and, had its rehash begun, the lock
  // of the shims held by the dead process and a shim half written under a temporary name.
  async function killedBeforeTheShims(home: string): Promise<string> {
    const shims = path.join(home, 'shims');
    rmSync(shims, { recursive: true });
    const pid = await deadPid();
    writeLock(path.join(shims, '.rehash.lock'), { pid });
    writeFileSync(path.join(shims, `mycc.${pid}.0badcafe.tmp`), '');
    return shims;
  }

  it('leaves working shims when the installer was killed before writing them: the next install finds the version there and writes them', async () => {
    const { server, env, cwd, home } = await setup();
    expect((await launcher(['install', '1.0.0'], { env, cwd })).code).toBe(0);
    const shims = await killedBeforeTheShims(home);
    const again = await launcher(['install', '1.0.0'], { env, cwd });
    expect(again).toMatchObject({ code: 0, stderr: '' });
    expect(again.stdout).toContain('already installed');
    expect(readdirSync(shims)).toEqual(['mycc']);
    expect(server.count(server.archivePath('1.0.0'))).toBe(1);
    writeFileSync(path.join(cwd, '.tool-version'), '1.0.0\n');
    expect(await run(path.join(shims, 'mycc'), ['hi'], { env, cwd })).toMatchObject({
      code: 0,
      stdout: 'mycc 1.0.0 hi\n',
    });
  });

  it('leaves working shims after waiting for an installer that finished the version but not its shims', async () => {
    const { server, env, cwd, home } = await setup();
    expect((await launcher(['install', '1.0.0'], { env, cwd })).code).toBe(0);
    const shims = await killedBeforeTheShims(home);
    // The version is not there yet while its installer (this test process) holds the lock.
    const installed = path.join(home, 'versions', '1.0.0');
    const aside = path.join(home, 'aside');
    renameSync(installed, aside);
    const lock = await acquireVersionLock(launcherPaths(env), '1.0.0');
    try {
      const waiter = startInstall(env, cwd);
      await waiter.sawOnStderr('launcher: waiting for process');
      renameSync(aside, installed);
      expect(await waiter.exited).toMatchObject({ code: 0, signal: null });
    } finally {
      lock.release();
    }
    expect(readdirSync(shims)).toEqual(['mycc']);
    expect(server.count(server.archivePath('1.0.0'))).toBe(1);
  });

  it('removes what it started and dies of the signal when interrupted during the download', async () => {
    const { server, env, cwd, versions, home } = await setup(bigBin());
    const archivePath = server.archivePath('1.0.0');
    server.misbehave(archivePath, { stallAfter: 512 * 1024 });
    const first = startInstall(env, cwd);
    await Promise.all([server.stalled(archivePath), partialHasBytes(home)]);
    first.child.kill('SIGINT');
    expect(await first.exited).toMatchObject({ code: null, signal: 'SIGINT' });
    expect(readdirSync(versions)).toEqual([]);
    // The partial download stays in the cache so the next install resumes it.
    const next = await launcher(['install', '1.0.0'], { env, cwd });
    expect(next.code).toBe(0);
    expect(server.requests.filter((r) => r.path === archivePath).at(-1)!.range).toMatch(
      /^bytes=\d+-$/,
    );
    expect(
      readdirSync(path.join(home, 'cache', 'downloads', '1.0.0')).filter((n) =>
        n.includes('.part'),
      ),
    ).toEqual([]);
  });

  it('dies of SIGINT at once while copying a partial download others may write, and keeps it', async () => {
    // The index vouches for 2 GiB, so a partial of 1 GiB is worth continuing.
    const server = await startDistServerForTest({
      versions: [{ version: '1.0.0', artifact: { size: 2 ** 31 } }],
    });
    const env = cleanEnv({ LAUNCHER_DIST_URL: server.indexUrl });
    const url = new URL(server.archivePath('1.0.0'), server.url);
    const sha = (server.index.versions as Array<{ artifacts: Array<{ sha256: string }> }>)[0]!
      .artifacts[0]!.sha256;
    const { part, meta } = partialFiles(archiveFile(launcherPaths(env), '1.0.0', sha, url));
    placeLoosePartial({ part, meta }, url, 2 ** 30);
    const first = startInstall(env, tempDir('launcher-project-'));
    await first.sawOnStderr('copying the partial download (1.0 GiB)');
    first.child.kill('SIGINT');
    expect(await first.exited).toMatchObject({ code: null, signal: 'SIGINT' });
    // Stopped before the copy took the partial file's place: it is kept as it was, the copy gone.
    const kept = statSync(part);
    expect([kept.size, kept.mode & 0o777]).toEqual([2 ** 30, 0o666]);
    expect(readdirSync(path.dirname(part)).sort()).toEqual(
      [path.basename(part), path.basename(meta)].sort(),
    );
    expect(server.count(server.archivePath('1.0.0'))).toBe(0);
  });

  it('removes its staging directory and dies of SIGTERM when terminated while unpacking', async () => {
    const { env, cwd, versions } = await setup(bigBin());
    const first = startInstall({ ...env, LAUNCHER_TEST_HOLD: 'extract' }, cwd);
    await first.sawOnStderr('launcher-test-hook: holding at extract');
    first.child.kill('SIGTERM');
    expect(await first.exited).toMatchObject({ code: null, signal: 'SIGTERM' });
    expect(readdirSync(versions)).toEqual([]);
  });
});
