// Backoff, start limit and reset, on a clock the test moves by hand.
import { describe, expect, it } from 'vitest';
import {
  type ExitCause,
  type RestartLimits,
  RestartTracker,
  shouldRestart,
} from '../../src/supervisor/restart-policy.js';
import { FakeClock } from './fake-clock.js';

const SPEC: RestartLimits = {
  maxRestarts: 5,
  restartWindowMs: 60_000,
  backoffBaseMs: 200,
  backoffMaxMs: 30_000,
  backoffResetMs: 30_000,
  random: () => 0.5,
};

function tracker(limits: Partial<RestartLimits> = {}) {
  const clock = new FakeClock();
  return { clock, tracker: new RestartTracker({ ...SPEC, ...limits }, clock) };
}

describe('backoff', () => {
  it('doubles from 200 ms per consecutive crash and stops at 30 s', () => {
    const { tracker: t } = tracker();
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => t.delayFor(n))).toEqual([
      200, 400, 800, 1600, 3200, 6400, 12_800, 25_600, 30_000, 30_000,
    ]);
  });

  it('adds up to 20 % of jitter either way, never beyond the cap', () => {
    const low = tracker({ random: () => 0 }).tracker;
    const high = tracker({ random: () => 0.999_999 }).tracker;
    expect(low.delayFor(1)).toBe(160);
    expect(high.delayFor(1)).toBe(240);
    expect(high.delayFor(20)).toBe(30_000);
  });

  it('is zero with a zero base, for benchmarks and tests', () => {
    expect(tracker({ backoffBaseMs: 0 }).tracker.delayFor(7)).toBe(0);
  });

  it('grows with each crash in a run of crashes', () => {
    const { clock, tracker: t } = tracker();
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = clock.now();
      clock.advance(1000);
      const decision = t.onCrash(started);
      if (decision.restart) delays.push(decision.delayMs);
    }
    expect(delays).toEqual([200, 400, 800]);
  });
});

describe('start limit', () => {
  it('allows maxRestarts restarts within the window, then gives up counting every crash', () => {
    const { clock, tracker: t } = tracker({ maxRestarts: 3 });
    const decisions = [];
    for (let i = 0; i < 4; i++) {
      const started = clock.now();
      clock.advance(100);
      decisions.push(t.onCrash(started));
    }
    expect(decisions.map((d) => d.restart)).toEqual([true, true, true, false]);
    expect(decisions[3]).toEqual({ restart: false, crashes: 4 });
  });

  it('forgets restarts that fall out of the sliding window', () => {
    const { clock, tracker: t } = tracker({ maxRestarts: 2, restartWindowMs: 10_000 });
    const crashAfter = (ms: number) => {
      const started = clock.now();
      clock.advance(ms);
      return t.onCrash(started).restart;
    };
    expect([crashAfter(100), crashAfter(100)]).toEqual([true, true]);
    expect(crashAfter(100)).toBe(false);
    // 10 s after the first restart it has left the window: one more is allowed.
    clock.advance(9_800);
    expect(crashAfter(100)).toBe(true);
  });

  it('gives up at the first crash when no restart is allowed', () => {
    const { clock, tracker: t } = tracker({ maxRestarts: 0 });
    expect(t.onCrash(clock.now())).toEqual({ restart: false, crashes: 1 });
  });
});

describe('reset after 30 s up', () => {
  it('starts backoff and the crash count over for a child that stayed up 30 s', () => {
    const { clock, tracker: t } = tracker({ maxRestarts: 2 });
    for (let i = 0; i < 2; i++) {
      const started = clock.now();
      clock.advance(100);
      t.onCrash(started);
    }
    const started = clock.now();
    clock.advance(30_000);
    expect(t.onCrash(started)).toEqual({ restart: true, delayMs: 200, attempt: 1 });
  });

  it('keeps counting for a child that crashed a moment before 30 s', () => {
    const { clock, tracker: t } = tracker();
    const first = clock.now();
    clock.advance(100);
    t.onCrash(first);
    const second = clock.now();
    clock.advance(29_999);
    expect(t.onCrash(second)).toMatchObject({ restart: true, delayMs: 400, attempt: 2 });
  });
});

describe('restart policies', () => {
  const causes: ExitCause[] = [
    'exited',
    'failed',
    'killed',
    'signaled',
    'ready-timeout',
    'heartbeat-timeout',
    'stopped',
    'spawn-failed',
  ];
  const restarted = (policy: Parameters<typeof shouldRestart>[0]) =>
    causes.filter((cause) => shouldRestart(policy, cause));

  it('"no" restarts nothing', () => {
    expect(restarted('no')).toEqual([]);
  });
  it('"on-abnormal" restarts signals nobody sent and hung children', () => {
    expect(restarted('on-abnormal')).toEqual(['killed', 'ready-timeout', 'heartbeat-timeout']);
  });
  it('"on-failure" adds non-zero exit codes', () => {
    expect(restarted('on-failure')).toEqual([
      'failed',
      'killed',
      'ready-timeout',
      'heartbeat-timeout',
    ]);
  });
  it('"always" restarts any end nobody asked for', () => {
    expect(restarted('always')).toEqual([
      'exited',
      'failed',
      'killed',
      'ready-timeout',
      'heartbeat-timeout',
    ]);
  });
});
