// Deadlines a connected child must meet: readiness (a server announces its port) and heartbeats.
import type { Clock, TimerHandle } from './clock.js';

/** Which promise a child broke, and in words, for the log line. */
export type HungCause = 'ready-timeout' | 'heartbeat-timeout';

/**
 * Watches one child. Any message from the child counts as a heartbeat: it proves the child's
 * event loop turns, which is all a heartbeat can say. Timers are set for the next deadline only,
 * so a flood of messages costs one clock read each.
 */
export class ChildWatch {
  readonly #clock: Clock;
  readonly #onHung: (cause: HungCause, detail: string) => void;
  #readyTimer: TimerHandle | undefined;
  #heartbeatTimer: TimerHandle | undefined;
  #heartbeatMs = 0;
  #lastSeen: number;

  constructor(clock: Clock, onHung: (cause: HungCause, detail: string) => void) {
    this.#clock = clock;
    this.#onHung = onHung;
    this.#lastSeen = clock.now();
  }

  /** The child must announce readiness by `deadline` (clock time). */
  expectReady(deadline: number, timeoutMs: number): void {
    this.#clear('ready');
    this.#readyTimer = this.#clock.setTimeout(
      () => {
        this.#readyTimer = undefined;
        this.#onHung('ready-timeout', `did not report ready within ${timeoutMs} ms`);
      },
      Math.max(0, deadline - this.#clock.now()),
    );
  }

  ready(): void {
    this.#clear('ready');
  }

  /** The child promised a heartbeat every `intervalMs`; three missed intervals mean hung. */
  expectHeartbeats(intervalMs: number): void {
    this.#heartbeatMs = intervalMs;
    this.#lastSeen = this.#clock.now();
    this.#armHeartbeat();
  }

  sawMessage(): void {
    this.#lastSeen = this.#clock.now();
  }

  /** The channel closed: no more heartbeats can come, so none are expected. */
  stopHeartbeats(): void {
    this.#heartbeatMs = 0;
    this.#clear('heartbeat');
  }

  dispose(): void {
    this.#clear('ready');
    this.stopHeartbeats();
  }

  #armHeartbeat(): void {
    const limit = 3 * this.#heartbeatMs;
    const wait = Math.max(0, this.#lastSeen + limit - this.#clock.now());
    this.#heartbeatTimer = this.#clock.setTimeout(() => {
      this.#heartbeatTimer = undefined;
      if (this.#heartbeatMs === 0) return;
      const silent = this.#clock.now() - this.#lastSeen;
      if (silent >= limit) this.#onHung('heartbeat-timeout', `sent no heartbeat for ${silent} ms`);
      else this.#armHeartbeat();
    }, wait);
  }

  #clear(which: 'ready' | 'heartbeat'): void {
    const timer = which === 'ready' ? this.#readyTimer : this.#heartbeatTimer;
    if (timer !== undefined) this.#clock.clearTimeout(timer);
    if (which === 'ready') this.#readyTimer = undefined;
    else this.#heartbeatTimer = undefined;
  }
}
