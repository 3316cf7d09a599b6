// One child's life: spawned, asked to stop, escalated, reaped with its group, then done.
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import { errnoCode, LauncherError } from '../errors.js';
import { EnvVars, Methods } from '../ipc/protocol.js';
import { searchRefusal } from '../util/unsearchable-dir.js';
import type { Clock, TimerHandle } from './clock.js';
import {
  catcherRunning,
  descendantRows,
  groupAlive,
  killTree,
  type ProcessRow,
  sendSignal,
  signalRefusal,
  startedWith,
  stillRunning,
  waitUntilGone,
} from './process-tree.js';
import type { ExitCause } from './restart-policy.js';
import { type SpawnPlan, spawnChild } from './spawn-child.js';

/**
 * The child's authenticated channel, as the supervisor uses it. Made by the channel module,
 * which (with JSON-RPC) is loaded only when a child connects: a native compiler never does.
 */
export interface ChildConnection {
  /** Send a request with `params` exactly as given; settles with the child's answer. */
  request(method: string, params?: unknown): Promise<unknown>;
  notify(method: string, params?: unknown): Promise<void>;
  dispose(): void;
}

/** How one child ended. */
export interface ChildEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  cause: ExitCause;
  /** Milliseconds from spawn to exit, on the supervisor's clock. */
  uptimeMs: number;
}

/** How to stop a child: ask over the channel, send a signal, and kill the tree at the timeout. */
export interface TerminateOptions {
  /** Send `launcher/shutdown` first when connected. */
  ask: boolean;
  reason: string;
  signal: NodeJS.Signals;
  /**
   * Hold the signal back until half the timeout has passed. Used when the child has been asked
   * over the channel, or already got the signal from the terminal it shares with the launcher.
   */
  deferSignal: boolean;
}

// After the exit, how long the child's pipes may still be read, with this side ready to take
// more, before they are cut: a descendant may hold them open, writing or not.
const DRAIN_MS = 2000;
// On Ctrl-Z, how long the members of a child's own group that catch SIGTSTP (a launcher) may
// take to act on it before the whole group is stopped.
const SUSPEND_WAIT_MS = 500;

/** A running child process and the facts the supervisor decides on. */
export class ChildRun {
  readonly process: ChildProcess;
  readonly pid: number;
  /** The child's own process group, when it has one. */
  readonly pgid: number | undefined;
  readonly token: string;
  readonly startedAt: number;
  /** The authenticated channel, once the hello has been accepted (at most one, ever). */
  connection: ChildConnection | undefined;
  #socket: Socket | undefined;
  /** Set by whoever takes charge of this child's end (a stop, a restart, the crash handler). */
  claimed = false;
  /** Why the launcher judged it hung, if it did. */
  hungCause: 'ready-timeout' | 'heartbeat-timeout' | undefined;
  readonly done: Promise<ChildEnd>;
  readonly #clock: Clock;
  readonly #stopTimeoutMs: number;
  readonly #sentSignals = new Set<string>();
  readonly #holds = new Set<Promise<unknown>>();
  readonly #timers: TimerHandle[] = [];
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  #stopRequested = false;
  // Ctrl-\ asks the program to quit: once it has had one, its end was asked for, however it comes.
  #quitAsked = false;
  #terminating = false;
  // Without a group of its own, the child's descendants as they were when the stop began.
  #descendants: ProcessRow[] = [];

  private constructor(
    child: ChildProcess,
    plan: SpawnPlan,
    token: string,
    clock: Clock,
    stopTimeoutMs: number,
  ) {
    this.process = child;
    this.pid = child.pid!;
    this.pgid = plan.group === 'own' && process.platform !== 'win32' ? this.pid : undefined;
    this.token = token;
    this.#clock = clock;
    this.#stopTimeoutMs = stopTimeoutMs;
    this.startedAt = clock.now();
    // Plain listeners, not events.once: a failed kill() emits 'error', which must not reject these.
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.once('exit', (code, signal) => resolve([code, signal])),
    );
    const closed = new Promise((resolve) => child.once('close', resolve));
    this.done = exited.then(async ([code, signal]) => {
      this.#exit = { code, signal };
      const uptimeMs = this.#clock.now() - this.startedAt;
      const cause = this.#classify(code, signal);
      await this.#reapGroup();
      await this.#drain(closed);
      for (const timer of this.#timers) this.#clock.clearTimeout(timer);
      return { code, signal, cause, uptimeMs };
    });
  }

  /** Spawn a child; a program that cannot be started is a LauncherError, as is a spawn failure. */
  static async start(
    plan: SpawnPlan,
    token: string,
    clock: Clock,
    stopTimeoutMs: number,
  ): Promise<ChildRun> {
    const child = spawnChild(plan);
    if (child.pid === undefined) {
      const [error] = (await once(child, 'error').catch((e: unknown) => [e])) as [Error];
      // exec's own refusals (a binary for another machine, a loader that is missing) are the
      // program's trouble, 126 as the shell says; a missing working directory is not.
      const code = errnoCode(error);
      // A working directory this user may not enter by its path (another than the launcher's
      // own, which the child inherits instead: see spawn-child.ts) is no fault of the program.
      const refusal = code === 'EACCES' ? searchRefusal(plan.cwd) : undefined;
      if (refusal !== undefined) {
        throw new LauncherError(
          'E_IO',
          `cannot start ${plan.command} in ${plan.cwd}: ${refusal.why}`,
          { hint: `${refusal.fix}, or start it in another directory.`, cause: error },
        );
      }
      const noCwd = code === 'ENOENT' && !existsSync(plan.cwd);
      const unrunnable = code === 'EACCES' || code === 'ENOEXEC' || (code === 'ENOENT' && !noCwd);
      // Node names the program for a working directory it could not enter (or setpriv, when
      // that starts it): the directory is what is missing (removed since, say, before a restart).
      const why = noCwd ? `its working directory ${plan.cwd} does not exist` : error.message;
      throw new LauncherError(
        unrunnable ? 'E_NOT_EXECUTABLE' : 'E_IO',
        `cannot start ${plan.command}: ${why}`,
        {
          hint: unrunnable
            ? `${plan.command} exists but this system cannot run it: check that it is built for this machine, and that what it needs to start (its interpreter, its loader) is installed.`
            : `Check that ${plan.cwd} exists and that ${plan.command} can be run.`,
          cause: error,
        },
      );
    }
    // Failed kills are reported by the return value of kill(); this keeps them from throwing.
    child.on('error', () => {});
    return new ChildRun(child, plan, token, clock, stopTimeoutMs);
  }

  /** True once the process itself has exited (its group and channel may still be draining). */
  get exited(): boolean {
    return this.#exit !== undefined;
  }

  /** Adopt the child's authenticated channel; it is closed when the child is done. */
  attach(connection: ChildConnection, socket: Socket): void {
    this.connection = connection;
    this.#socket = socket;
  }

  /** Whether its channel is open now. */
  get connected(): boolean {
    return this.connection !== undefined && this.#socket?.destroyed === false;
  }

  /**
   * Before a restart: without a group of its own, what this child left in ours (all of it, when
   * it crashed: its orphans belong to init now) is found by its token, which no other process
   * was started with (Linux), and ended as its group would be. Only then, since it walks /proc:
   * a run that ends for good leaves such processes running, as a shell would.
   */
  async reapLeftBehind(): Promise<void> {
    if (this.pgid !== undefined) return;
    this.#descendants = startedWith(`${EnvVars.token}=${this.token}`);
    await this.#reapGroup();
  }

  /** Keep the end of this child open until `settled` does (a connection still being read). */
  hold(settled: Promise<unknown>): void {
    const entry = settled.finally(() => this.#holds.delete(entry));
    this.#holds.add(entry);
  }

  /**
   * Send a signal on someone's behalf; dying of it then counts as asked for (`signaled`). Throws
   * when the system would not send it (see signalRefusal); a child already gone is no error.
   */
  signal(name: NodeJS.Signals): void {
    try {
      process.kill(this.pid, name);
    } catch (error) {
      const refused = signalRefusal(error, name, this.pid);
      if (refused) throw refused;
    }
    this.#sentSignals.add(name);
  }

  /**
   * Pass on a signal the launcher received that is meant for the child and stops nothing (Ctrl-\,
   * Ctrl-Z, a resize). Dying of it counts as asked for, as with `signal()`; after a SIGQUIT, so
   * does any end (a compiler that cleans up and exits 2). `fromTerminal`: the child shares the
   * launcher's group, so the terminal sent it the signal already; it is not sent again.
   * Settles once sent: for SIGTSTP to a group of its own, once that group is stopped.
   */
  async forward(name: NodeJS.Signals, fromTerminal: boolean): Promise<void> {
    this.#sentSignals.add(name);
    if (name === 'SIGQUIT') this.#quitAsked = true;
    if (fromTerminal || this.exited) return;
    if (name === 'SIGTSTP' && this.pgid !== undefined) return this.#suspendGroup(this.pgid);
    this.#signalGroup(name);
  }

  /**
   * Ctrl-Z for a group with no terminal, where the kernel drops a SIGTSTP that is not caught:
   * SIGTSTP first, so that a member catching it can act on it (a launcher stops its own child's
   * group, then itself: SIGSTOP now would freeze it first), then SIGSTOP, which stops the rest.
   */
  async #suspendGroup(pgid: number): Promise<void> {
    sendSignal(-pgid, 'SIGTSTP');
    // Bounded: a member may catch SIGTSTP and never stop.
    await waitUntilGone(() => !catcherRunning(pgid, 'SIGTSTP'), SUSPEND_WAIT_MS);
    sendSignal(-pgid, 'SIGSTOP');
  }

  /**
   * Stop the child: ask (shutdown request), then the signal, then at the stop timeout SIGKILL
   * for the whole tree. Calling it again while it runs changes nothing; resolves when done.
   */
  terminate(options: TerminateOptions, asked = true): Promise<ChildEnd> {
    if (asked) this.#stopRequested = true;
    if (this.#terminating || this.exited) return this.done;
    this.#terminating = true;
    // A child that exits on its own orphans its descendants; without a group to find them by,
    // remember who they were before anything is sent.
    if (this.pgid === undefined) this.#descendants = descendantRows(this.pid);
    const timeout = this.#stopTimeoutMs;
    const sendNow = () => this.#signalGroup(options.signal);
    const asking = options.ask && this.#askToShutDown(options.reason, sendNow);
    if (asking || options.deferSignal) this.#after(timeout / 2, () => !this.exited && sendNow());
    else sendNow();
    this.#after(timeout, () => {
      // Once the child is gone its pid may be reused: only its group is still ours to kill.
      if (!this.exited) killTree(this.pid, this.pgid);
      else if (this.pgid !== undefined) sendSignal(-this.pgid, 'SIGKILL');
    });
    return this.done;
  }

  // Sends `launcher/shutdown`; a refusal or a lost channel brings the signal forward.
  #askToShutDown(reason: string, sendNow: () => void): boolean {
    const connection = this.connection;
    if (!connection || this.#socket?.destroyed) return false;
    try {
      connection
        .request(Methods.shutdown, { reason })
        .then(undefined, () => !this.exited && sendNow());
      return true;
    } catch {
      return false;
    }
  }

  // The whole group when the child has one: a wrapper script's shell would wait for the work it
  // started, which alone would not get the signal. Sharing ours, the child alone.
  #signalGroup(signal: NodeJS.Signals): void {
    sendSignal(this.pgid === undefined ? this.pid : -this.pgid, signal);
  }

  #after(ms: number, action: () => void): void {
    this.#timers.push(this.#clock.setTimeout(action, ms));
  }

  #classify(code: number | null, signal: NodeJS.Signals | null): ExitCause {
    if (this.#stopRequested) return 'stopped';
    // Before a hung verdict too: a program quitting slowly is not brought back either.
    if (this.#quitAsked) return 'signaled';
    if (this.hungCause) return this.hungCause;
    // SIGPIPE: the reader of its output went away (`mycc --print | head -1`). No crash: run
    // again, it would meet the same closed pipe, and do its work again for nobody.
    if (signal)
      return this.#sentSignals.has(signal) || signal === 'SIGPIPE' ? 'signaled' : 'killed';
    return code === 0 ? 'exited' : 'failed';
  }

  // Whatever is left of the tree after the child exited is ended too: politely, then not. That is
  // its process group, or else the descendants noted when the stop began.
  async #reapGroup(): Promise<void> {
    const pgid = this.pgid;
    const rows = this.#descendants;
    const left = () =>
      pgid === undefined ? rows.filter(stillRunning).length > 0 : groupAlive(pgid);
    const send = (signal: NodeJS.Signals) => {
      if (pgid !== undefined) sendSignal(-pgid, signal);
      else for (const row of rows.filter(stillRunning)) sendSignal(row.pid, signal);
    };
    if (!left()) return;
    send('SIGTERM');
    if (await waitUntilGone(() => !left(), this.#stopTimeoutMs)) return;
    send('SIGKILL');
    await waitUntilGone(() => !left(), 2000);
  }

  /**
   * Output and messages written just before the exit are still on their way: let them arrive.
   * What the child itself left in its pipes is at most what they hold, read in moments; output
   * that keeps coming after that is a descendant's holding them open. So the pipes are cut once
   * they have been read for DRAIN_MS in all, counting only time this side was ready to take
   * more: output waiting only because the embedder has not read it yet (piped with
   * backpressure, the child's pipe is paused) is never cut: it is the embedder's, however late
   * it reads.
   */
  async #drain(closed: Promise<unknown>): Promise<void> {
    // Two turns of the event loop, so a connection the child made just before exiting is accepted.
    for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
    const pipes = [this.process.stdout, this.process.stderr].filter((pipe) => pipe !== null);
    let cut: () => void = () => {};
    const limit = new Promise<void>((resolve) => {
      cut = resolve;
    });
    // The time left, spent only while no pipe waits for the embedder to read.
    let left = DRAIN_MS;
    let since: number | undefined;
    let timer: NodeJS.Timeout | undefined;
    const account = () => {
      if (since !== undefined) left -= performance.now() - since;
      clearTimeout(timer);
      const waiting = pipes.some((pipe) => pipe.readableFlowing === false);
      since = waiting ? undefined : performance.now();
      timer = waiting ? undefined : setTimeout(cut, Math.max(0, left));
    };
    for (const pipe of pipes) pipe.on('pause', account).on('resume', account);
    account();
    const settled = (async () => {
      await closed;
      while (this.#holds.size > 0) await Promise.all(this.#holds);
    })();
    await Promise.race([settled, limit]);
    clearTimeout(timer);
    for (const pipe of pipes) pipe.off('pause', account).off('resume', account);
    this.connection?.dispose();
    this.#socket?.destroy();
    this.process.stdout?.destroy();
    this.process.stderr?.destroy();
  }
}
