// Time, injectable: the supervisor's timers run on a Clock so tests can drive them by hand.
import { MAX_TIMER_MS } from '../util/max-timer.js';

/** An opaque timer handle, whatever the clock's timers are. */
export type TimerHandle = unknown;

/** What the supervisor needs of time: the current instant and one-shot timers. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock. A delay beyond what a timer keeps waits as long as one can. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, Math.min(ms, MAX_TIMER_MS)),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
