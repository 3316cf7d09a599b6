// A JSON-RPC connection over a stream socket with the protocol's framing and size limit.
import type { Socket } from 'node:net';
import {
  createMessageConnection,
  type Logger,
  type Message,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import { FrameReader, ProtocolError } from './frame-reader.js';
import { FrameWriter } from './frame-writer.js';
import { MAX_MESSAGE_BYTES } from './protocol.js';

export interface RpcConnectionOptions {
  /** Largest message accepted or sent; default 16 MiB (spec §7). */
  maxMessageBytes?: number;
  /**
   * Called once when the peer sends a malformed frame, bad JSON or an over-size message, after
   * the messages that came before it have been handled. The socket is destroyed right after, so
   * the connection closes; nothing else is affected.
   */
  onProtocolError?: (message: string) => void;
  /**
   * Judges the first message before vscode-jsonrpc sees it (it handles responses and `$/`
   * notifications on its own): a reason returned is a protocol error, as above.
   */
  firstMessage?: (message: Message) => string | undefined;
  /**
   * Called with each message this side sends, once it is on the socket or dropped because the
   * socket is already closed: a message sent from here on cannot reach the peer before it.
   * (vscode-jsonrpc tells nobody when it has answered a request.)
   */
  dispatched?: (message: Message) => void;
  /** Where vscode-jsonrpc's own complaints go; silent by default. */
  logger?: Logger;
}

const silent: Logger = { error() {}, warn() {}, info() {}, log() {} };

/**
 * The one way this code base speaks JSON-RPC over a socket: both ends of the child channel (the
 * supervisor's and the worker's) and both ends of the session's control socket use it. The
 * caller registers its handlers, then calls `listen()`.
 * `onClose` fires once every message that arrived before the socket closed has been handled.
 */
export function createRpcConnection(
  socket: Socket,
  options: RpcConnectionOptions = {},
): MessageConnection {
  const maxBytes = options.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  const reader = new FrameReader(
    socket,
    maxBytes,
    options.firstMessage ? { checkFirst: options.firstMessage } : {},
  );
  const writer = new FrameWriter(socket, maxBytes, options.dispatched);
  reader.onError((error) => {
    if (!(error instanceof ProtocolError)) return;
    options.onProtocolError?.(error.message);
    socket.destroy();
  });
  const connection = createMessageConnection(reader, writer, options.logger ?? silent);
  reader.serve(connection);
  // vscode-jsonrpc leaves requests pending forever when the stream closes; disposing rejects them.
  connection.onClose(() => connection.dispose());
  return connection;
}
