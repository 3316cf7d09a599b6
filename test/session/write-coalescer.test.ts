// The write coalescer on a faked clock: leading and trailing writes, and slow writes spaced out.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  BUSY_RETRY_MS,
  MAX_WRITE_SPACING_MS,
  SLOW_WRITE_SPACING,
  WriteCoalescer,
} from '../../src/session/write-coalescer.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('WriteCoalescer', () => {
  it('writes the first change at once and the rest of a burst one interval later', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    let writes = 0;
    const writer = new WriteCoalescer(() => writes++, { intervalMs: 100 });
    writer.touch();
    writer.touch();
    writer.touch();
    expect(writes).toBe(1);
    vi.advanceTimersByTime(99);
    expect(writes).toBe(1);
    vi.advanceTimersByTime(1);
    expect(writes).toBe(2);
    expect(writer.pending).toBe(false);
  });

  it('spaces writes by ten times what the last one took, when that is more than the interval', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    let writes = 0;
    // Each write takes 30 ms: the next may start 300 ms after the last one started.
    const writer = new WriteCoalescer(
      () => {
        writes++;
        vi.advanceTimersByTime(30);
      },
      { intervalMs: 100 },
    );
    writer.touch(); // written at once, and the clock is now 30 ms on
    writer.touch();
    expect(writes).toBe(1);
    vi.advanceTimersByTime(SLOW_WRITE_SPACING * 30 - 30 - 1);
    expect(writes).toBe(1);
    vi.advanceTimersByTime(1);
    expect(writes).toBe(2);
    // flush() still writes at once: an exit never waits for the spacing.
    writer.touch();
    writer.flush();
    expect(writes).toBe(3);
  });

  it('spaces writes by MAX_WRITE_SPACING_MS at most, however slow they are', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    let writes = 0;
    const writer = new WriteCoalescer(
      () => {
        writes++;
        vi.advanceTimersByTime(200);
      },
      { intervalMs: 100 },
    );
    writer.touch();
    writer.touch();
    vi.advanceTimersByTime(MAX_WRITE_SPACING_MS - 200 - 1);
    expect(writes).toBe(1);
    vi.advanceTimersByTime(1);
    expect(writes).toBe(2);
  });

  it('goes back to the interval once writes are fast again', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    let cost = 50;
    let writes = 0;
    const writer = new WriteCoalescer(
      () => {
        writes++;
        vi.advanceTimersByTime(cost);
      },
      { intervalMs: 100 },
    );
    writer.touch(); // slow: 50 ms
    cost = 0;
    vi.advanceTimersByTime(1000);
    writer.touch(); // idle long enough: at once, and fast
    expect(writes).toBe(2);
    writer.touch();
    vi.advanceTimersByTime(100);
    expect(writes).toBe(3);
  });

  it('measures on the monotonic clock: setting the wall clock back does not hold writes up', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    let writes = 0;
    const writer = new WriteCoalescer(() => writes++, { intervalMs: 100 });
    writer.touch();
    vi.setSystemTime(Date.now() - 3_600_000); // an hour back
    writer.touch();
    vi.advanceTimersByTime(100);
    expect(writes).toBe(2);
  });

  it('keeps a change tryWrite could not make, tries it again soon, and waits on flush()', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const calls: string[] = [];
    let busy = true;
    const writer = new WriteCoalescer(() => calls.push('write'), {
      intervalMs: 100,
      tryWrite: () => {
        calls.push(busy ? 'busy' : 'tried');
        return !busy;
      },
    });
    writer.touch();
    expect(calls).toEqual(['busy']);
    expect(writer.pending).toBe(true);
    expect(writer.writes).toBe(0);
    busy = false;
    vi.advanceTimersByTime(BUSY_RETRY_MS);
    expect(calls).toEqual(['busy', 'tried']);
    expect(writer.pending).toBe(false);
    expect(writer.writes).toBe(1);
    busy = true;
    writer.touch(); // within the interval: tried when it ends, and busy then
    vi.advanceTimersByTime(100);
    expect(writer.pending).toBe(true);
    writer.flush(); // must write now: the write that waits
    expect(calls).toEqual(['busy', 'tried', 'busy', 'write']);
    expect(writer.pending).toBe(false);
    expect(writer.writes).toBe(2);
  });
});
