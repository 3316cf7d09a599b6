// Deadlines a connected child must meet: readiness (a server announces its port) and heartbeats.
import type { Clock, TimerHandle } from './clock.js';

/** Which promise a child broke, and in words, for the log line. */
export type HungCause = 'ready-timeout' | 'heartbeat-timeout';

// The watch wakes at least this often while a deadline is pending (and at least once per
// heartbeat interval), so that a wake-up that comes late is noticed.
const TICK_MS = 1000;

/**
 * Watches one child. Any message from the child counts as a heartbeat: it proves the child's
 * event loop turns, which is all a heartbeat can say. A message costs one clock read; one timer
 * is set, for the nearest deadline or the next tick, whichever is sooner.
 *
 * Deadlines count only the time the launcher ran: a timer that fires later than it was set for
 * means the launcher was not running (stopped by Ctrl-Z or SIGSTOP, together with the child or
 * not, or its event loop held up), and every deadline moves back by that much. Messages sent
 * meanwhile wait unread in the socket, so the child's silence then says nothing. At most one
 * tick of such a pause (the part before the timer was due) still counts.
 */
export class ChildWatch {
  readonly #clock: Clock;
  readonly #onHung: (cause: HungCause, detail: string) => void;
  #timer: TimerHandle | undefined;
  /** When the timer is due, on the clock. */
  #due = 0;
  #readyDeadline: number | undefined;
  #readyTimeoutMs = 0;
  #heartbeatMs = 0;
  #lastSeen: number;

  constructor(clock: Clock, onHung: (cause: HungCause, detail: string) => void) {
    this.#clock = clock;
    this.#onHung = onHung;
    this.#lastSeen = clock.now();
  }

  /** The child must announce readiness by `deadline` (clock time). */
  expectReady(deadline: number, timeoutMs: number): void {
    this.#readyDeadline = deadline;
    this.#readyTimeoutMs = timeoutMs;
    this.#arm();
  }

  ready(): void {
    this.#readyDeadline = undefined;
    this.#arm();
  }

  /** The child promised a heartbeat every `intervalMs`; three missed intervals mean hung. */
  expectHeartbeats(intervalMs: number): void {
    this.#heartbeatMs = intervalMs;
    this.#lastSeen = this.#clock.now();
    this.#arm();
  }

  sawMessage(): void {
    this.#lastSeen = this.#clock.now();
  }

  /** The channel closed: no more heartbeats can come, so none are expected. */
  stopHeartbeats(): void {
    this.#heartbeatMs = 0;
    this.#arm();
  }

  dispose(): void {
    this.#readyDeadline = undefined;
    this.#heartbeatMs = 0;
    this.#arm();
  }

  // (Re)set the one timer: for the nearest deadline, or the next tick if that is sooner.
  #arm(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    const heartbeat = this.#heartbeatMs > 0 ? this.#lastSeen + 3 * this.#heartbeatMs : Infinity;
    const next = Math.min(this.#readyDeadline ?? Infinity, heartbeat);
    if (next === Infinity) return;
    const now = this.#clock.now();
    const tick = this.#heartbeatMs > 0 ? Math.min(TICK_MS, this.#heartbeatMs) : TICK_MS;
    const wait = Math.min(Math.max(0, next - now), tick);
    this.#due = now + wait;
    this.#timer = this.#clock.setTimeout(() => this.#wake(), wait);
  }

  #wake(): void {
    this.#timer = undefined;
    const now = this.#clock.now();
    const paused = Math.max(0, now - this.#due);
    if (this.#readyDeadline !== undefined) this.#readyDeadline += paused;
    this.#lastSeen += paused;
    const silent = now - this.#lastSeen;
    if (this.#readyDeadline !== undefined && now >= this.#readyDeadline)
      this.#hung('ready-timeout', `did not report ready within ${this.#readyTimeoutMs} ms`);
    else if (this.#heartbeatMs > 0 && silent >= 3 * this.#heartbeatMs)
      this.#hung('heartbeat-timeout', `sent no heartbeat for ${silent} ms`);
    else this.#arm();
  }

  // One verdict is enough: the child is being stopped, nothing more is watched.
  #hung(cause: HungCause, detail: string): void {
    this.dispose();
    this.#onHung(cause, detail);
  }
}
