// A client of a session's control socket: subscribe to its state and diagnostics, send controls.
import type { MessageConnection } from 'vscode-jsonrpc';
import type { Diagnostic, FileDiagnostics } from '../diagnostics/diagnostic.js';
import { connectEndpoint } from '../ipc/endpoint.js';
import { createRpcConnection } from '../ipc/rpc-connection.js';
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

/** Send one control request (`launcher/restart`, `launcher/stop`, …) and wait for its answer. */
export async function sendControl(
  address: string,
  method: string,
  params: unknown = {},
): Promise<unknown> {
  const client = await connectControl(address);
  try {
    return await client.connection.sendRequest(method, params);
  } finally {
    client.close();
  }
}
