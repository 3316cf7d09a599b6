// Accepting a child connection: the hello with its token comes first, or the connection is closed.
// Loaded (with JSON-RPC) by the child endpoint when the first connection arrives, never before.
import type net from 'node:net';
import { ErrorCodes, Message, type MessageConnection, ResponseError } from 'vscode-jsonrpc/node';
import { type HelloParams, type HelloResult, Methods, PROTOCOL_VERSION } from '../ipc/protocol.js';
import { createRpcConnection } from '../ipc/rpc-connection.js';
import { sameToken } from '../ipc/token.js';
import { type Checked, checkHello } from '../ipc/validate.js';
import type { ChildConnection, ChildRun } from './child-run.js';
import type { Clock } from './clock.js';

/** JSON-RPC error code of a refused hello (implementation-defined server error range). */
const UNAUTHORIZED = -32001;

/** What the channel needs from the supervisor, and what it reports back. */
export interface ChannelHost {
  readonly session: string;
  readonly helloTimeoutMs: number;
  readonly clock: Clock;
  /** The child a hello may belong to: the one running (or still draining) now. */
  current(): ChildRun | undefined;
  accepted(run: ChildRun, hello: HelloParams): void;
  notification(run: ChildRun, method: string, params: unknown): void;
  disconnected(run: ChildRun): void;
  /** A connection was closed for breaking the protocol; `run` when it had been accepted. */
  refused(message: string, run: ChildRun | undefined): void;
}

/**
 * Handle one connection made to the child endpoint (its hello due by `helloDeadline`, on the
 * host's clock); settles when it has closed and everything it sent has been handled. Until its
 * hello is accepted a connection is nobody's: anything else it sends closes it, and nothing it
 * sent is used. A hello is accepted only with the current child's token, and only once per child.
 * The channel opens (the child is attached, `accepted` reported) as soon as the hello's answer
 * is dispatched, whether it reached the socket or the child had hung up already: spec §7 makes
 * the answer the first frame the child receives, so nothing sent on the channel, not even from
 * a `connected` listener, may come before it; and a child may send its notifications right
 * behind its hello and close without reading the answer (protocol §3), which must not cost it
 * its channel. The answer is dispatched before the next message is handled.
 */
export function handleChildConnection(
  socket: net.Socket,
  host: ChannelHost,
  helloDeadline: number,
): Promise<void> {
  // The child whose hello was accepted; `open` opens its channel once the answer is dispatched.
  let accepted: ChildRun | undefined;
  let open: (() => void) | undefined;
  // The child whose channel is open: what the connection sends is used only then.
  let run: ChildRun | undefined;
  let refused = false;
  const connection = createRpcConnection(socket, {
    // Until the channel opens, the only response this side can write is the hello's answer.
    dispatched: (message) => {
      if (!open || !Message.isResponse(message)) return;
      const opening = open;
      open = undefined;
      opening();
    },
    onProtocolError: (message) => {
      if (!refused) host.refused(message, accepted);
      refused = true;
    },
    // A request other than the hello is answered (-32001) below; anything else closes at once.
    firstMessage: (message) =>
      Message.isRequest(message)
        ? undefined
        : notBeforeHello(Message.isNotification(message) ? message.method : 'a response'),
  });
  const closed = new Promise<void>((resolve) => connection.onClose(() => resolve()));
  const refuse = (message: string, hello = false) => {
    refused = true;
    host.clock.clearTimeout(timer);
    host.refused(message, undefined);
    // A refused hello gets its error answer (written synchronously after this returns) first.
    if (hello) setImmediate(() => socket.end(() => socket.destroy()));
    else socket.destroy();
  };
  const timer = host.clock.setTimeout(
    () => refuse(`refused a connection: no ${Methods.hello} within ${host.helloTimeoutMs} ms`),
    Math.max(0, helloDeadline - host.clock.now()),
  );
  connection.onClose(() => {
    host.clock.clearTimeout(timer);
    if (run) host.disconnected(run);
  });

  connection.onRequest((method, params): HelloResult => {
    if (refused) throw new ResponseError(UNAUTHORIZED, 'connection refused');
    if (accepted) throw new ResponseError(ErrorCodes.MethodNotFound, `unknown method ${method}`);
    const hello = checkFirstRequest(method, params, host.current());
    if (!hello.ok) {
      refuse(`refused a connection: ${hello.reason}`, true);
      throw new ResponseError(UNAUTHORIZED, hello.reason);
    }
    const child = host.current()!;
    accepted = child;
    host.clock.clearTimeout(timer);
    open = () => {
      run = child;
      child.attach(childConnection(connection), socket);
      // As checked: an optional field sent as null is absent, not null.
      host.accepted(child, hello.value);
    };
    return { session: host.session, protocolVersion: PROTOCOL_VERSION };
  });
  connection.onNotification((method, params) => {
    if (refused) return;
    if (!accepted) refuse(notBeforeHello(method));
    else if (run) host.notification(run, method, params);
  });
  connection.listen();
  return closed;
}

// Why a connection whose first message is a notification (by method) or a response is refused.
function notBeforeHello(what: string): string {
  // The hello itself, without an id: it cannot be answered, so it is no hello (spec §7).
  if (what === Methods.hello)
    return `refused a connection: it sent ${Methods.hello} as a notification: it must be a request (with an id)`;
  return `refused a connection: it sent ${what} before ${Methods.hello}`;
}

// The channel as the supervisor sees it: the child receives params exactly as given (an array
// or an object; undefined or null sends none; the supervisor refuses anything else).
// vscode-jsonrpc passes an object on as it is, but wraps an array in another one or, empty,
// drops it: so an array goes as an object that JSON.stringify (the frame writer) writes as it.
function childConnection(connection: MessageConnection): ChildConnection {
  const asSent = (params: unknown): unknown[] => {
    if (params === undefined || params === null) return [];
    if (Array.isArray(params)) return [{ toJSON: () => params }];
    return [params];
  };
  return {
    request: (method, params) => connection.sendRequest(method, ...asSent(params)),
    notify: (method, params) => connection.sendNotification(method, ...asSent(params)),
    dispose: () => connection.dispose(),
  };
}

// The hello this first request carries, checked, or why it cannot open the channel.
function checkFirstRequest(
  method: string,
  params: unknown,
  run: ChildRun | undefined,
): Checked<HelloParams> {
  const refusal = (reason: string) => ({ ok: false, reason }) as const;
  if (method !== Methods.hello) return refusal(`it sent ${method} before ${Methods.hello}`);
  const checked = checkHello(params);
  if (!checked.ok) return checked;
  if (!run || !sameToken(run.token, checked.value.token)) return refusal('wrong token');
  if (run.connection) return refusal(`child ${run.pid} is already connected`);
  return checked;
}
