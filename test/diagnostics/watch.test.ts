// Following kept diagnostics through real file-system events, across sessions of the compiler.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Diagnostic, FileDiagnostics } from '../../src/diagnostics/diagnostic.js';
import { DiagnosticsKeeper } from '../../src/diagnostics/keeper.js';
import {
  MAX_READ_SPACING_MS,
  SLOW_READ_SPACING,
  watchKept,
} from '../../src/diagnostics/watch-kept.js';
import { launcherPaths } from '../../src/paths.js';
import { cleanEnv, tempDir } from '../helpers/env.js';

const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
  vi.useRealTimers();
});

function diag(message: string): Diagnostic {
  return { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, message };
}

/** Collects reports; `next()` resolves with the next one (no polling, no sleeps). */
function reports() {
  const queue: FileDiagnostics[][] = [];
  const waiting: ((files: FileDiagnostics[]) => void)[] = [];
  return {
    listener: (files: FileDiagnostics[]) => {
      const resolve = waiting.shift();
      if (resolve) resolve(files);
      else queue.push(files);
    },
    next: () =>
      new Promise<FileDiagnostics[]>((resolve) => {
        const ready = queue.shift();
        if (ready) resolve(ready);
        else waiting.push(resolve);
      }),
    pending: () => queue.length,
  };
}

describe('watchKept', () => {
  it('reports the current set, then each change, across a restart and a new session', async () => {
    const paths = launcherPaths(cleanEnv());
    const root = tempDir('launcher-project-');
    const uri = pathToFileURL(path.join(root, 'a.my')).href;
    const before = new DiagnosticsKeeper(paths, root);
    before.update(uri, [diag('from the last run')]);
    before.close();

    const seen = reports();
    stops.push(watchKept(paths, root, seen.listener, { delayMs: 10 }));
    expect(await seen.next()).toEqual([{ uri, diagnostics: [diag('from the last run')] }]);

    const session1 = new DiagnosticsKeeper(paths, root);
    session1.update(uri, [diag('first session')]);
    session1.flush();
    expect(await seen.next()).toEqual([{ uri, diagnostics: [diag('first session')] }]);
    session1.close();

    const session2 = new DiagnosticsKeeper(paths, root);
    session2.update(uri, []);
    session2.flush();
    expect(await seen.next()).toEqual([]);
  });

  it('ignores other projects and writes that change nothing', async () => {
    const paths = launcherPaths(cleanEnv());
    const root = tempDir('launcher-project-');
    const other = tempDir('launcher-other-');
    const seen = reports();
    stops.push(watchKept(paths, root, seen.listener, { delayMs: 10 }));
    expect(await seen.next()).toEqual([]);

    const elsewhere = new DiagnosticsKeeper(paths, other);
    elsewhere.update(pathToFileURL(path.join(other, 'b.my')).href, [diag('not ours')]);
    elsewhere.flush();
    const same = new DiagnosticsKeeper(paths, root);
    same.update('file:///x', []); // a write with the same (empty) content
    same.flush();
    const ours = pathToFileURL(path.join(root, 'a.my')).href;
    same.update(ours, [diag('ours')]);
    same.flush();
    // The next report is the real change: nothing was reported for the other two writes.
    expect(await seen.next()).toEqual([{ uri: ours, diagnostics: [diag('ours')] }]);
    expect(seen.pending()).toBe(0);
  });

  it('follows the state directory when it is removed and made anew', async () => {
    const paths = launcherPaths(cleanEnv());
    const root = tempDir('launcher-project-');
    const uri = pathToFileURL(path.join(root, 'a.my')).href;
    const seen = reports();
    stops.push(watchKept(paths, root, seen.listener, { delayMs: 10, rearmMs: 10 }));
    expect(await seen.next()).toEqual([]);
    const first = new DiagnosticsKeeper(paths, root);
    first.update(uri, [diag('before')]);
    first.close();
    expect(await seen.next()).toEqual([{ uri, diagnostics: [diag('before')] }]);

    // Someone cleans up the whole state directory: the kept diagnostics are gone.
    rmSync(paths.state, { recursive: true });
    expect(await seen.next()).toEqual([]);

    // The next compiler run makes the directories again and writes there.
    for (const message of ['after', 'and again']) {
      const next = new DiagnosticsKeeper(paths, root);
      next.update(uri, [diag(message)]);
      next.close();
      expect(await seen.next()).toEqual([{ uri, diagnostics: [diag(message)] }]);
    }
  });

  it.each([
    ['five times as long as a slow read took', 40, SLOW_READ_SPACING * 40],
    ['MAX_READ_SPACING_MS at most, however slow the read', 200, MAX_READ_SPACING_MS],
  ])('waits %s before reading again', async (_name, cost, wait) => {
    // Only the clock is faked: the file-system events are real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const paths = launcherPaths(cleanEnv());
    const root = tempDir('launcher-project-');
    const uri = pathToFileURL(path.join(root, 'a.my')).href;
    const seen: FileDiagnostics[][] = [];
    // Each report takes `cost` ms of the (fake) clock, as reading a large kept file would.
    const listener = (files: FileDiagnostics[]) => {
      seen.push(files);
      vi.advanceTimersByTime(cost);
    };
    stops.push(watchKept(paths, root, listener, { delayMs: 10 }));
    expect(seen).toEqual([[]]);

    const keeper = new DiagnosticsKeeper(paths, root);
    keeper.update(uri, [diag('slow')]);
    keeper.close();
    // Until the write's event arrives (vi.waitFor would move the fake clock on).
    while (vi.getTimerCount() === 0) await new Promise((resolve) => setImmediate(resolve));
    vi.advanceTimersByTime(wait - 1);
    expect(seen).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual([[], [{ uri, diagnostics: [diag('slow')] }]]);
  });
});
