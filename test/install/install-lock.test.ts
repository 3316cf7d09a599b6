// The per-version install lock and the sweep of leftovers, with real processes as owners.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { uptime } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  acquireLock,
  acquireVersionLock,
  type LockOwner,
  readLockOwner,
  versionLockWaitNote,
} from '../../src/install/install-lock.js';
import { lockFile } from '../../src/install/layout.js';
import { sweepLeftovers } from '../../src/install/sweep.js';
import { launcherPaths, RECEIPT_FILE } from '../../src/paths.js';
import { madeBeforeBoot, probeProcess } from '../../src/session/process-identity.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { cleanEnv } from '../helpers/env.js';
import { deadPid, writeLock } from '../helpers/lock-owners.js';
import { asUserWithoutPrivileges } from '../helpers/other-user.js';
import { onPlatform } from '../helpers/platform.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

function home() {
  const paths = launcherPaths(cleanEnv());
  mkdirSync(paths.versions, { recursive: true });
  return paths;
}

/** A process that runs until killed: a live lock owner that is not us. */
async function liveProcess(): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['-e', 'process.stdout.write("up"); setInterval(() => {}, 1e6)'],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  children.push(child);
  await once(child.stdout!, 'data');
  return child;
}

/** Run an ES module script (importing the built lock module) as `user`; resolves to its stdout. */
async function runScript(
  script: string,
  args: string[],
  user: { uid?: number; gid?: number },
): Promise<string> {
  const lockModule = path.join(REPO_ROOT, 'dist', 'install', 'install-lock.js');
  const source = `const lockModule = await import(${JSON.stringify(lockModule)});\n${script}`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', source, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    ...user,
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  await once(child, 'exit');
  return out;
}

/** A lock as launcher 0.1 wrote it: a plain file holding the owner. */
function writeOldLock(file: string, owner: Partial<LockOwner>) {
  writeFileSync(
    file,
    JSON.stringify({ startTime: null, nonce: 'someone-else', acquiredAt: '', ...owner }),
  );
}

describe('the install lock', () => {
  it('is a directory holding one file that names our pid, start time and uptime, all removed on release', async () => {
    const paths = home();
    const before = Math.floor(uptime() * 1000);
    const lock = await acquireVersionLock(paths, '1.0.0');
    expect(readdirSync(lock.file)).toEqual([`owner-${lock.owner.nonce}`]);
    const owner = readLockOwner(lockFile(paths, '1.0.0'));
    expect(owner).toMatchObject({
      pid: process.pid,
      startTime: probeProcess(process.pid).startTime,
    });
    // The machine's uptime at the lock, which a later reading never falls below until a restart.
    const kept = (owner as LockOwner).uptimeMs!;
    expect(kept).toBeGreaterThanOrEqual(before);
    expect(kept).toBeLessThanOrEqual(uptime() * 1000);
    lock.release();
    // Nothing is left beside the versions either: the lock was prepared under a name of its own.
    expect(readdirSync(paths.versions)).toEqual([]);
  });

  it('is writable by its owner alone even under umask 000', async () => {
    const paths = home();
    const previous = process.umask(0);
    try {
      const lock = await acquireVersionLock(paths, '1.0.0');
      const record = path.join(lock.file, `owner-${lock.owner.nonce}`);
      const mode = (file: string) => (statSync(file).mode & 0o777).toString(8);
      expect({ lock: mode(lock.file), owner: mode(record) }).toEqual({ lock: '755', owner: '644' });
      lock.release();
    } finally {
      process.umask(previous);
    }
  });

  it('records what its holder does with the version, for the notes of those who wait', async () => {
    const paths = home();
    const lock = await acquireVersionLock(paths, '1.0.0', { operation: 'uninstall' });
    const owner = readLockOwner(lock.file) as LockOwner;
    expect(owner.operation).toBe('uninstall');
    expect(versionLockWaitNote(owner, lock.file, 'mycc 1.0.0')).toBe(
      `launcher: waiting for process ${process.pid}, which is uninstalling mycc 1.0.0…\n`,
    );
    lock.release();
  });

  it('says nothing of what the holder does when its record does not tell (older, or unknown)', () => {
    const file = lockFile(home(), '1.0.0');
    const neutral = `launcher: waiting for process 4242, which holds the lock of mycc 1.0.0…\n`;
    const older = { pid: 4242, startTime: null, nonce: 'n', acquiredAt: '' };
    expect(versionLockWaitNote(older, file, 'mycc 1.0.0')).toBe(neutral);
    // Read from a file anyone may have written: never printed as it is.
    const odd = { ...older, operation: '\u001b[2Jrebooting' } as unknown as LockOwner;
    expect(versionLockWaitNote(odd, file, 'mycc 1.0.0')).toBe(neutral);
  });

  it('makes a second installer wait, telling it once for whom, until the first releases', async () => {
    const paths = home();
    const first = await acquireVersionLock(paths, '1.0.0');
    const waitedFor: number[] = [];
    const second = acquireVersionLock(paths, '1.0.0', {
      pollMs: 10,
      onWait: (owner) => {
        waitedFor.push(owner === 'unreadable' ? -1 : owner.pid);
        first.release();
      },
    });
    const lock = await second;
    expect(waitedFor).toEqual([process.pid]);
    expect(readLockOwner(lock.file)).toMatchObject({ nonce: lock.owner.nonce });
    lock.release();
  });

  it('wakes a waiter when the lock is released, not at its next look (500 ms)', async () => {
    const paths = home();
    const first = await acquireVersionLock(paths, '1.0.0');
    let releasedAt = 0;
    const second = acquireVersionLock(paths, '1.0.0', {
      // Were the waiter polling, it would look again only in a minute.
      pollMs: 60_000,
      onWait: () => {
        // Released while the waiter sleeps.
        setTimeout(() => {
          releasedAt = performance.now();
          first.release();
        }, 100);
      },
    });
    const lock = await second;
    expect(performance.now() - releasedAt).toBeLessThan(250);
    lock.release();
  });

  it('lets a waiter go without the lock as soon as what it waited for is done', async () => {
    const paths = home();
    const first = await acquireVersionLock(paths, '1.0.0');
    let done = false;
    const second = acquireVersionLock(paths, '1.0.0', {
      pollMs: 10,
      onWait: () => {
        done = true;
      },
      unneeded: () => done,
    });
    // The first still holds the lock, yet the waiter is done: it did not wait for the release.
    expect(await second).toBeNull();
    expect(readLockOwner(first.file)).toMatchObject({ nonce: first.owner.nonce });
    first.release();
  });

  for (const [kind, write] of [
    ['lock directory', writeLock],
    ['plain lock file of an older launcher', writeOldLock],
  ] as const) {
    it(`waits for a live process of someone else, and takes over once it is gone (${kind})`, async () => {
      const paths = home();
      const child = await liveProcess();
      const file = lockFile(paths, '1.0.0');
      write(file, { pid: child.pid!, startTime: probeProcess(child.pid!).startTime });
      const lock = await acquireVersionLock(paths, '1.0.0', {
        pollMs: 10,
        onWait: (owner) => {
          expect(owner).toMatchObject({ pid: child.pid });
          child.kill('SIGKILL');
        },
      });
      expect(readLockOwner(file)).toMatchObject({ pid: process.pid, nonce: lock.owner.nonce });
      lock.release();
    });
  }

  it('takes over at once a lock whose owner has exited', async () => {
    const paths = home();
    const file = lockFile(paths, '1.0.0');
    writeLock(file, { pid: await deadPid() });
    let waited = false;
    const lock = await acquireVersionLock(paths, '1.0.0', { onWait: () => (waited = true) });
    expect(waited).toBe(false);
    lock.release();
  });

  it('takes over a lock whose pid now belongs to another process (start time differs)', async () => {
    const paths = home();
    const file = lockFile(paths, '1.0.0');
    writeLock(file, { pid: process.pid, startTime: 'a-process-long-gone' });
    const lock = await acquireVersionLock(paths, '1.0.0');
    expect(readLockOwner(file)).toMatchObject({ nonce: lock.owner.nonce });
    lock.release();
  });

  it('on Windows, where start times cannot be read, takes over a live pid whose lock predates the boot', async () => {
    const paths = home();
    const child = await liveProcess();
    const file = lockFile(paths, '1.0.0');
    await onPlatform('win32', async () => {
      // Left by launchers that died before the last reboot; their pid now belongs to another.
      // One kept the machine's uptime, above today's; the other (an older launcher) did not,
      // and dates from long before the boot.
      const beforeReboot = [
        { acquiredAt: new Date().toISOString(), uptimeMs: uptime() * 1000 + 3600_000 },
        { acquiredAt: '2023-11-14T22:13:20.000Z' },
      ];
      for (const record of beforeReboot) {
        writeLock(file, { pid: child.pid!, startTime: 'at:1700000000000', ...record });
        let waited = false;
        const lock = await acquireVersionLock(paths, '1.0.0', {
          onWait: () => (waited = true),
          // Waiting for ever would leave the platform faked until the test times out.
          signal: AbortSignal.timeout(5000),
        });
        expect(waited).toBe(false);
        lock.release();
      }
      // Taken a minute after this boot, before time sync set the clock 2 h forward: the boot
      // the clock gives is later than the lock, but the uptime grew. Judged by its pid alone:
      // waited for while it lives.
      const bootByClock = Date.now() - uptime() * 1000;
      writeLock(file, {
        pid: child.pid!,
        acquiredAt: new Date(bootByClock - 2 * 3600_000).toISOString(),
        uptimeMs: 60_000,
      });
      const next = await acquireVersionLock(paths, '1.0.0', {
        pollMs: 10,
        onWait: (owner) => {
          expect(owner).toMatchObject({ pid: child.pid });
          child.kill('SIGKILL');
        },
      });
      expect(child.killed).toBe(true);
      next.release();
    });
  });

  it('dates a record before the last boot by the uptime it kept, and by the clock only a day past the boot', () => {
    const now = Date.parse('2026-01-10T12:00:00Z');
    const hour = 3600_000;
    // The uptime is below the one recorded: the machine restarted since, whatever the clock says.
    expect(madeBeforeBoot({ at: '2026-01-10T11:59:00Z', uptimeMs: 5 * hour }, now, hour)).toBe(
      true,
    );
    // Recorded 60 s after the boot; then time sync stepped the clock 2 h forward. The boot the
    // clock gives (11:58) is now 2.5 h after the record, but the uptime grew: alive.
    expect(madeBeforeBoot({ at: '2026-01-10T09:30:00Z', uptimeMs: 60_000 }, now, 120_000)).toBe(
      false,
    );
    // Three days before the boot, from a boot that ran longer than this one has yet: dead.
    const early = { at: '2026-01-07T00:00:00Z', uptimeMs: 60_000 };
    expect(madeBeforeBoot(early, now, 2 * hour)).toBe(true);
    // Without a recorded uptime (an older launcher's lock, a session): by the clock, 24 h past
    // the boot it gives (10:00).
    expect(madeBeforeBoot({ at: '2026-01-09T11:00:00Z' }, now, 2 * hour)).toBe(false);
    expect(madeBeforeBoot({ at: '2026-01-09T09:00:00Z' }, now, 2 * hour)).toBe(true);
    // A recorded uptime that is no number is no evidence.
    const garbled = { at: '2026-01-10T11:59:00Z', uptimeMs: '99999999' as unknown as number };
    expect(madeBeforeBoot(garbled, now, hour)).toBe(false);
    expect(madeBeforeBoot({ at: '' }, now, hour)).toBe(false);
    expect(madeBeforeBoot({ at: undefined }, now, hour)).toBe(false);
    expect(madeBeforeBoot(undefined, now, hour)).toBe(false);
  });

  it('takes the place of an empty lock directory, left by a release cut short', async () => {
    const paths = home();
    mkdirSync(lockFile(paths, '1.0.0'));
    let waited = false;
    const lock = await acquireVersionLock(paths, '1.0.0', { onWait: () => (waited = true) });
    expect(waited).toBe(false);
    expect(readLockOwner(lock.file)).toMatchObject({ nonce: lock.owner.nonce });
    lock.release();
  });

  it('takes over the empty lock file of an older launcher once it is 2 s old (its writer was killed)', async () => {
    const paths = home();
    const file = lockFile(paths, '1.0.0');
    writeFileSync(file, '');
    const past = new Date(Date.now() - 60_000);
    utimesSync(file, past, past);
    const lock = await acquireVersionLock(paths, '1.0.0');
    lock.release();
    expect(existsSync(file)).toBe(false);
  });

  it('judges a FIFO in the place of a lock or its owner file by its age, never blocking on it', async () => {
    const paths = home();
    const past = new Date(Date.now() - 60_000);
    // Where an older launcher's lock file would be, and as the owner file of a lock directory.
    const plain = lockFile(paths, '1.0.0');
    const inDir = path.join(lockFile(paths, '2.0.0'), 'owner-stray');
    mkdirSync(path.dirname(inDir), { recursive: true });
    for (const fifo of [plain, inDir]) {
      expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
      utimesSync(fifo, past, past);
    }
    for (const version of ['1.0.0', '2.0.0']) {
      const lock = await acquireVersionLock(paths, version);
      lock.release();
    }
    expect(existsSync(plain)).toBe(false);
    expect(existsSync(inDir)).toBe(false);
  });

  it('clears what others left in a lock directory without an owner once it is 2 s old, and takes the lock', async () => {
    // No launcher holds a lock without its owner file, but a stray entry keeps the directory
    // from ever being replaced: waiting for it would wait for ever.
    const paths = home();
    const file = lockFile(paths, '1.0.0');
    mkdirSync(path.join(file, 'subdir'), { recursive: true });
    writeFileSync(path.join(file, 'subdir', 'inner'), '');
    writeFileSync(path.join(file, 'notes.txt'), 'not a launcher lock');
    // Fresh: waited for, as a garbled owner file is (it may be a moment old).
    const controller = new AbortController();
    const early = acquireVersionLock(paths, '1.0.0', { pollMs: 10, signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(early).rejects.toThrow();
    expect(readdirSync(file).sort()).toEqual(['notes.txt', 'subdir']);
    // Older than the grace: removed by name, and the lock is ours.
    const past = new Date(Date.now() - 60_000);
    for (const name of ['notes.txt', 'subdir']) utimesSync(path.join(file, name), past, past);
    let waited = false;
    const lock = await acquireVersionLock(paths, '1.0.0', { onWait: () => (waited = true) });
    expect(waited).toBe(false);
    expect(readdirSync(file)).toEqual([`owner-${lock.owner.nonce}`]);
    lock.release();
    expect(readdirSync(paths.versions)).toEqual([]);
  });

  it('lets exactly one of many waiters take over a dead owner’s lock at a time', async () => {
    // Eight processes meet a lock left by a dead process, all at once, and each holds the lock
    // for a moment: no two may ever hold it together. A waiter that judged the dead lock must
    // not remove the fresh lock another has put in its place meanwhile.
    const lockModule = path.join(REPO_ROOT, 'dist', 'install', 'install-lock.js');
    const holder = `
      const { acquireVersionLock } = await import(${JSON.stringify(lockModule)});
      const { appendFileSync } = await import('node:fs');
      const [versions, log] = process.argv.slice(1);
      const paths = { versions };
      const lock = await acquireVersionLock(paths, '1.0.0', { pollMs: 5 });
      appendFileSync(log, 'in\\n');
      await new Promise((r) => setTimeout(r, 20));
      appendFileSync(log, 'out\\n');
      lock.release();
    `;
    for (let round = 0; round < 3; round++) {
      const paths = home();
      const log = path.join(paths.versions, '..', 'holders.log');
      writeLock(lockFile(paths, '1.0.0'), { pid: await deadPid() });
      const racers = Array.from({ length: 8 }, () => {
        const child = spawn(
          process.execPath,
          ['--input-type=module', '-e', holder, paths.versions, log],
          { stdio: 'ignore' },
        );
        children.push(child);
        return once(child, 'exit');
      });
      await Promise.all(racers);
      expect(readFileSync(log, 'utf8')).toBe('in\nout\n'.repeat(8));
    }
  }, 30_000);

  it('waits for a lock it may not read, however old, saying so, and never takes it over', async () => {
    // Another user's lock in a shared home (mode 0600): its owner cannot be judged dead.
    const paths = home();
    const file = lockFile(paths, '1.0.0');
    writeLock(file, { pid: await deadPid() });
    const past = new Date(Date.now() - 60_000);
    utimesSync(file, past, past);
    chmodSync(file, 0o000);
    const user = asUserWithoutPrivileges(path.dirname(paths.versions), paths.versions);
    const waiter = `
      const { acquireVersionLock, lockHolder } = lockModule;
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 500);
      try {
        await acquireVersionLock({ versions: process.argv[1] }, '1.0.0', {
          pollMs: 10,
          signal: controller.signal,
          onWait: (owner, file) => console.log('waiting for ' + lockHolder(owner, file)),
        });
        console.log('took it');
      } catch (error) {
        console.log('gave up: ' + error.name);
      }
    `;
    const out = await runScript(waiter, [paths.versions], user);
    expect(out).toBe(
      `waiting for the owner of ${file} (a lock launcher cannot read; remove it if no install is running)\ngave up: AbortError\n`,
    );
    chmodSync(file, 0o644);
    expect(readLockOwner(file)).toMatchObject({ nonce: 'someone-else' });
  });

  it('removes, once it holds a lock, what processes killed while preparing it left beside it', async () => {
    const dir = path.join(home().cache, 'any-lock');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'building');
    const killed = `${file}.tmp-${'c'.repeat(16)}`;
    const empty = `${file}.tmp-${'d'.repeat(16)}`;
    writeLock(killed, { pid: await deadPid(), nonce: 'c'.repeat(16) });
    mkdirSync(empty);
    const past = new Date(Date.now() - 60_000);
    utimesSync(empty, past, past);
    const lock = await acquireLock(file);
    expect(readdirSync(dir)).toEqual(['building']);
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('gives up at once, saying why, on a dead lock it may not remove', async () => {
    // Another user's lock of an older launcher, in a shared sticky directory: its owner is dead,
    // but only that user may delete the file. Waiting cannot help, and spinning must not happen.
    const paths = home();
    const shared = path.join(paths.cache, 'shared');
    mkdirSync(shared, { recursive: true });
    const file = path.join(shared, '.lock-1.0.0');
    writeOldLock(file, { pid: await deadPid() });
    const user = asUserWithoutPrivileges(path.dirname(paths.cache), paths.cache, shared);
    chmodSync(shared, 0o1777);
    const waiter = `
      const started = Date.now();
      try {
        const lock = await lockModule.acquireLock(process.argv[1], {
          signal: AbortSignal.timeout(5000),
        });
        lock.release();
        console.log('took it');
      } catch (error) {
        console.log('gave up: ' + (error.code ?? error.name));
      }
      console.log(Date.now() - started < 2000 ? 'at once' : 'late');
    `;
    const out = await runScript(waiter, [file], user);
    // Run as root, the tests run the waiter as nobody, who may not delete the file; run as
    // its owner, the waiter may, and takes the lock over.
    expect(out).toBe(user.uid === undefined ? 'took it\nat once\n' : 'gave up: EPERM\nat once\n');
    // What the waiter prepared is gone with it.
    expect(readdirSync(shared).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });

  it('takes a lock even where what others left beside it may not be removed', async () => {
    // Another user's lock prepared in a shared sticky directory, its preparer killed: only that
    // user may remove it, and it must not cost this process the lock it has just taken.
    const paths = home();
    const shared = path.join(paths.cache, 'shared');
    const leftover = path.join(shared, `.lock-1.0.0.tmp-${'e'.repeat(16)}`);
    writeLock(leftover, { pid: await deadPid(), nonce: 'e'.repeat(16) });
    const user = asUserWithoutPrivileges(path.dirname(paths.cache), paths.cache, shared);
    chmodSync(shared, 0o1777);
    const taker = `
      const lock = await lockModule.acquireLock(process.argv[1]);
      lock.release();
      console.log('took it');
    `;
    const out = await runScript(taker, [path.join(shared, '.lock-1.0.0')], user);
    expect(out).toBe('took it\n');
    // Run as root, the tests run the taker as nobody, who may not remove root's leftover.
    expect(readdirSync(shared)).toEqual(user.uid === undefined ? [] : [path.basename(leftover)]);
  });

  it('never removes a lock that is no longer its own', async () => {
    const paths = home();
    const lock = await acquireVersionLock(paths, '1.0.0');
    // Judged dead and removed by another process, which then put its own lock in place.
    rmSync(lock.file, { recursive: true });
    writeLock(lock.file, { pid: process.pid, nonce: 'the-new-owner' });
    lock.release();
    expect(readLockOwner(lock.file)).toMatchObject({ nonce: 'the-new-owner' });
  });

  it('stops waiting when aborted', async () => {
    const paths = home();
    const first = await acquireVersionLock(paths, '1.0.0');
    const controller = new AbortController();
    const second = acquireVersionLock(paths, '1.0.0', {
      signal: controller.signal,
      onWait: () => controller.abort(),
    });
    await expect(second).rejects.toThrow();
    first.release();
  });
});

describe('the sweep of leftovers', () => {
  it('removes staging, trash and partial downloads of dead runs, and keeps those of live ones', async () => {
    const paths = home();
    const child = await liveProcess();
    writeLock(lockFile(paths, '1.0.0'), {
      pid: child.pid!,
      startTime: probeProcess(child.pid!).startTime,
    });
    writeLock(lockFile(paths, '2.0.0'), { pid: await deadPid() });
    const dirs = {
      liveStaging: path.join(paths.versions, '.staging-1.0.0-0123456789ab'),
      deadStaging: path.join(paths.versions, '.staging-2.0.0-0123456789ab'),
      unlockedStaging: path.join(paths.versions, '.staging-3.0.0-rc.1-0123456789ab'),
      deadTrash: path.join(paths.versions, '.trash-2.0.0-0123456789ab'),
      installed: path.join(paths.versions, '2.0.0'),
    };
    for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
    const cache = path.join(paths.cache, 'downloads');
    const files = {
      livePart: path.join(cache, '1.0.0', 'x.tar.gz.part'),
      deadPart: path.join(cache, '2.0.0', 'x.tar.gz.part'),
      deadPartMeta: path.join(cache, '2.0.0', 'x.tar.gz.part.json'),
      verified: path.join(cache, '2.0.0', 'x.tar.gz'),
    };
    for (const file of Object.values(files)) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, 'x');
    }
    sweepLeftovers(paths);
    expect(existsSync(dirs.liveStaging)).toBe(true);
    expect(existsSync(dirs.deadStaging)).toBe(false);
    expect(existsSync(dirs.unlockedStaging)).toBe(false);
    expect(existsSync(dirs.deadTrash)).toBe(false);
    expect(existsSync(dirs.installed)).toBe(true);
    expect(existsSync(files.livePart)).toBe(true);
    expect(existsSync(files.deadPart)).toBe(false);
    expect(existsSync(files.deadPartMeta)).toBe(false);
    expect(existsSync(files.verified)).toBe(true);
  });

  it('puts back a version a reinstall killed between its two renames had moved aside', () => {
    const paths = home();
    const replaced = (version: string, receipt: boolean) => {
      const dir = path.join(paths.versions, `.replaced-${version}-0123456789ab`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'old'), version);
      if (receipt) writeFileSync(path.join(dir, RECEIPT_FILE), '{}');
      return dir;
    };
    // Killed before the new copy was renamed in: the old one is the only copy there is.
    const lone = replaced('2.0.0', true);
    // Killed after it: the new copy stays, the old one goes.
    const superseded = replaced('3.0.0', true);
    mkdirSync(path.join(paths.versions, '3.0.0'));
    writeFileSync(path.join(paths.versions, '3.0.0', 'new'), 'new');
    // Never installed (a directory without receipt was being replaced): nothing to put back.
    const broken = replaced('4.0.0', false);
    sweepLeftovers(paths);
    expect(readFileSync(path.join(paths.versions, '2.0.0', 'old'), 'utf8')).toBe('2.0.0');
    expect(readdirSync(path.join(paths.versions, '3.0.0'))).toEqual(['new']);
    for (const dir of [lone, superseded, broken]) expect(existsSync(dir)).toBe(false);
    expect(readdirSync(paths.versions).sort()).toEqual(['2.0.0', '3.0.0']);
  });

  it('removes a lock prepared by a process killed before putting it in place, and no other', async () => {
    const paths = home();
    const child = await liveProcess();
    const dead = path.join(paths.versions, `.lock-1.0.0.tmp-${'a'.repeat(16)}`);
    const live = path.join(paths.versions, `.lock-1.0.0.tmp-${'b'.repeat(16)}`);
    writeLock(dead, { pid: await deadPid(), nonce: 'a'.repeat(16) });
    writeLock(live, {
      pid: child.pid!,
      startTime: probeProcess(child.pid!).startTime,
      nonce: 'b'.repeat(16),
    });
    sweepLeftovers(paths);
    expect(readdirSync(paths.versions)).toEqual([path.basename(live)]);
  });

  it('leaves the staging directory and partial download of a version whose lock it may not read', async () => {
    // Another user's lock in a shared home (mode 0000 here): its owner may be installing right
    // now, so the sweep counts the lock as held, even with a dead pid in it.
    const paths = home();
    const lock = lockFile(paths, '1.0.0');
    writeLock(lock, { pid: await deadPid() });
    const staging = path.join(paths.versions, '.staging-1.0.0-0123456789ab');
    const part = path.join(paths.cache, 'downloads', '1.0.0', 'x.tar.gz.part');
    mkdirSync(staging);
    mkdirSync(path.dirname(part), { recursive: true });
    writeFileSync(part, 'x');
    chmodSync(lock, 0o000);
    // Everything but the lock is open to the sweeping user, so only the lock keeps them.
    const user = asUserWithoutPrivileges(
      path.dirname(paths.versions),
      paths.versions,
      staging,
      path.dirname(part),
    );
    const sweepModule = path.join(REPO_ROOT, 'dist', 'install', 'sweep.js');
    const sweeper = `
      const { sweepLeftovers } = await import(${JSON.stringify(sweepModule)});
      console.log(JSON.stringify(sweepLeftovers({ versions: process.argv[1], cache: process.argv[2] })));
    `;
    const out = await runScript(sweeper, [paths.versions, paths.cache], user);
    expect(out).toBe('[]\n');
    expect(existsSync(staging)).toBe(true);
    expect(existsSync(part)).toBe(true);
    chmodSync(lock, 0o755);
  });

  it("removes the caller's own staging leftovers but keeps its partial download to resume", () => {
    const paths = home();
    const staging = path.join(paths.versions, '.staging-1.0.0-0123456789ab');
    const part = path.join(paths.cache, 'downloads', '1.0.0', 'x.tar.gz.part');
    mkdirSync(staging, { recursive: true });
    mkdirSync(path.dirname(part), { recursive: true });
    writeFileSync(part, 'x');
    sweepLeftovers(paths, '1.0.0');
    expect(existsSync(staging)).toBe(false);
    expect(existsSync(part)).toBe(true);
  });
});
