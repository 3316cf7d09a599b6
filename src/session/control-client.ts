// A client of a session's control socket: subscribe to its state and diagnostics, send controls.
import type { MessageConnection } from 'vscode-jsonrpc';
import type { Diagnostic, FileDiagnostics } from '../diagnostics/diagnostic.js';
import { connectEndpoint } from '../ipc/endpoint.js';
import { createRpcConnection } from '../ipc/rpc-connection.js';
import { TIMED_OUT, within } from '../util/within.js';
import { ControlMethods } from './control-server.js';
import type { Session } from './session.js';

/** What `launcher/subscribe` answers. */
export interface SubscribeResult {
  state: Session;
  diagnostics: FileDiagnostics[];
}

export interface ControlClient {
  readonly connection: MessageConnection;
  /** Settles when the connection closes (the session ended, or it was closed here). */
  readonly closed: Promise<void>;
  close(): void;
}

/** Connect to a control socket. */
export async function connectControl(address: string): Promise<ControlClient> {
  const socket = await connectEndpoint(address);
  const connection = createRpcConnection(socket);
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('error', () => socket.destroy());
  connection.listen();
  return { connection, closed, close: () => socket.destroy() };
}

export interface SubscriptionHandlers {
  onState(session: Session): void;
  onDiagnostics(params: { uri: string; diagnostics: Diagnostic[]; version?: number }): void;
}

/** Subscribe: handlers are in place before the request goes out, so no update is missed. */
export async function subscribe(
  client: ControlClient,
  handlers: SubscriptionHandlers,
): Promise<SubscribeResult> {
  client.connection.onNotification(ControlMethods.state, (session: Session) =>
    handlers.onState(session),
  );
  client.connection.onNotification(ControlMethods.publishDiagnostics, handlers.onDiagnostics);
  return client.connection.sendRequest<SubscribeResult>(ControlMethods.subscribe, {});
}

/** How long to wait for a control's answer, and how to tell a slow session from a dead one. */
export interface ControlPatience {
  /** How long the answer may take before the session is checked on, and then again. */
  readonly waitMs: number;
  /** How long that check (a `launcher/subscribe` on a second connection) may take. */
  readonly checkMs: number;
  /** Checks after which the wait ends although the session still answers them. */
  readonly maxChecks: number;
  /** Told when a check found the session answering, but the control not done yet. */
  onSlow?(waitedMs: number): void;
}

/** A control got no answer in time; `answering`: the session still answered a check. */
export class ControlTimeout extends Error {
  constructor(
    readonly answering: boolean,
    readonly waitedMs: number,
  ) {
    super(answering ? 'no answer in time' : 'the session does not answer');
    this.name = 'ControlTimeout';
  }
}

/**
 * Whether the session's launcher answers at all: `launcher/subscribe` is answered at once,
 * whatever controls are queued, by any launcher whose event loop runs.
 */
async function answersCheck(address: string, ms: number): Promise<boolean> {
  const connecting = connectControl(address);
  const check = connecting
    .then((client) => client.connection.sendRequest(ControlMethods.subscribe, {}))
    .then(
      () => true,
      () => false,
    );
  try {
    return (await within(check, ms)) === true;
  } finally {
    closeWhenConnected(connecting);
  }
}

// Close a client now, or as soon as its connection is made (a failed one has nothing to close).
function closeWhenConnected(connecting: Promise<ControlClient>): void {
  connecting.then(
    (client) => client.close(),
    () => {},
  );
}

/**
 * Send one control request (`launcher/restart`, `launcher/stop`, …) and wait for its answer.
 * With `patience`, the wait is bounded: past `waitMs` the session is checked on, and the wait
 * goes on only while it answers, for at most `maxChecks` checks; then ControlTimeout.
 */
export async function sendControl(
  address: string,
  method: string,
  params: unknown = {},
  patience?: ControlPatience,
): Promise<unknown> {
  const connecting = connectControl(address);
  const answer = connecting.then((client) => client.connection.sendRequest(method, params));
  // Settled below in every case; this only keeps an answer nobody waits for any more quiet.
  answer.catch(() => {});
  try {
    if (!patience) return await answer;
    const started = Date.now();
    for (let check = 1; ; check++) {
      const result = await within(answer, patience.waitMs);
      if (result !== TIMED_OUT) return result;
      const answering = await answersCheck(address, patience.checkMs);
      const waited = Date.now() - started;
      if (!answering || check >= patience.maxChecks) throw new ControlTimeout(answering, waited);
      patience.onSlow?.(waited);
    }
  } finally {
    closeWhenConnected(connecting);
  }
}
