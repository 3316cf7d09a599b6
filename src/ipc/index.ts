// The building blocks of the launcher's local channels: private endpoints, framing and the protocol.
export {
  connectEndpoint,
  createEndpoint,
  type EndpointOptions,
  MAX_SOCKET_PATH_BYTES,
  type SocketEndpoint,
} from './endpoint.js';
export { FrameReader, ProtocolError } from './frame-reader.js';
export { FrameWriter } from './frame-writer.js';
export * from './protocol.js';
export { createRpcConnection, type RpcConnectionOptions } from './rpc-connection.js';
export { SOCKET_FILE, sweepStaleSockets } from './stale-sockets.js';
export { newToken, sameToken } from './token.js';
export * from './validate.js';
