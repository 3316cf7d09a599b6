// Time, injectable: the supervisor's timers run on a Clock so tests can drive them by hand.

/** An opaque timer handle, whatever the clock's timers are. */
export type TimerHandle = unknown;

/** What the supervisor needs of time: the current instant and one-shot timers. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
