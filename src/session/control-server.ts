// The session's control socket (spec §8): local clients subscribe to state and diagnostics and
// send restart, stop, signal and forwarded requests. Access is guarded by the 0700 directory.
import type { Socket } from 'node:net';
import { constants } from 'node:os';
import type { MessageConnection } from 'vscode-jsonrpc';
import { ResponseError } from 'vscode-jsonrpc';
import type { Diagnostic, FileDiagnostics } from '../diagnostics/diagnostic.js';
import { isLauncherError } from '../errors.js';
import { createEndpoint, type SocketEndpoint } from '../ipc/endpoint.js';
import { createRpcConnection } from '../ipc/rpc-connection.js';
import { isRpcParams } from '../ipc/validate.js';
import type { LauncherPaths } from '../paths.js';
import type { Session } from './session.js';

/** The control methods of spec §8. */
export const ControlMethods = {
  subscribe: 'launcher/subscribe',
  restart: 'launcher/restart',
  stop: 'launcher/stop',
  signal: 'launcher/signal',
  request: 'launcher/request',
  state: 'launcher/state',
  publishDiagnostics: 'textDocument/publishDiagnostics',
} as const;

/** What the control socket acts on: the live session, seen through its supervisor. */
export interface ControlTarget {
  session(): Session;
  diagnostics(): FileDiagnostics[];
  restart(): Promise<void>;
  stop(): Promise<void>;
  signal(name: NodeJS.Signals): Promise<void>;
  request(method: string, params: unknown): Promise<unknown>;
}

/**
 * LSP's RequestFailed: a well-formed control the session cannot carry out now (its child is not
 * connected, it has ended, the system will not send that signal).
 */
const REQUEST_FAILED = -32803;

/**
 * A refusal of the session, answered as a JSON-RPC error with the launcher's own message (and
 * its fix as `data.hint`); vscode-jsonrpc would otherwise answer -32603 with "Request … failed
 * with message: …" around it. Anything else (the child's own error answer) passes unchanged.
 */
function refusal(error: unknown): never {
  if (!isLauncherError(error)) throw error;
  throw new ResponseError(
    REQUEST_FAILED,
    error.message,
    error.hint ? { hint: error.hint } : undefined,
  );
}

// Past this many bytes waiting in a subscriber's socket, it is treated as slow: it stops
// receiving every update and gets only the latest state and each URI's latest set on 'drain'.
const SLOW_SUBSCRIBER_BYTES = 256 * 1024;

class Subscriber {
  #pendingState: Session | undefined;
  readonly #pendingDiagnostics = new Map<string, { diagnostics: Diagnostic[]; version?: number }>();

  constructor(
    readonly connection: MessageConnection,
    readonly socket: Socket,
  ) {
    socket.on('drain', () => this.#flush());
  }

  get #slow(): boolean {
    return this.socket.writableLength > SLOW_SUBSCRIBER_BYTES || this.#pendingDiagnostics.size > 0;
  }

  state(session: Session): void {
    if (this.#slow) this.#pendingState = session;
    else void this.connection.sendNotification(ControlMethods.state, session).catch(() => {});
  }

  diagnostics(uri: string, diagnostics: Diagnostic[], version?: number): void {
    if (this.#slow) {
      this.#pendingDiagnostics.set(
        uri,
        version === undefined ? { diagnostics } : { diagnostics, version },
      );
      return;
    }
    const params = version === undefined ? { uri, diagnostics } : { uri, diagnostics, version };
    void this.connection
      .sendNotification(ControlMethods.publishDiagnostics, params)
      .catch(() => {});
  }

  /** The session is ending: write everything held back now, however far behind the socket is. */
  flushAll(): void {
    const send = (method: string, params: unknown) =>
      void this.connection.sendNotification(method, params).catch(() => {});
    for (const [uri, { diagnostics, version }] of this.#pendingDiagnostics) {
      send(
        ControlMethods.publishDiagnostics,
        version === undefined ? { uri, diagnostics } : { uri, diagnostics, version },
      );
    }
    this.#pendingDiagnostics.clear();
    if (this.#pendingState) send(ControlMethods.state, this.#pendingState);
    this.#pendingState = undefined;
  }

  #flush(): void {
    const state = this.#pendingState;
    const pending = [...this.#pendingDiagnostics];
    this.#pendingState = undefined;
    this.#pendingDiagnostics.clear();
    for (const [uri, { diagnostics, version }] of pending)
      this.diagnostics(uri, diagnostics, version);
    if (state) this.state(state);
  }
}

/** The listening control socket of one session. */
export class ControlServer {
  readonly #endpoint: SocketEndpoint;
  readonly #target: ControlTarget;
  readonly #subscribers = new Set<Subscriber>();
  readonly #connections = new Set<Socket>();
  // Controls from every client run one after another, in the order they arrived.
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(endpoint: SocketEndpoint, target: ControlTarget) {
    this.#endpoint = endpoint;
    this.#target = target;
    endpoint.server.on('connection', (socket) => this.#accept(socket));
  }

  /** Listen on a fresh private endpoint. */
  static async listen(paths: LauncherPaths, target: ControlTarget): Promise<ControlServer> {
    return new ControlServer(await createEndpoint(paths, { prefix: 'c' }), target);
  }

  /** The socket path (the session object's `control`). */
  get address(): string {
    return this.#endpoint.address;
  }

  /** Tell every subscriber the session changed. */
  publishState(session: Session): void {
    for (const s of this.#subscribers) s.state(session);
  }

  /** Tell every subscriber a URI's diagnostics changed. */
  publishDiagnostics(uri: string, diagnostics: Diagnostic[], version?: number): void {
    for (const s of this.#subscribers) s.diagnostics(uri, diagnostics, version);
  }

  /**
   * Stop listening and let every client go. Controls already received finish first (a stop that
   * ends the session is still answered), their answers are flushed, then connections end. A
   * subscriber that fell behind is sent what was held back for it (the last set of each URI and
   * the final state) and has what is left of the same grace to read it; the process may exit
   * right after, and bytes not yet handed to the system would be lost with it.
   */
  async close(): Promise<void> {
    const grace = new Promise((resolve) => setTimeout(resolve, 1000).unref());
    await Promise.race([this.#queue, grace]);
    await new Promise((resolve) => setImmediate(resolve));
    for (const subscriber of this.#subscribers) subscriber.flushAll();
    const flushed = [...this.#connections].map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (socket.writableFinished || socket.destroyed) return resolve();
          socket.once('finish', resolve).once('close', resolve);
          socket.end();
        }),
    );
    await Promise.race([Promise.all(flushed), grace]);
    await this.#endpoint.close();
  }

  /** Run a control after every control received before it; answer `{}` once it is done. */
  #inOrder(control: () => Promise<void>): Promise<object> {
    const done = this.#queue.then(control).then(() => ({}), refusal);
    this.#queue = done.catch(() => {});
    return done;
  }

  #accept(socket: Socket): void {
    this.#connections.add(socket);
    const connection = createRpcConnection(socket);
    const target = this.#target;
    let subscriber: Subscriber | undefined;
    connection.onRequest(ControlMethods.subscribe, () => {
      subscriber ??= new Subscriber(connection, socket);
      this.#subscribers.add(subscriber);
      return { state: target.session(), diagnostics: target.diagnostics() };
    });
    connection.onRequest(ControlMethods.restart, () => this.#inOrder(() => target.restart()));
    connection.onRequest(ControlMethods.stop, () => this.#inOrder(() => target.stop()));
    connection.onRequest(ControlMethods.signal, (params: { signal?: unknown }) => {
      const signal = params?.signal;
      if (typeof signal !== 'string' || !(signal in constants.signals)) {
        throw new ResponseError(
          -32602,
          'launcher/signal needs { "signal": "SIGUSR1" } (a signal name)',
        );
      }
      return this.#inOrder(() => target.signal(signal as NodeJS.Signals));
    });
    connection.onRequest(
      ControlMethods.request,
      (params: { method?: unknown; params?: unknown }) => {
        if (typeof params?.method !== 'string') {
          throw new ResponseError(-32602, 'launcher/request needs { "method": "…", "params": … }');
        }
        // Forwarded exactly as sent, so they must be what JSON-RPC can send (protocol §5).
        if (!isRpcParams(params.params)) {
          throw new ResponseError(
            -32602,
            'launcher/request "params" must be an array or an object (or absent), as JSON-RPC requires',
          );
        }
        return target.request(params.method, params.params).catch(refusal);
      },
    );
    const drop = () => {
      if (subscriber) this.#subscribers.delete(subscriber);
      this.#connections.delete(socket);
      connection.dispose();
    };
    socket.on('close', drop);
    socket.on('error', () => socket.destroy());
    connection.listen();
  }
}
