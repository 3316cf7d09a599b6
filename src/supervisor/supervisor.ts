// The Supervisor: runs one child under the contract of spec §6, controlled like a systemd unit.

import { EventEmitter } from 'node:events';
import { constants as osConstants } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { isatty } from 'node:tty';
import { LauncherError } from '../errors.js';
import { HELLO_TIMEOUT_MS, type PublishDiagnosticsParams } from '../ipc/protocol.js';
import { newToken } from '../ipc/token.js';
import { isRpcParams } from '../ipc/validate.js';
import { launcherPaths } from '../paths.js';
import { newSessionId } from '../session/session.js';
import { ownStderr } from '../util/own-stderr.js';
import { ChildEndpoint } from './child-endpoint.js';
import { ChildReports } from './child-reports.js';
import { type ChildEnd, ChildRun } from './child-run.js';
import type { HungCause } from './child-watch.js';
import { type Clock, systemClock, type TimerHandle } from './clock.js';
import { ControlQueue } from './control-queue.js';
import { describeEnd } from './describe.js';
import { type RestartPolicy, RestartTracker, shouldRestart } from './restart-policy.js';
import { DEFAULT_SETTINGS } from './settings.js';
import { childEnv, type SpawnPlan } from './spawn-child.js';
import { checkSupervisorOptions } from './supervisor-options.js';
import {
  FINAL_STATES,
  type SupervisorEvents,
  type SupervisorOptions,
  type SupervisorOutcome,
  type SupervisorSnapshot,
  type SupervisorState,
} from './types.js';

// Signals a terminal sends to its whole foreground group: a child sharing it got its own copy.
const TERMINAL_SIGNALS: ReadonlySet<string> = new Set(['SIGINT', 'SIGQUIT', 'SIGHUP']);

/**
 * Supervises one child program. Controls (`start`, `stop`, `restart`, `signal`) run one at a
 * time in the order sent, each promise settling when that control has been carried out; the
 * supervisor's own steps (handling a crash, restarting after the backoff) go through the same
 * queue, so a stop during a backoff cancels the restart and a new child never starts before
 * the old one and its process group are gone.
 */
export class Supervisor extends EventEmitter<SupervisorEvents> {
  /**
   * The children's stdout and stderr, across restarts, when `stdio` is `pipe`; else null. Read
   * them while the child runs: they are piped with backpressure, and wait() does not settle
   * while output waits to be read (protocol §11). They never end by themselves (a later
   * start() reuses them): once wait() has settled they hold every byte, and a reader that needs
   * an end calls `end()` on them.
   */
  readonly stdout: PassThrough | null;
  readonly stderr: PassThrough | null;
  readonly session: string;
  readonly #options: SupervisorOptions;
  readonly #name: string;
  readonly #clock: Clock;
  readonly #policy: RestartPolicy;
  readonly #stopTimeoutMs: number;
  readonly #readyTimeoutMs: number;
  readonly #helloTimeoutMs: number;
  readonly #group: 'own' | 'shared';
  readonly #maxRestarts: number;
  readonly #tracker: RestartTracker;
  readonly #queue = new ControlQueue(() => this.#settleWaiters());
  readonly #diagnostics = new Map<string, PublishDiagnosticsParams>();
  #waiters: ((outcome: SupervisorOutcome) => void)[] = [];
  #state: SupervisorState = 'exited';
  #run: ChildRun | undefined;
  #reports: ChildReports | undefined;
  #endpoint: ChildEndpoint | undefined;
  #restarts = 0;
  #startedAt: number | null = null;
  #lastEnd: ChildEnd | undefined;
  #outcome: SupervisorOutcome | undefined;
  #backoffTimer: TimerHandle | undefined;
  /** The child that crashed last, until the next start clears what it left (#clearLeftovers). */
  #crashed: ChildRun | undefined;
  #generation = 0;

  /** Throws E_USAGE, naming the option, when an option is not what it takes. */
  constructor(options: SupervisorOptions) {
    super();
    checkSupervisorOptions(options);
    this.#options = options;
    this.#name = options.name ?? path.basename(options.command);
    this.#clock = options.clock ?? systemClock;
    this.#policy = options.restart ?? DEFAULT_SETTINGS.restart;
    this.#stopTimeoutMs = options.stopTimeoutMs ?? DEFAULT_SETTINGS.stopTimeoutMs;
    this.#readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_SETTINGS.readyTimeoutMs;
    this.#helloTimeoutMs = options.helloTimeoutMs ?? HELLO_TIMEOUT_MS;
    this.session = options.sessionId ?? newSessionId();
    const stdio = options.stdio ?? 'inherit';
    this.stdout = stdio === 'pipe' ? new PassThrough() : null;
    this.stderr = stdio === 'pipe' ? new PassThrough() : null;
    this.#group = chooseGroup(options.processGroup ?? 'auto', stdio);
    this.#maxRestarts = options.maxRestarts ?? DEFAULT_SETTINGS.maxRestarts;
    this.#tracker = new RestartTracker(
      {
        maxRestarts: this.#maxRestarts,
        restartWindowMs: options.restartWindowMs ?? DEFAULT_SETTINGS.restartWindowMs,
        backoffBaseMs: options.backoffBaseMs ?? 200,
        backoffMaxMs: options.backoffMaxMs ?? 30_000,
        backoffResetMs: options.backoffResetMs ?? 30_000,
        random: options.random ?? Math.random,
      },
      this.#clock,
    );
  }

  /** Start the child; settles once it has been spawned (readiness is the `ready` event). */
  start(): Promise<void> {
    return this.#queue.push(() => this.#start());
  }

  /**
   * Stop: ask the child (`launcher/shutdown`), then send `signal` (default SIGTERM), then after
   * the stop timeout SIGKILL its whole tree. Cancels a pending restart. Settles when all is gone.
   */
  stop(reason = 'stop requested', options: { signal?: NodeJS.Signals } = {}): Promise<void> {
    const signal = options.signal ?? 'SIGTERM';
    return this.#queue.push(async () => {
      checkSignalName(signal);
      return this.#stop(reason, signal);
    });
  }

  /** Stop the child as `stop()` does, then start a new one; settles once it is spawned. */
  restart(): Promise<void> {
    return this.#queue.push(async () => {
      const running = this.#run !== undefined || this.#state === 'backoff';
      const previous = this.#run ?? this.#crashed;
      this.#cancelBackoff();
      // What the child orphaned before the stop is reaped only after it (#clearLeftovers).
      if (this.#run && this.#group === 'shared') this.#endpoint?.expectLeftovers();
      if (this.#run) await this.#terminate(this.#run, 'restart requested', 'SIGTERM');
      if (!running) return this.#start();
      this.#restarts += 1;
      await this.#clearLeftovers(previous);
      await this.#spawn();
    });
  }

  /** Send a signal to the child; settles once sent. Dying of it is not restarted. */
  signal(name: NodeJS.Signals): Promise<void> {
    return this.#queue.push(async () => {
      checkSignalName(name);
      const run = this.#run;
      if (!run || run.exited)
        throw new LauncherError(
          'E_SESSION',
          `no child of ${this.#name} is running to receive ${name}`,
          {
            hint: 'Start it first, or wait until its restart.',
          },
        );
      run.signal(name);
    });
  }

  /** Whether the child leads a process group of its own, or shares the launcher's (§8). */
  get processGroup(): 'own' | 'shared' {
    return this.#group;
  }

  /**
   * Pass on a signal the launcher received that is meant for the child and stops nothing
   * (SIGQUIT; in its own group also job control and resizes), at once rather than in the
   * control queue. A child in a group of its own gets it
   * in its whole group. A child sharing the launcher's group got it from the terminal, which
   * signals the whole foreground group, so it is not sent twice. Dying of it counts as asked
   * for, as with `signal()`: it is not restarted. With no child running it is dropped, except
   * a SIGQUIT between a crash and its restart: that ends the run as a stop would there.
   * SIGTSTP stops a child in its own group as Ctrl-Z would (§8). Settles once passed on: for
   * SIGTSTP, once the child's group is stopped.
   */
  async forward(name: NodeJS.Signals): Promise<void> {
    const run = this.#run;
    if (run && !run.exited) return run.forward(name, this.#group === 'shared');
    // Ctrl-\ asks the program to quit, and none is running to decide otherwise: no restart, and
    // the run ends dead of SIGQUIT (131), as Ctrl-C there ends it with 130. A crash whose end is
    // still being read (`run` exited, nobody in charge of it yet) is not restarted either.
    if (name === 'SIGQUIT' && (this.#state === 'backoff' || (run && !run.claimed)))
      void this.stop(`the launcher received ${name}`, { signal: name }).catch(() => {});
  }

  /** Resolves with the outcome once supervision has ended and no control is pending. */
  wait(): Promise<SupervisorOutcome> {
    return new Promise((resolve) => {
      this.#waiters.push(resolve);
      this.#settleWaiters();
    });
  }

  /**
   * Send a request to the connected child and resolve with its answer (or reject with its
   * error). Rejects with E_SESSION when no child is connected; stays pending until the child
   * answers or its connection closes.
   */
  async request(method: string, params?: unknown): Promise<unknown> {
    return this.#connection(method, params).request(method, params);
  }

  /** Send a notification to the connected child; rejects with E_SESSION when none is. */
  async notify(method: string, params?: unknown): Promise<void> {
    return this.#connection(method, params).notify(method, params);
  }

  /** The latest diagnostics per document, as the child last published them. */
  diagnostics(): PublishDiagnosticsParams[] {
    return [...this.#diagnostics.values()];
  }

  snapshot(): SupervisorSnapshot {
    const run = this.#run;
    const iso = (t: number | null | undefined) => (t == null ? null : new Date(t).toISOString());
    return {
      state: this.#state,
      pid: process.pid,
      childPid: run?.pid ?? null,
      port: this.#reports?.ready?.port ?? null,
      host: this.#reports?.ready?.host ?? null,
      url: this.#reports?.ready?.url ?? null,
      restarts: this.#restarts,
      startedAt: iso(this.#startedAt),
      childStartedAt: iso(run?.startedAt),
      hello: this.#reports?.hello ?? null,
    };
  }

  async #start(): Promise<void> {
    if (this.#run) return;
    if (this.#state === 'backoff') {
      this.#cancelBackoff();
      this.#restarts += 1;
      await this.#clearLeftovers(this.#crashed);
      return this.#spawn();
    }
    // A start after a stop during a backoff: the crash before it may have left something.
    await this.#clearLeftovers(this.#crashed);
    this.#tracker.reset();
    this.#restarts = 0;
    this.#outcome = undefined;
    this.#startedAt = this.#clock.now();
    await this.#spawn();
  }

  async #stop(reason: string, signal: NodeJS.Signals): Promise<void> {
    const inBackoff = this.#state === 'backoff';
    this.#cancelBackoff();
    if (this.#run) return this.#finish(await this.#terminate(this.#run, reason, signal));
    // No child to pass the signal to: the run ends as one that honoured it would have, so Ctrl-C
    // during a backoff ends `launcher exec` with 130, not with the status of the last crash.
    if (inBackoff && this.#lastEnd)
      await this.#finish({ ...this.#lastEnd, code: null, signal, cause: 'stopped' });
    // Stopped before it ever started: supervision is over before it began, and wait() says so.
    // No child ran, so there is neither a code nor a signal.
    else if (this.#startedAt === null)
      await this.#finish({ code: null, signal: null, cause: 'stopped', uptimeMs: 0 });
  }

  // Take charge of the run's end and carry out the stop sequence; resolves when it is all gone.
  #terminate(run: ChildRun, reason: string, signal: NodeJS.Signals): Promise<ChildEnd> {
    run.claimed = true;
    if (!run.exited) this.#setState('stopping');
    // A child sharing the terminal got Ctrl-C (Ctrl-\, hang-up) from it already: give it time.
    const deferSignal = this.#group === 'shared' && TERMINAL_SIGNALS.has(signal);
    return run.terminate({ ask: true, reason, signal, deferSignal });
  }

  async #spawn(): Promise<void> {
    let run: ChildRun;
    try {
      run = await this.#startChild();
    } catch (error) {
      // Nothing could be started: supervision ends here, and wait() learns why.
      const code = error instanceof LauncherError ? error.exitCode : 1;
      await this.#finish({ code, signal: null, cause: 'spawn-failed', uptimeMs: 0 });
      throw error;
    }
    this.#run = run;
    this.#endpoint?.adopt(run);
    this.#reports = new ChildReports(
      run,
      {
        clock: this.#clock,
        readyTimeoutMs: this.#readyTimeoutMs,
        helloTimeoutMs: this.#helloTimeoutMs,
      },
      this.#reportsHost(run),
    );
    run.process.stdout?.pipe(this.stdout!, { end: false });
    run.process.stderr?.pipe(this.stderr!, { end: false });
    run.done.then((end) => this.#ended(run, end));
    // Sharing our group, a child that ends unasked orphans what it started to init, where no
    // tracked pid leads: from its exit until a restart has reaped that, or supervision ends,
    // the watchdog looks for it by the session id (spec §6). An asked-for end restarts nothing
    // (restart() guards its own leftovers); with policy `no`, nothing restarts either.
    if (this.#group === 'shared' && this.#policy !== 'no') {
      run.process.once('exit', () => {
        if (!run.claimed) this.#endpoint?.expectLeftovers();
      });
    }
    this.emit('starting', { pid: run.pid });
    this.#setState('starting');
  }

  async #startChild(): Promise<ChildRun> {
    const endpoint = await this.#open();
    const options = this.#options;
    const token = newToken();
    const channel = { socket: endpoint.address, token, session: this.session };
    const plan: SpawnPlan = {
      command: options.command,
      args: options.args ?? [],
      cwd: options.cwd ?? process.cwd(),
      env: childEnv(options.env ?? process.env, channel, options.pathPrepend),
      stdio: options.stdio ?? 'inherit',
      group: this.#group,
    };
    endpoint.expectChild();
    return ChildRun.start(plan, token, this.#clock, this.#stopTimeoutMs);
  }

  // Every child end passes here first; one nobody asked for is handled in the queue's order.
  #ended(run: ChildRun, end: ChildEnd): void {
    this.#endpoint?.release(run);
    if (this.#run === run) {
      // What the child announced (its port, its hello) ended with it.
      this.#reports?.dispose();
      this.#reports = undefined;
    }
    this.emit('exit', { pid: run.pid, ...end });
    if (!run.claimed) void this.#queue.push(() => this.#afterCrash(run, end)).catch(() => {});
  }

  async #afterCrash(run: ChildRun, end: ChildEnd): Promise<void> {
    if (run.claimed || this.#run !== run) return;
    run.claimed = true;
    // Whatever comes next (a restart, or a start after supervision ended), it clears this first.
    this.#crashed = run;
    if (!shouldRestart(this.#policy, end.cause)) return this.#finish(end);
    const decision = this.#tracker.onCrash(run.startedAt);
    if (!decision.restart) {
      this.emit('gave-up', { crashes: decision.crashes, cause: end.cause });
      this.#say(
        `${this.#name} ended ${times(decision.crashes)} within the restart window; giving up. ` +
          `Last: ${describeEnd(end)}. Its own output may say why; to allow more restarts, ` +
          `raise LAUNCHER_MAX_RESTARTS (now ${this.#maxRestarts}).`,
      );
      return this.#finish(end, 'failed');
    }
    this.#run = undefined;
    this.#lastEnd = end;
    this.#setState('backoff');
    const { delayMs, attempt } = decision;
    this.emit('restarting', { delayMs, cause: end.cause, attempt });
    this.#say(
      `${this.#name} ${describeEnd(end)}; restarting in ${delayMs} ms (restart ${attempt})`,
    );
    const generation = this.#generation;
    this.#backoffTimer = this.#clock.setTimeout(() => {
      this.#backoffTimer = undefined;
      void this.#queue.push(() => this.#respawn(generation)).catch(() => {});
    }, delayMs);
  }

  async #respawn(generation: number): Promise<void> {
    if (generation !== this.#generation || this.#state !== 'backoff') return;
    await this.#clearLeftovers(this.#crashed);
    this.#restarts += 1;
    await this.#spawn().catch((error: unknown) => {
      this.#say(`cannot restart ${this.#name}: ${(error as Error).message}`);
    });
  }

  /**
   * Spec 6: a new child starts only once what the previous one left is gone. In its own group
   * that group was killed already; sharing ours, it is found by its token (ChildRun).
   */
  async #clearLeftovers(previous: ChildRun | undefined): Promise<void> {
    this.#crashed = undefined;
    try {
      await previous?.reapLeftBehind();
    } finally {
      // Guarded by the watchdog until now (expectLeftovers); nothing left to look for.
      this.#endpoint?.settled();
    }
  }

  #cancelBackoff(): void {
    this.#generation += 1;
    if (this.#backoffTimer !== undefined) this.#clock.clearTimeout(this.#backoffTimer);
    this.#backoffTimer = undefined;
  }

  #hung(run: ChildRun, cause: HungCause, detail: string): void {
    if (this.#run !== run || run.claimed || run.exited) return;
    run.hungCause = cause;
    this.#say(`${this.#name} (pid ${run.pid}) ${detail}; stopping it`);
    this.#setState('stopping');
    void run.terminate(
      { ask: false, reason: detail, signal: 'SIGTERM', deferSignal: false },
      false,
    );
  }

  async #finish(end: ChildEnd, state?: SupervisorState): Promise<void> {
    this.#outcome = {
      code: end.code,
      signal: end.signal,
      cause: end.cause,
      restarts: this.#restarts,
    };
    this.#run = undefined;
    const failed = !['exited', 'stopped', 'signaled'].includes(end.cause);
    this.#setState(state ?? (failed ? 'failed' : 'exited'));
    const endpoint = this.#endpoint;
    this.#endpoint = undefined;
    await endpoint?.close();
  }

  // The endpoint (and what guards against orphans) lives from the first spawn to the end.
  async #open(): Promise<ChildEndpoint> {
    this.#endpoint ??= await ChildEndpoint.open(
      this.#options.paths ?? launcherPaths(this.#options.env ?? process.env),
      {
        session: this.session,
        helloTimeoutMs: this.#helloTimeoutMs,
        clock: this.#clock,
        current: () => this.#run,
        accepted: (run, hello) => this.#reportsOf(run)?.accepted(hello),
        notification: (run, method, params) => this.#reportsOf(run)?.notification(method, params),
        disconnected: (run) => this.#reportsOf(run)?.disconnected(),
        refused: (message, run) => {
          const line = run ? `closed the connection of ${this.#name} (pid ${run.pid}): ` : '';
          this.#say(line + message);
          this.emit('protocol-error', message);
        },
      },
      this.#options.watchdog ?? true,
    );
    return this.#endpoint;
  }

  // Reports of a child that is no longer the current one are not used.
  #reportsOf(run: ChildRun): ChildReports | undefined {
    return run === this.#run ? this.#reports : undefined;
  }

  #reportsHost(run: ChildRun) {
    return {
      emit: <K extends keyof SupervisorEvents>(event: K, ...args: SupervisorEvents[K]) => {
        this.emit(event, ...(args as never));
      },
      ready: () => {
        if (this.#state === 'starting' || this.#state === 'ready') this.#setState('ready');
      },
      diagnostics: (params: PublishDiagnosticsParams) => {
        this.#diagnostics.set(params.uri, params);
        this.emit('diagnostics', params);
      },
      hung: (cause: HungCause, detail: string) => this.#hung(run, cause, detail),
      invalid: (method: string, reason: string, firstOfItsKind: boolean) => {
        // One line per kind, so a child sending bad diagnostics in a loop cannot flood stderr.
        if (firstOfItsKind) {
          this.#say(
            `dropped ${method} from ${this.#name} (pid ${run.pid}): ${reason} ` +
              `(later invalid ${method} messages from it are dropped without a word)`,
          );
        }
        this.emit('protocol-error', reason);
      },
    };
  }

  // The channel for a message to the child, once its params are known to be JSON-RPC's.
  #connection(method: string, params: unknown) {
    if (!isRpcParams(params))
      throw new LauncherError(
        'E_USAGE',
        `the params of ${method} must be an array or an object (or absent), not ${JSON.stringify(params)}`,
        { hint: 'JSON-RPC sends only structured params: wrap the value, as in [value].' },
      );
    const connection = this.#run?.connection;
    if (!connection || !this.#run?.connected)
      throw new LauncherError('E_SESSION', `${this.#name} is not connected to the launcher`, {
        hint: 'Only a child that speaks the launcher protocol can be sent requests; wait for its "connected" event.',
      });
    return connection;
  }

  #setState(state: SupervisorState): void {
    this.#state = state;
    // A snapshot formats dates, which loads the time zone the first time (~0.2 ms): only when heard.
    if (this.listenerCount('state') > 0) this.emit('state', this.snapshot());
  }

  #settleWaiters(): void {
    const outcome = this.#outcome;
    if (!outcome || !FINAL_STATES.has(this.#state) || this.#queue.busy) return;
    for (const resolve of this.#waiters.splice(0)) resolve(outcome);
  }

  #say(line: string): void {
    const log = this.#options.log ?? ((text: string) => ownStderr().write(`${text}\n`));
    log(`launcher: ${line}`);
  }
}

// A signal this system knows, or E_USAGE before anything is sent: an unknown one would fail
// only when sent, and a stop would then end in SIGKILL after its timeout.
function checkSignalName(name: NodeJS.Signals): void {
  if (!(name in osConstants.signals))
    throw new LauncherError('E_USAGE', `unknown signal ${name}`, {
      hint: 'Use a signal name such as SIGTERM, SIGINT, SIGUSR1 or SIGHUP.',
    });
}

function chooseGroup(
  choice: 'auto' | 'own' | 'shared',
  stdio: 'inherit' | 'pipe',
): 'own' | 'shared' {
  if (process.platform === 'win32') return 'shared';
  if (choice !== 'auto') return choice;
  return stdio === 'inherit' && isatty(0) ? 'shared' : 'own';
}

// "once", "3 times": how often the child ended, in the give-up message.
function times(count: number): string {
  return count === 1 ? 'once' : `${count} times`;
}
