// What lives from the first child to the end of supervision: the socket, the watchdog, the record.
import type { Socket } from 'node:net';
import type { SocketEndpoint } from '../ipc/endpoint.js';
import { createEndpoint } from '../ipc/endpoint.js';
import type { LauncherPaths } from '../paths.js';
import type { ChannelHost } from './child-channel.js';
import type { ChildRun } from './child-run.js';
import { forgetChild, killLeftovers, recordChild } from './leftovers.js';
import { Watchdog } from './watchdog-client.js';

/**
 * The child endpoint with everything that guards against orphans: the watchdog is told of each
 * child, and a record next to the socket lets a later run finish what a killed launcher left.
 * Opening it sweeps the endpoints of dead runs, killing their leftovers.
 */
export class ChildEndpoint {
  readonly #endpoint: SocketEndpoint;
  readonly #watchdog: Watchdog | undefined;

  private constructor(endpoint: SocketEndpoint, watchdog: Watchdog | undefined) {
    this.#endpoint = endpoint;
    this.#watchdog = watchdog;
  }

  static async open(
    paths: LauncherPaths,
    host: ChannelHost,
    watchdog: boolean,
  ): Promise<ChildEndpoint> {
    const endpoint = await createEndpoint(paths, { prefix: 'w', onStale: killLeftovers });
    endpoint.server.on('connection', (socket) => accept(socket, host));
    return new ChildEndpoint(endpoint, watchdog ? Watchdog.start(host.session) : undefined);
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
    if (this.#endpoint.dir) recordChild(this.#endpoint.dir, run.pid, run.pgid);
  }

  /** The child and its group are gone: nothing left to guard. */
  release(run: ChildRun): void {
    this.#watchdog?.forget(run.pid);
    if (this.#endpoint.dir) forgetChild(this.#endpoint.dir);
  }

  /** Supervision is over: the watchdog ends (killing nothing) and the socket goes. */
  async close(): Promise<void> {
    this.#watchdog?.close();
    await this.#endpoint.close();
  }
}

// The protocol's machinery (JSON-RPC) loads with the first connection: a compiler that never
// connects never pays for it. A child may connect and exit at once, so its end is held, from
// this very moment, until the connection has been read out.
function accept(socket: Socket, host: ChannelHost): void {
  // Until the handler is there, a reset connection must not be an uncaught error.
  socket.on('error', () => {});
  const handled = import('./child-channel.js')
    .then(({ handleChildConnection }) => handleChildConnection(socket, host))
    .catch(() => {
      socket.destroy();
    });
  host.current()?.hold(handled);
}
