// What the running child tells the supervisor, and whether it keeps the promises of its hello.
import {
  type HelloParams,
  Methods,
  type PublishDiagnosticsParams,
  type ReadyParams,
} from '../ipc/protocol.js';
import { checkDiagnostics, checkLog, checkReady } from '../ipc/validate.js';
import type { ChildRun } from './child-run.js';
import { ChildWatch, type HungCause } from './child-watch.js';
import type { Clock, TimerHandle } from './clock.js';
import type { ChildHello, ReadyInfo, SupervisorEvents } from './types.js';

/** The supervisor's side of one child's reports, narrowed to what they may change. */
export interface ReportsHost {
  emit<K extends keyof SupervisorEvents>(event: K, ...args: SupervisorEvents[K]): void;
  /** The child is up: a hello without a server, a `launcher/ready`, or no connection in time. */
  ready(): void;
  diagnostics(params: PublishDiagnosticsParams): void;
  hung(cause: HungCause, detail: string): void;
  /**
   * A notification broke the protocol and was dropped; `firstOfItsKind` for the first of that
   * method from this child (the one worth a log line).
   */
  invalid(method: string, reason: string, firstOfItsKind: boolean): void;
}

export interface ReportsTimes {
  clock: Clock;
  /** 0: no readiness deadline. */
  readyTimeoutMs: number;
  /** A child with no connection by then is a plain program. */
  helloTimeoutMs: number;
}

/**
 * One child's hello and readiness as it reported them, its notifications turned into events,
 * and the deadlines it agreed to (readiness, heartbeats). Made at spawn, disposed at its end.
 */
export class ChildReports {
  hello: ChildHello | null = null;
  ready: ReadyInfo | null = null;
  readonly #run: ChildRun;
  readonly #times: ReportsTimes;
  readonly #host: ReportsHost;
  readonly #watch: ChildWatch;
  readonly #connectWindow: TimerHandle;
  readonly #invalidSeen = new Set<string>();

  constructor(run: ChildRun, times: ReportsTimes, host: ReportsHost) {
    this.#run = run;
    this.#times = times;
    this.#host = host;
    this.#watch = new ChildWatch(times.clock, (cause, detail) => host.hung(cause, detail));
    this.#connectWindow = times.clock.setTimeout(() => {
      if (!run.connection) host.ready();
    }, times.helloTimeoutMs);
  }

  /** The hello was accepted: show it, and hold the child to what it promised. */
  accepted(hello: HelloParams): void {
    const { token: _secret, ...shown } = hello;
    this.hello = shown;
    this.#host.emit('connected', shown);
    if (hello.heartbeatMs) this.#watch.expectHeartbeats(hello.heartbeatMs);
    const { readyTimeoutMs } = this.#times;
    if (hello.server && readyTimeoutMs > 0)
      this.#watch.expectReady(this.#run.startedAt + readyTimeoutMs, readyTimeoutMs);
    if (!hello.server) this.#host.ready();
  }

  /**
   * One notification. Any message is a sign of life; heartbeats need nothing more. Params that
   * break the protocol are reported and dropped, and unknown notifications ignored.
   */
  notification(method: string, params: unknown): void {
    this.#watch.sawMessage();
    const host = this.#host;
    if (method === Methods.publishDiagnostics) {
      const checked = checkDiagnostics(params);
      if (checked.ok) host.diagnostics(checked.value);
      else this.#invalid(method, checked.reason);
    } else if (method === Methods.ready) {
      const checked = checkReady(params);
      if (checked.ok) this.#announced(checked.value);
      else this.#invalid(method, checked.reason);
    } else if (method === Methods.log) {
      const checked = checkLog(params);
      if (checked.ok) host.emit('log', checked.value);
      else this.#invalid(method, checked.reason);
    }
  }

  #invalid(method: string, reason: string): void {
    const first = !this.#invalidSeen.has(method);
    this.#invalidSeen.add(method);
    this.#host.invalid(method, reason, first);
  }

  #announced({ port, host, url }: ReadyParams): void {
    this.#watch.ready();
    this.ready = { port, host: host ?? null, url: url ?? null };
    this.#host.emit('ready', this.ready);
    this.#host.ready();
  }

  /** The channel closed: no heartbeats can come any more (the readiness deadline stays). */
  disconnected(): void {
    this.#watch.stopHeartbeats();
    this.#host.emit('disconnected');
  }

  dispose(): void {
    this.#times.clock.clearTimeout(this.#connectWindow);
    this.#watch.dispose();
  }
}
