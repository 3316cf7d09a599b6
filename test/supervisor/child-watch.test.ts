// Readiness and heartbeat deadlines, on a clock the test moves by hand.
import { describe, expect, it } from 'vitest';
import { ChildWatch, type HungCause } from '../../src/supervisor/child-watch.js';
import { FakeClock } from './fake-clock.js';

function watch() {
  const clock = new FakeClock();
  const hung: [HungCause, string][] = [];
  const w = new ChildWatch(clock, (cause, detail) => hung.push([cause, detail]));
  return { clock, hung, w };
}

describe('heartbeats', () => {
  it('judge a child hung after three intervals without a message, not before', () => {
    const { clock, hung, w } = watch();
    w.expectHeartbeats(100);
    clock.advance(299);
    expect(hung).toEqual([]);
    clock.advance(1);
    expect(hung).toEqual([['heartbeat-timeout', 'sent no heartbeat for 300 ms']]);
  });

  it('count any message as a sign of life', () => {
    const { clock, hung, w } = watch();
    w.expectHeartbeats(100);
    for (let i = 0; i < 10; i++) {
      clock.advance(250);
      w.sawMessage();
    }
    expect(hung).toEqual([]);
    clock.advance(300);
    expect(hung).toHaveLength(1);
  });

  it('do not count the time the launcher was stopped, beyond the tick before it', () => {
    const { clock, hung, w } = watch();
    w.expectHeartbeats(1000);
    clock.advance(500);
    // Ctrl-Z, then `fg` 4488 ms later: the timer due at 1000 fires then, 3988 ms late.
    clock.pause(4488);
    clock.advance(0);
    expect(hung).toEqual([]);
    // Counted: the 500 ms before the stop, and its first 500 ms (before the timer was due).
    clock.advance(1999);
    expect(hung).toEqual([]);
    clock.advance(1);
    expect(hung).toEqual([['heartbeat-timeout', 'sent no heartbeat for 3000 ms']]);
  });

  it('still judge a child hung whose launcher runs on time', () => {
    const { clock, hung, w } = watch();
    w.expectHeartbeats(5000);
    for (let i = 0; i < 14; i++) clock.advance(1000);
    expect(hung).toEqual([]);
    clock.advance(1000);
    expect(hung).toEqual([['heartbeat-timeout', 'sent no heartbeat for 15000 ms']]);
  });

  it('are no longer expected once the channel has closed', () => {
    const { clock, hung, w } = watch();
    w.expectHeartbeats(100);
    w.stopHeartbeats();
    clock.advance(10_000);
    expect(hung).toEqual([]);
  });
});

describe('readiness', () => {
  it('judges a child hung at the deadline unless it reported ready', () => {
    const late = watch();
    late.w.expectReady(late.clock.now() + 1000, 1000);
    late.clock.advance(1000);
    expect(late.hung).toEqual([['ready-timeout', 'did not report ready within 1000 ms']]);

    const prompt = watch();
    prompt.w.expectReady(prompt.clock.now() + 1000, 1000);
    prompt.clock.advance(999);
    prompt.w.ready();
    prompt.clock.advance(10_000);
    expect(prompt.hung).toEqual([]);
  });

  it('counts the deadline from the start, even when the hello came late', () => {
    const { clock, hung, w } = watch();
    const start = clock.now();
    clock.advance(800);
    w.expectReady(start + 1000, 1000);
    clock.advance(200);
    expect(hung).toHaveLength(1);
  });

  it('moves the deadline back by the time the launcher was stopped', () => {
    const { clock, hung, w } = watch();
    w.expectReady(clock.now() + 30_000, 30_000);
    clock.advance(10_000);
    // Stopped for 40 s; the tick due 1 s into the stop fires 39 s late.
    clock.pause(40_000);
    clock.advance(0);
    expect(hung).toEqual([]);
    clock.advance(18_999);
    expect(hung).toEqual([]);
    clock.advance(1);
    expect(hung).toEqual([['ready-timeout', 'did not report ready within 30000 ms']]);
  });

  it('stops everything when disposed', () => {
    const { clock, hung, w } = watch();
    w.expectReady(clock.now() + 100, 100);
    w.expectHeartbeats(10);
    w.dispose();
    clock.advance(10_000);
    expect(hung).toEqual([]);
    expect(clock.pending()).toEqual([]);
  });
});
