// What lives from the first child to the end of supervision: the socket, the watchdog, the record.
import path from 'node:path';
import { createEndpoint, type SocketEndpoint } from '../ipc/endpoint.js';
import { sweepStaleSockets } from '../ipc/stale-sockets.js';
import type { LauncherPaths } from '../paths.js';
import type { ChannelHost } from './child-channel.js';
import type { ChildRun } from './child-run.js';
import { acceptChildConnection } from './connection-gate.js';
import { forgetChild, killLeftovers, recordChild } from './leftovers.js';
import { Watchdog } from './watchdog-client.js';

// Most compiler calls are over in a few milliseconds. The record of the child (a file to write)
// and the sweep of dead runs' endpoints (a directory to probe) start this long after the first
// child, so a short call never pays for them. The watchdog is not deferred: it starts before
// the first child, because a SIGKILLed launcher must take the child's descendants with it at
// any moment (spec §6), and it alone can find them.
const RECORD_AFTER_MS = 20;

// How many times a watchdog that ended unasked is replaced, so one that cannot stay up (a
// broken shell, say) is not restarted for ever.
const WATCHDOG_REPLACEMENTS = 3;

/**
 * The child endpoint with everything that guards against orphans: the watchdog is told of each
 * child, and a record next to the socket lets a later run finish what a killed launcher (and
 * its watchdog) left. Once the first child has run for a moment, the endpoints of dead runs are
 * swept, killing their leftovers.
 */
export class ChildEndpoint {
  readonly #endpoint: SocketEndpoint;
  readonly #session: string;
  #watchdog: Watchdog | undefined;
  #closed = false;
  #replacements = 0;
  #recordTimer: NodeJS.Timeout | undefined;
  #recording = false;
  #current: ChildRun | undefined;
  #leftovers = false;
  #swept: Promise<unknown> | undefined;

  private constructor(endpoint: SocketEndpoint, session: string, watchdog: boolean) {
    this.#endpoint = endpoint;
    this.#session = session;
    if (watchdog) this.#watchdog = this.#startWatchdog();
  }

  static async open(
    paths: LauncherPaths,
    host: ChannelHost,
    watchdog: boolean,
  ): Promise<ChildEndpoint> {
    const endpoint = await createEndpoint(paths, { prefix: 'w', sweep: false });
    endpoint.server.on('connection', (socket) => acceptChildConnection(socket, host));
    return new ChildEndpoint(endpoint, host.session, watchdog);
  }

  /** What `LAUNCHER_SOCKET` holds. */
  get address(): string {
    return this.#endpoint.address;
  }

  /** A child is about to be spawned: guarded even before `adopt()` (see the watchdog). */
  expectChild(): void {
    this.#watchdog?.spawning();
  }

  /** A child was spawned: from now on it does not outlive the launcher. */
  adopt(run: ChildRun): void {
    this.#watchdog?.track(run.pid, run.pgid);
    this.#current = run;
    if (this.#recording) this.#record(run);
    else this.#recordTimer ??= setTimeout(() => this.#startRecording(), RECORD_AFTER_MS).unref();
  }

  /** The child and its group are gone: nothing left to guard. */
  release(run: ChildRun): void {
    this.#watchdog?.forget(run.pid);
    if (this.#current === run) this.#current = undefined;
    if (this.#recording && this.#endpoint.dir) forgetChild(this.#endpoint.dir);
  }

  /**
   * A child sharing our group ended unasked and a restart may follow: until `settled()`, what
   * it left (orphans of init) stays guarded, found by the session id should the launcher die.
   */
  expectLeftovers(): void {
    this.#leftovers = true;
    this.#watchdog?.leftovers();
  }

  /** What the crash left was reaped before a restart, or is left to run on (protocol §8). */
  settled(): void {
    if (!this.#leftovers) return;
    this.#leftovers = false;
    this.#watchdog?.settled();
  }

  /** Supervision is over: the watchdog ends (killing nothing), the sweep ends, the socket goes. */
  async close(): Promise<void> {
    this.#closed = true;
    // Nothing restarts now: what a crash left runs on, as after a shell (protocol §8).
    this.settled();
    clearTimeout(this.#recordTimer);
    this.#watchdog?.close();
    await this.#swept;
    await this.#endpoint.close();
  }

  // A watchdog killed by someone is replaced, and told of the child it guarded. (Until then,
  // and should none start, a child in its own group still dies with the launcher by its
  // parent-death signal; its descendants are left to the sweep.)
  #startWatchdog(): Watchdog | undefined {
    const replace = () => {
      if (this.#closed) return;
      this.#watchdog =
        this.#replacements++ < WATCHDOG_REPLACEMENTS ? this.#startWatchdog() : undefined;
      if (this.#current) this.#watchdog?.track(this.#current.pid, this.#current.pgid);
      if (this.#leftovers) this.#watchdog?.leftovers();
    };
    try {
      return Watchdog.start(this.#session, replace);
    } catch {
      // spawn() throws for some failures (ENOMEM from fork): run without one, as on Windows.
      return undefined;
    }
  }

  #startRecording(): void {
    this.#recording = true;
    if (this.#current) this.#record(this.#current);
    const dir = this.#endpoint.dir;
    // The sweep probes every socket found, and may kill.
    if (dir) this.#swept = sweepStaleSockets(path.dirname(dir), killLeftovers, dir).catch(() => {});
  }

  #record(run: ChildRun): void {
    if (this.#endpoint.dir) recordChild(this.#endpoint.dir, run.pid, run.pgid);
  }
}
