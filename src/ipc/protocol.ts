// The wire protocol between the launcher and its child (spec §7): method names, shapes, limits.
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { MAX_TIMER_MS } from '../util/max-timer.js';

/** LSP's Diagnostic and its parts: one definition for the whole launcher. */
export type { Diagnostic, Position, Range } from '../diagnostics/diagnostic.js';

/** The protocol version this launcher speaks; a hello names the version its sender speaks. */
export const PROTOCOL_VERSION = 1;

/** Largest message body either side accepts (spec §7); a bigger frame closes the connection. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** How long a fresh connection has to send its hello before it is closed. */
export const HELLO_TIMEOUT_MS = 5000;

/**
 * The longest `heartbeatMs` a hello may give: three intervals (the launcher's deadline) must fit
 * in a Node timer, whose longest delay is 2^31-1 ms (about 24.8 days; anything longer fires
 * after 1 ms).
 */
export const MAX_HEARTBEAT_MS = Math.floor(MAX_TIMER_MS / 3);

/** Every method name of the protocol, in one place so both ends agree. */
export const Methods = {
  hello: 'launcher/hello',
  ready: 'launcher/ready',
  log: 'launcher/log',
  heartbeat: 'launcher/heartbeat',
  shutdown: 'launcher/shutdown',
  ping: 'launcher/ping',
  publishDiagnostics: 'textDocument/publishDiagnostics',
} as const;

/** The variables a supervised child finds in its environment (spec §6). */
export const EnvVars = {
  socket: 'LAUNCHER_SOCKET',
  token: 'LAUNCHER_TOKEN',
  session: 'LAUNCHER_SESSION',
} as const;

/** The first message of every child connection. */
export interface HelloParams {
  token: string;
  pid: number;
  protocolVersion: number;
  name?: string;
  version?: string;
  /** The child runs a server and will send `launcher/ready` (or be treated as hung). */
  server?: boolean;
  /** The child sends `launcher/heartbeat` this often; three missed intervals mean hung. */
  heartbeatMs?: number;
}

export interface HelloResult {
  session: string;
  protocolVersion: number;
}

export interface ReadyParams {
  port: number;
  host?: string;
  url?: string;
}

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface LogParams {
  level: LogLevel;
  message: string;
}

export interface ShutdownParams {
  reason: string;
}

export interface PublishDiagnosticsParams {
  uri: string;
  version?: number;
  diagnostics: Diagnostic[];
}
