// When a child that ended is started again, after how long, and when to give up (spec §6).
import type { Clock } from './clock.js';

/** `LAUNCHER_RESTART`: which endings bring a child back. */
export type RestartPolicy = 'no' | 'on-abnormal' | 'on-failure' | 'always';
export const RESTART_POLICIES: readonly RestartPolicy[] = [
  'no',
  'on-abnormal',
  'on-failure',
  'always',
];

/**
 * Why a child ended, as the supervisor saw it:
 * - `exited`: code 0, nobody asked it to; `failed`: a non-zero code, nobody asked;
 * - `killed`: a signal the launcher did not send; `signaled`: a signal sent through `signal()`
 *   or passed on by the launcher, any end after a SIGQUIT passed on (Ctrl-\), or SIGPIPE (the
 *   reader of the child's output went away);
 * - `ready-timeout`, `heartbeat-timeout`: judged hung and killed;
 * - `stopped`: asked to stop (stop, restart); `spawn-failed`: it could not be started at all.
 */
export type ExitCause =
  | 'exited'
  | 'failed'
  | 'killed'
  | 'signaled'
  | 'ready-timeout'
  | 'heartbeat-timeout'
  | 'stopped'
  | 'spawn-failed';

const ABNORMAL: ReadonlySet<ExitCause> = new Set(['killed', 'ready-timeout', 'heartbeat-timeout']);

/** Whether an ending with this cause is restarted under this policy. */
export function shouldRestart(policy: RestartPolicy, cause: ExitCause): boolean {
  switch (policy) {
    case 'no':
      return false;
    case 'on-abnormal':
      return ABNORMAL.has(cause);
    case 'on-failure':
      return ABNORMAL.has(cause) || cause === 'failed';
    case 'always':
      return ABNORMAL.has(cause) || cause === 'failed' || cause === 'exited';
  }
}

/** The numbers behind restarts; defaults are the spec's. */
export interface RestartLimits {
  /** Restarts allowed within `restartWindowMs` (default 5). */
  maxRestarts: number;
  restartWindowMs: number;
  /** First backoff delay (default 200 ms); 0 restarts at once, for benchmarks and tests. */
  backoffBaseMs: number;
  /** Longest backoff delay (default 30 s). */
  backoffMaxMs: number;
  /** A child up this long (default 30 s) counts as healthy: backoff and crash count start over. */
  backoffResetMs: number;
  /** Source of jitter in [0, 1); injectable so tests can pin it. */
  random: () => number;
}

export type RestartDecision =
  | { restart: true; delayMs: number; attempt: number }
  | { restart: false; crashes: number };

/**
 * Keeps the crash history of one supervisor. Each crash either earns a restart (with a delay
 * that doubles per consecutive crash, ±20 % jitter, capped) or, when the window already holds
 * `maxRestarts` restarts, the decision to give up.
 */
export class RestartTracker {
  readonly #limits: RestartLimits;
  readonly #clock: Clock;
  #restartTimes: number[] = [];
  #attempt = 0;

  constructor(limits: RestartLimits, clock: Clock) {
    this.#limits = limits;
    this.#clock = clock;
  }

  /** Record a crash of a child that was spawned at `startedAt` (clock time). */
  onCrash(startedAt: number): RestartDecision {
    const now = this.#clock.now();
    const limits = this.#limits;
    if (now - startedAt >= limits.backoffResetMs) this.reset();
    this.#restartTimes = this.#restartTimes.filter((t) => now - t < limits.restartWindowMs);
    if (this.#restartTimes.length >= limits.maxRestarts) {
      return { restart: false, crashes: this.#restartTimes.length + 1 };
    }
    this.#restartTimes.push(now);
    this.#attempt += 1;
    return { restart: true, delayMs: this.delayFor(this.#attempt), attempt: this.#attempt };
  }

  /** The backoff before restart number `attempt` (1-based) of a run of crashes. */
  delayFor(attempt: number): number {
    const { backoffBaseMs, backoffMaxMs, random } = this.#limits;
    const nominal = Math.min(backoffMaxMs, backoffBaseMs * 2 ** (attempt - 1));
    return Math.round(Math.min(backoffMaxMs, nominal * (0.8 + 0.4 * random())));
  }

  /** Forget the history, as after a child that stayed up or a restart someone asked for. */
  reset(): void {
    this.#restartTimes = [];
    this.#attempt = 0;
  }
}
