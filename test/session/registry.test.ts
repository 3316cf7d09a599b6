// The session registry on real files: modes, atomic coalesced rewrites, liveness and pruning.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { uptime } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { launcherPaths, stateSubdir } from '../../src/paths.js';
import {
  ownStartTime,
  probeProcess,
  sameStartTime,
  startTimeFromPs,
  startTimeFromUptime,
} from '../../src/session/process-identity.js';
import { findProjectSession, listSessions } from '../../src/session/registry.js';
import { newSessionId } from '../../src/session/session.js';
import { type SessionInit, SessionRecord } from '../../src/session/session-record.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { onPlatform } from '../helpers/platform.js';
import { SPEC_SESSION_FIELDS } from '../helpers/spec.js';

const posix = process.platform !== 'win32';

function setup() {
  const paths = launcherPaths(cleanEnv());
  const projectRoot = tempDir('launcher-project-');
  const init: SessionInit = {
    tool: 'mycc',
    bin: 'mycc',
    version: '1.4.2',
    cwd: projectRoot,
    projectRoot,
  };
  return { paths, projectRoot, init };
}

function mode(file: string): number {
  return statSync(file).mode & 0o777;
}

/** The pid of a process that has run and been reaped: dead, and not reused this soon. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('SessionRecord', () => {
  it('creates the session file 0600 in a 0700 directory, with the spec fields', () => {
    const { paths, init } = setup();
    const record = SessionRecord.create(paths, init);
    expect(record.id).toMatch(/^[0-9a-f]{16}$/);
    expect(record.file).toBe(path.join(paths.state, 'sessions', `${record.id}.json`));
    if (posix) {
      expect(mode(record.file)).toBe(0o600);
      expect(mode(stateSubdir(paths, 'sessions'))).toBe(0o700);
      expect(mode(paths.state)).toBe(0o700);
    }
    const stored = JSON.parse(readFileSync(record.file, 'utf8'));
    expect(Object.keys(stored)).toEqual([...SPEC_SESSION_FIELDS, 'launcherStartTime']);
    expect(stored).toMatchObject({
      session: record.id,
      pid: process.pid,
      childPid: null,
      state: 'starting',
      port: null,
      restarts: 0,
      control: null,
      launcherStartTime: ownStartTime(),
    });
    expect(Object.keys(record.session)).toEqual(SPEC_SESSION_FIELDS);
  });

  it.runIf(posix)(
    'rewrites the file 0600 even under a permissive umask (temp file included)',
    () => {
      const { paths, init } = setup();
      const previous = process.umask(0);
      try {
        const record = SessionRecord.create(paths, init);
        record.update({ state: 'ready', port: 4000 });
        record.flush();
        // The rename keeps the temp file's inode, so the final mode is the temp file's mode.
        expect(mode(record.file)).toBe(0o600);
        expect(JSON.parse(readFileSync(record.file, 'utf8')).port).toBe(4000);
      } finally {
        process.umask(previous);
      }
    },
  );

  it('turns a burst of updates into few writes and ends with the last state on disk', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    const { paths, init } = setup();
    const record = SessionRecord.create(paths, init, { intervalMs: 50 });
    const created = record.writes;
    for (let i = 1; i <= 1000; i++) record.update({ restarts: i, port: 3000 + (i % 100) });
    expect(record.writes - created).toBeLessThanOrEqual(1);
    vi.advanceTimersByTime(50);
    expect(record.writes - created).toBeLessThanOrEqual(2);
    const stored = JSON.parse(readFileSync(record.file, 'utf8'));
    expect(stored).toMatchObject({ restarts: 1000, port: 3000 });
  });

  it('writes an isolated change at once', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    const { paths, init } = setup();
    const record = SessionRecord.create(paths, init, { intervalMs: 50 });
    vi.advanceTimersByTime(60);
    record.update({ state: 'backoff' });
    expect(JSON.parse(readFileSync(record.file, 'utf8')).state).toBe('backoff');
  });

  it('never changes the identity fields and ignores undefined values', () => {
    const { paths, init } = setup();
    const record = SessionRecord.create(paths, { ...init, session: 'abc-1' });
    record.update({ port: 4100 });
    record.update({ port: undefined, session: 'other', pid: 1 } as never);
    expect(record.session).toMatchObject({ session: 'abc-1', pid: process.pid, port: 4100 });
    // Not left to a timer that would write the file after the home is removed.
    record.remove();
  });

  it('refuses a session id that is not a safe file name', () => {
    const { paths, init } = setup();
    expect(() => SessionRecord.create(paths, { ...init, session: '../x' })).toThrow(
      expect.objectContaining({ code: 'E_INTERNAL' }),
    );
  });

  it('removes the file, and later updates do not bring it back', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    const { paths, init } = setup();
    const record = SessionRecord.create(paths, init);
    record.update({ state: 'stopping' });
    record.update({ state: 'exited' });
    record.remove();
    record.update({ state: 'failed' });
    vi.runAllTimers();
    record.flush();
    expect(existsSync(record.file)).toBe(false);
  });
});

describe('listSessions', () => {
  it('lists a session whose launcher is alive, with only the spec fields', () => {
    const { paths, init } = setup();
    const record = SessionRecord.create(paths, init);
    const sessions = listSessions(paths);
    expect(sessions).toEqual([record.session]);
    expect(Object.keys(sessions[0]!)).toEqual(SPEC_SESSION_FIELDS);
  });

  it('does not take a reused pid for the launcher: a different start time is dead and pruned', () => {
    const { paths, init } = setup();
    const record = SessionRecord.create(paths, init);
    expect(listSessions(paths)).toHaveLength(1);
    // The same pid (alive), but the process that owns it started at another time.
    const stored = JSON.parse(readFileSync(record.file, 'utf8'));
    writeFileSync(record.file, JSON.stringify({ ...stored, launcherStartTime: '1' }));
    expect(listSessions(paths)).toEqual([]);
    expect(existsSync(record.file)).toBe(false);
  });

  it('on Windows, where start times cannot be read, prunes a live pid whose session predates the boot', async () => {
    const { paths, init } = setup();
    const record = SessionRecord.create(paths, init);
    const stored = JSON.parse(readFileSync(record.file, 'utf8'));
    await onPlatform('win32', () => {
      // Our own pid, alive: only the boot tells that the record's launcher is gone.
      expect(listSessions(paths)).toHaveLength(1);
      // Started just after this boot, before time sync set the clock 2 h forward: the boot the
      // clock gives is later than the session, which is no evidence of a reboot. Still listed.
      const bootByClock = Date.now() - uptime() * 1000;
      const startedAt = new Date(bootByClock - 2 * 3600_000).toISOString();
      writeFileSync(record.file, JSON.stringify({ ...stored, startedAt }));
      expect(listSessions(paths)).toHaveLength(1);
      // Started days before the boot: its launcher ended with that boot.
      writeFileSync(
        record.file,
        JSON.stringify({ ...stored, startedAt: '2023-11-14T22:13:20.000Z' }),
      );
      expect(listSessions(paths)).toEqual([]);
    });
    expect(existsSync(record.file)).toBe(false);
  });

  it('prunes the record of a launcher that has exited', async () => {
    const { paths, init } = setup();
    const record = SessionRecord.create(paths, init);
    const stored = JSON.parse(readFileSync(record.file, 'utf8'));
    writeFileSync(record.file, JSON.stringify({ ...stored, pid: await deadPid() }));
    expect(listSessions(paths)).toEqual([]);
    expect(existsSync(record.file)).toBe(false);
  });

  it('skips and prunes garbage, half-written, misnamed and empty files without failing', () => {
    const { paths, init } = setup();
    const live = SessionRecord.create(paths, init);
    const dir = stateSubdir(paths, 'sessions');
    const good = readFileSync(live.file, 'utf8');
    const bad = {
      'garbage.json': '\u0000\u0001not json',
      [`${newSessionId()}.json`]: good.slice(0, good.length / 2),
      [`${newSessionId()}.json`]: good, // names another session than its file
      'empty.json': '',
      'array.json': '[1,2]',
      'wrong-state.json': good.replace('"starting"', '"dancing"').replace(live.id, 'wrong-state'),
    };
    for (const [name, text] of Object.entries(bad)) writeFileSync(path.join(dir, name), text);
    writeFileSync(path.join(dir, 'README'), 'not a session file, left alone');
    expect(listSessions(paths).map((s) => s.session)).toEqual([live.id]);
    for (const name of Object.keys(bad)) expect(existsSync(path.join(dir, name))).toBe(false);
    expect(existsSync(path.join(dir, 'README'))).toBe(true);
  });

  it('removes a temporary file left by a writer that died, and keeps a live writer’s', async () => {
    const { paths, init } = setup();
    const live = SessionRecord.create(paths, init);
    const orphan = `${live.file}.${await deadPid()}.0badc0de.tmp`;
    const inFlight = `${live.file}.${process.pid}.0badc0de.tmp`;
    writeFileSync(orphan, '{');
    writeFileSync(inFlight, '{');
    listSessions(paths);
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(inFlight)).toBe(true);
  });

  it('is empty when no session was ever written', () => {
    const { paths } = setup();
    expect(listSessions(paths)).toEqual([]);
    expect(existsSync(stateSubdir(paths, 'sessions'))).toBe(false);
  });
});

describe('findProjectSession', () => {
  it('finds the newest live session of a project, also through a symbolic link', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { paths, init, projectRoot } = setup();
    const other = tempDir('launcher-other-');
    SessionRecord.create(paths, { ...init, projectRoot: other });
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    SessionRecord.create(paths, init);
    vi.setSystemTime(new Date('2026-01-01T00:00:05Z'));
    const newest = SessionRecord.create(paths, init);
    expect(findProjectSession(paths, projectRoot)?.session).toBe(newest.id);
    const link = path.join(tempDir('launcher-link-'), 'project');
    symlinkSync(projectRoot, link);
    expect(findProjectSession(paths, link)?.session).toBe(newest.id);
    expect(findProjectSession(paths, tempDir('launcher-none-'))).toBeNull();
  });
});

describe('probeProcess', () => {
  it('knows this process is alive and dead pids are not', async () => {
    expect(probeProcess(process.pid).alive).toBe(true);
    expect(probeProcess(await deadPid()).alive).toBe(false);
    expect(probeProcess(-1).alive).toBe(false);
  });

  it.runIf(process.platform !== 'win32')(
    'agrees with ps on when this process started (the check used outside Linux)',
    () => {
      const fromPs = startTimeFromPs(process.pid);
      expect(fromPs).toMatch(/^at:\d+$/);
      expect(sameStartTime(fromPs!, startTimeFromUptime())).toBe(true);
      expect(sameStartTime('at:1000000', 'at:1005000')).toBe(false);
      expect(sameStartTime('4711', '4712')).toBe(false);
    },
  );

  it.runIf(process.platform === 'linux')('reads the start time from /proc (field 22)', () => {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    expect(ownStartTime()).toBe(fields[19]);
    expect(ownStartTime()).toMatch(/^\d+$/);
  });
});
