// Kept diagnostics on real files: coalesced writes that never lose the last state, per-URI merging.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { DiagnosticsKeeper } from '../../src/diagnostics/keeper.js';
import {
  keptDiagnosticsFile,
  keptDiagnosticsLock,
  readKept,
  readKeptFile,
} from '../../src/diagnostics/kept-file.js';
import { tryLock } from '../../src/install/install-lock.js';
import { ensureStateDir, launcherPaths, stateSubdir } from '../../src/paths.js';
import { processProgress } from '../../src/session/process-identity.js';
import { BUSY_RETRY_MS } from '../../src/session/write-coalescer.js';
import { REPO_ROOT, run } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/env.js';

const WRITER = fileURLToPath(new URL('../fixtures/keeper-writer.mjs', import.meta.url));
const HOLDER = fileURLToPath(new URL('../fixtures/keeper-holder.mjs', import.meta.url));
const held: ChildProcess[] = [];

function setup() {
  const paths = launcherPaths(cleanEnv());
  const root = tempDir('launcher-project-');
  const uri = (name: string) => pathToFileURL(path.join(root, name)).href;
  return { paths, root, uri };
}

function diag(line: number, message: string, extra: Partial<Diagnostic> = {}): Diagnostic {
  return {
    range: { start: { line, character: 2 }, end: { line, character: 5 } },
    severity: 1,
    code: 'MYCC001',
    source: 'mycc',
    message,
    ...extra,
  };
}

afterEach(() => {
  vi.useRealTimers();
  for (const child of held.splice(0)) child.kill('SIGKILL');
});

describe('DiagnosticsKeeper', () => {
  it('keeps the last of 10 000 updates with only a few writes', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    const { paths, root, uri } = setup();
    const keeper = new DiagnosticsKeeper(paths, root, { intervalMs: 100 });
    for (let i = 0; i < 10_000; i++) {
      keeper.update(uri(`f${i % 50}.my`), [diag(i, `round ${i}`)]);
    }
    expect(keeper.writes).toBe(1); // the first change of the burst, at once
    vi.advanceTimersByTime(100);
    expect(keeper.writes).toBe(2); // the rest of the burst, once
    const kept = readKept(paths, root);
    expect(kept).toHaveLength(50);
    const last = kept.find((f) => f.uri === uri('f49.my'));
    expect(last?.diagnostics).toEqual([diag(9999, 'round 9999')]);
    vi.advanceTimersByTime(1000);
    expect(keeper.writes).toBe(2); // nothing left to write
  });

  it('writes pending changes on flush(), without waiting for the interval', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    const { paths, root, uri } = setup();
    const keeper = new DiagnosticsKeeper(paths, root);
    keeper.update(uri('a.my'), [diag(1, 'first')]);
    keeper.update(uri('a.my'), [diag(2, 'second')]);
    keeper.flush();
    expect(readKept(paths, root)).toEqual([{ uri: uri('a.my'), diagnostics: [diag(2, 'second')] }]);
  });

  it('clears a document when it gets [] (its key is dropped)', () => {
    const { paths, root, uri } = setup();
    const keeper = new DiagnosticsKeeper(paths, root);
    keeper.update(uri('a.my'), [diag(1, 'a')]);
    keeper.update(uri('b.my'), [diag(1, 'b')]);
    keeper.flush();
    keeper.update(uri('a.my'), []);
    keeper.flush();
    const stored = JSON.parse(readFileSync(keptDiagnosticsFile(paths, root), 'utf8'));
    expect(Object.keys(stored.files)).toEqual([uri('b.my')]);
    expect(keeper.current()).toEqual([{ uri: uri('b.my'), diagnostics: [diag(1, 'b')] }]);
  });

  it('keeps them after the session ends, and the next session merges per URI (last write wins)', () => {
    const { paths, root, uri } = setup();
    const first = new DiagnosticsKeeper(paths, root, { tool: 'mycc', version: '1.4.2' });
    first.update(uri('a.my'), [diag(1, 'old a')]);
    first.update(uri('b.my'), [diag(1, 'b')]);
    first.close();
    first.update(uri('b.my'), []); // after close: ignored
    const second = new DiagnosticsKeeper(paths, root);
    expect(second.current().map((f) => f.uri)).toEqual([uri('a.my'), uri('b.my')]);
    second.update(uri('a.my'), [diag(3, 'new a')]);
    second.flush();
    const kept = readKeptFile(paths, root);
    expect(kept?.tool).toBe('mycc');
    expect(kept?.version).toBe('1.4.2');
    expect(readKept(paths, root)).toEqual([
      { uri: uri('a.my'), diagnostics: [diag(3, 'new a')] },
      { uri: uri('b.my'), diagnostics: [diag(1, 'b')] },
    ]);
  });

  it('does not undo what a concurrent session of the project wrote to other URIs', () => {
    const { paths, root, uri } = setup();
    const one = new DiagnosticsKeeper(paths, root);
    const two = new DiagnosticsKeeper(paths, root);
    one.update(uri('one.my'), [diag(1, 'from one')]);
    one.flush();
    two.update(uri('two.my'), [diag(1, 'from two')]);
    two.flush();
    expect(readKept(paths, root).map((f) => f.uri)).toEqual([uri('one.my'), uri('two.my')]);
    one.update(uri('three.my'), [diag(1, 'from one, again')]);
    one.flush();
    expect(readKept(paths, root).map((f) => f.uri)).toEqual(
      ['one.my', 'three.my', 'two.my'].map(uri),
    );
  });

  it('keeps naming the tool of an earlier session until a new one is given', () => {
    const { paths, root, uri } = setup();
    const first = new DiagnosticsKeeper(paths, root, { tool: 'mycc', version: '1.4.2' });
    first.update(uri('a.my'), [diag(1, 'a')]);
    first.close();
    const second = new DiagnosticsKeeper(paths, root);
    for (const line of [2, 3]) {
      second.update(uri('a.my'), [diag(line, 'a')]);
      second.flush();
      expect(readKeptFile(paths, root)).toMatchObject({ tool: 'mycc', version: '1.4.2' });
    }
    const third = new DiagnosticsKeeper(paths, root, { tool: 'mycc', version: '2.0.0' });
    third.update(uri('a.my'), []);
    third.flush();
    expect(readKeptFile(paths, root)).toMatchObject({ tool: 'mycc', version: '2.0.0' });
  });

  it.runIf(process.platform !== 'win32')('writes the file 0600 in a 0700 directory', () => {
    const { paths, root, uri } = setup();
    const keeper = new DiagnosticsKeeper(paths, root);
    keeper.update(uri('a.my'), [diag(1, 'a')]);
    keeper.flush();
    expect(statSync(keptDiagnosticsFile(paths, root)).mode & 0o777).toBe(0o600);
    expect(statSync(stateSubdir(paths, 'diagnostics')).mode & 0o777).toBe(0o700);
  });

  it('treats a URI as data, even one named __proto__', () => {
    const { paths, root } = setup();
    const keeper = new DiagnosticsKeeper(paths, root);
    keeper.update('__proto__', [diag(1, 'odd')]);
    keeper.flush();
    expect(readKept(paths, root)).toEqual([{ uri: '__proto__', diagnostics: [diag(1, 'odd')] }]);
  });
});

describe('DiagnosticsKeeper across processes', () => {
  // Each writer replaces a large document (so every write takes a while) and adds a new one a
  // round, writing every round at once: without the lock, one's rename lands between the
  // other's read and rename, and that round's document is gone for good.
  it('keeps every document of two sessions writing the same project at once', async () => {
    const env = cleanEnv();
    const paths = launcherPaths(env);
    const root = tempDir('launcher-project-');
    const rounds = 40;
    const writers = ['a', 'b'].map((prefix) =>
      spawn(process.execPath, [WRITER, root, prefix, String(rounds), '1500'], {
        env,
        stdio: ['pipe', 'pipe', 'inherit'],
      }),
    );
    await Promise.all(writers.map((writer) => said(writer, 'ready')));
    for (const writer of writers) writer.stdin!.write('go\n');
    const codes = await Promise.all(writers.map((writer) => once(writer, 'exit')));
    expect(codes.map(([code]) => code)).toEqual([0, 0]);
    const kept = new Map(readKept(paths, root).map((f) => [path.basename(f.uri), f.diagnostics]));
    for (const prefix of ['a', 'b']) {
      const missing = [];
      for (let round = 0; round < rounds; round++) {
        if (!kept.has(`${prefix}-${round}.my`)) missing.push(round);
      }
      expect({ prefix, missing }).toEqual({ prefix, missing: [] });
      expect(kept.get(`${prefix}-bulk.my`)?.[0]?.message).toBe(`round ${rounds - 1}`);
    }
  });

  it('waits for a lock another session holds without blocking, then writes', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const { paths, root, uri } = setup();
    ensureStateDir(paths, 'diagnostics');
    const other = tryLock(keptDiagnosticsLock(paths, root))!;
    const keeper = new DiagnosticsKeeper(paths, root);
    keeper.update(uri('a.my'), [diag(1, 'a')]);
    expect(keeper.writes).toBe(0); // update() returned at once, the change still pending
    expect(readKept(paths, root)).toEqual([]);
    other.release();
    vi.advanceTimersByTime(BUSY_RETRY_MS);
    expect(keeper.writes).toBe(1);
    expect(readKept(paths, root)).toEqual([{ uri: uri('a.my'), diagnostics: [diag(1, 'a')] }]);
  });

  it('takes over the lock of a launcher that was killed holding it', async () => {
    const { paths, root, uri } = setup();
    ensureStateDir(paths, 'diagnostics');
    const lock = keptDiagnosticsLock(paths, root);
    const taker = `import { tryLock } from ${JSON.stringify(`${REPO_ROOT}/dist/install/install-lock.js`)};
      if (!tryLock(process.argv[1])) process.exit(3);`;
    const killed = await run(process.execPath, ['--input-type=module', '-e', taker, lock]);
    expect(killed.code).toBe(0); // it took the lock and exited without releasing it
    const keeper = new DiagnosticsKeeper(paths, root);
    keeper.update(uri('a.my'), [diag(1, 'a')]);
    expect(keeper.writes).toBe(1);
    expect(readKept(paths, root)).toEqual([{ uri: uri('a.my'), diagnostics: [diag(1, 'a')] }]);
  });

  it('takes over the lock of a stopped launcher, which then does not undo what was written', async () => {
    const { paths, root, uri } = setup();
    const env = { ...cleanEnv(), LAUNCHER_HOME: paths.home };
    const { child: stopped, printed, exited } = holder(env, root, 'a.my', 'stop');
    await printed(/^holding$/);
    await expect.poll(() => processProgress(stopped.pid!)?.stopped, { timeout: 5000 }).toBe(true);
    const keeper = new DiagnosticsKeeper(paths, root);
    keeper.update(uri('b.my'), [diag(1, 'b')]);
    keeper.flush(); // waits while the owner is stopped, then takes over
    expect(readKept(paths, root).map((f) => path.basename(f.uri))).toEqual(['b.my']);
    stopped.kill('SIGCONT');
    expect(await exited).toBe(0);
    // Its write redone on what is on disk now: both are kept.
    expect(readKept(paths, root).map((f) => path.basename(f.uri))).toEqual(['a.my', 'b.my']);
  });

  it('waits for a running launcher holding the lock for seconds (a huge write), never taking over', async () => {
    // Past both the take-over and the give-up times: the owner runs.
    const { paths, root, printed, exited, flushedAt } = await flushBehindHolder('busy=3500');
    // Flushed after the owner was done (its lock released after it resumed), not by taking over.
    const resumed = await printed(/^resumed (\d+)$/);
    expect(await exited).toBe(0);
    expect(flushedAt).toBeGreaterThanOrEqual(Number(resumed[1]));
    expect(readKept(paths, root).map((f) => path.basename(f.uri))).toEqual(['a.my', 'b.my']);
  });

  it('takes over from a launcher that holds the lock without doing any work (frozen, hung)', async () => {
    // The owner is not stopped, but its CPU time stands still: taken over.
    const { paths, root, printed, exited, flushedAt } = await flushBehindHolder('stuck=4000');
    expect(readKept(paths, root).map((f) => path.basename(f.uri))).toEqual(['b.my']);
    // Flushed while the owner was still held up: taken over.
    const resumed = await printed(/^resumed (\d+)$/);
    expect(await exited).toBe(0);
    expect(flushedAt).toBeLessThan(Number(resumed[1]));
    // Its write, fenced, is redone on what is on disk: both are kept.
    expect(readKept(paths, root).map((f) => path.basename(f.uri))).toEqual(['a.my', 'b.my']);
  });

  it('reports a lock that stays held by an owner it cannot judge, naming it, and keeps the change', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const { paths, root, uri } = setup();
    ensureStateDir(paths, 'diagnostics');
    const lock = keptDiagnosticsLock(paths, root);
    // A lock that cannot be read (a symbolic link to itself: ELOOP), as another user's would be.
    symlinkSync(path.basename(lock), lock);
    const errors: unknown[] = [];
    const keeper = new DiagnosticsKeeper(paths, root, { onError: (error) => errors.push(error) });
    keeper.update(uri('a.my'), [diag(1, 'a')]);
    vi.advanceTimersByTime(3000 + 2 * BUSY_RETRY_MS);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'E_IO', message: expect.stringContaining(lock) });
    rmSync(lock);
    keeper.flush();
    expect(readKept(paths, root)).toEqual([{ uri: uri('a.my'), diagnostics: [diag(1, 'a')] }]);
  });
});

/**
 * A holder of a new project's lock held up `how` with a.my, then a keeper here writing b.my and
 * flushing: when that flush returned (epoch ms), and the holder's `printed` and `exited`.
 */
async function flushBehindHolder(how: string) {
  const { paths, root, uri } = setup();
  const env = { ...cleanEnv(), LAUNCHER_HOME: paths.home };
  const { printed, exited } = holder(env, root, 'a.my', how);
  await printed(/^holding$/);
  const keeper = new DiagnosticsKeeper(paths, root);
  keeper.update(uri('b.my'), [diag(1, 'b')]);
  keeper.flush();
  return { paths, root, printed, exited, flushedAt: Date.now() };
}

/** A keeper of the project in another process, held up holding the lock (keeper-holder.mjs). */
function holder(env: NodeJS.ProcessEnv, root: string, name: string, how: string) {
  const child = spawn(process.execPath, [HOLDER, root, name, how], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  held.push(child);
  const exited = once(child, 'exit').then(([code]) => code);
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  /** The first line it printed that matches `line`, once it has. */
  const printed = async (line: RegExp) => {
    await expect
      .poll(() => out.split('\n').some((l) => line.test(l)), { timeout: 10_000 })
      .toBe(true);
    return line.exec(out.split('\n').find((l) => line.test(l))!)!;
  };
  return { child, printed, exited };
}

/** Resolves once the process has printed `line`. */
async function said(child: ChildProcess, line: string): Promise<void> {
  let out = '';
  for await (const chunk of child.stdout!) {
    out += chunk;
    if (out.split('\n').includes(line)) return;
  }
  throw new Error(`exited without saying ${line}: ${out}`);
}

describe('readKept', () => {
  it('is empty for a project that never published', () => {
    const { paths, root } = setup();
    expect(readKept(paths, root)).toEqual([]);
  });

  it('sorts by uri and finds the project through a symbolic link', () => {
    const { paths, root, uri } = setup();
    const keeper = new DiagnosticsKeeper(paths, root);
    for (const name of ['c.my', 'a.my', 'b.my']) keeper.update(uri(name), [diag(0, name)]);
    keeper.flush();
    const link = path.join(tempDir('launcher-link-'), 'project');
    symlinkSync(root, link);
    expect(readKept(paths, link).map((f) => f.uri)).toEqual(['a.my', 'b.my', 'c.my'].map(uri));
  });

  it('reads a damaged file as empty and drops malformed entries, never failing', () => {
    const { paths, root, uri } = setup();
    ensureStateDir(paths, 'diagnostics');
    const file = keptDiagnosticsFile(paths, root);
    writeFileSync(file, '{"files": {"a": [');
    expect(readKept(paths, root)).toEqual([]);
    writeFileSync(
      file,
      JSON.stringify({
        files: {
          [uri('a.my')]: [
            diag(1, 'good'),
            { message: 'no range' },
            diag(2, 'bad', { severity: 9 as 1 }),
          ],
          [uri('b.my')]: 'not a list',
          [uri('c.my')]: [{ range: {}, message: 'x' }],
        },
      }),
    );
    expect(readKept(paths, root)).toEqual([{ uri: uri('a.my'), diagnostics: [diag(1, 'good')] }]);
  });

  it('replaces a damaged file on the next write', () => {
    const { paths, root, uri } = setup();
    ensureStateDir(paths, 'diagnostics');
    writeFileSync(keptDiagnosticsFile(paths, root), 'garbage');
    const next = new DiagnosticsKeeper(paths, root);
    next.update(uri('a.my'), [diag(1, 'a')]);
    next.flush();
    expect(readKept(paths, root)).toEqual([{ uri: uri('a.my'), diagnostics: [diag(1, 'a')] }]);
  });
});
