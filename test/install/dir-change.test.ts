// Waiting for a directory to change (src/install/dir-change.ts), on a real directory.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirChange } from '../../src/install/dir-change.js';
import { tempDir } from '../helpers/env.js';
import { within } from '../helpers/within.js';

// Resolves to how a wait ended: 'ended' (a change, an abort, a close) before `ms`, or not.
const outcome = (wait: Promise<void>, ms: number) =>
  within(
    wait.then(() => 'ended' as const),
    ms,
    'still waiting' as const,
  );

describe('DirChange', () => {
  it('ends a wait when an entry of the directory is created, removed or renamed', async () => {
    const dir = tempDir();
    const change = DirChange.watch(dir)!;
    try {
      for (const act of [
        () => writeFileSync(path.join(dir, 'a'), ''),
        () => mkdirSync(path.join(dir, 'sub')),
        () => rmSync(path.join(dir, 'sub'), { recursive: true }),
      ]) {
        change.reset();
        const wait = change.wait(60_000);
        setTimeout(act, 20);
        expect(await outcome(wait, 10_000)).toBe('ended');
      }
    } finally {
      change.close();
    }
  });

  it('does not miss a change made between reset() and wait()', async () => {
    const dir = tempDir();
    const change = DirChange.watch(dir)!;
    try {
      change.reset();
      writeFileSync(path.join(dir, 'a'), '');
      // The event arrives on the event loop: let it.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await outcome(change.wait(60_000), 1000)).toBe('ended');
    } finally {
      change.close();
    }
  });

  it('ends a wait without a change after its timeout, when the next begins, on abort, on close', async () => {
    const dir = tempDir();
    const change = DirChange.watch(dir)!;
    change.reset();
    expect(await outcome(change.wait(20), 10_000)).toBe('ended');
    const first = change.wait(60_000);
    expect(await outcome(first, 100)).toBe('still waiting');
    const second = change.wait(60_000);
    expect(await outcome(first, 10_000)).toBe('ended');
    expect(await outcome(second, 100)).toBe('still waiting');

    const controller = new AbortController();
    const aborted = change.wait(60_000, controller.signal);
    controller.abort();
    expect(await outcome(aborted, 10_000)).toBe('ended');

    const closed = change.wait(60_000);
    change.close();
    expect(await outcome(closed, 10_000)).toBe('ended');
  });

  it('cannot watch a directory that is not there', () => {
    expect(DirChange.watch(path.join(tempDir(), 'missing'))).toBeUndefined();
  });
});
