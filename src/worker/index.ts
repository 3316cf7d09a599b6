// `launcher/worker`: what a compiler written for Node imports to talk to its launcher (spec §7).
import { errnoCode, LauncherError } from '../errors.js';
import { connectEndpoint } from '../ipc/endpoint.js';
import {
  EnvVars,
  HELLO_TIMEOUT_MS,
  type HelloParams,
  type HelloResult,
  MAX_HEARTBEAT_MS,
  Methods,
  PROTOCOL_VERSION,
} from '../ipc/protocol.js';
import { createRpcConnection } from '../ipc/rpc-connection.js';
import {
  aBoolean,
  anObject,
  aString,
  checkOptions,
  type OptionRule,
  wholeNumber,
} from '../util/check-options.js';
import { TIMED_OUT, within } from '../util/within.js';
import { Worker, type WorkerConnection } from './worker-connection.js';

// What connect() rejects with (code, exitCode, hint): for `instanceof` checks.
export { type ErrorCode, LauncherError } from '../errors.js';
export type {
  Diagnostic,
  LogLevel,
  Position,
  PublishDiagnosticsParams,
  Range,
  ReadyParams,
} from '../ipc/protocol.js';
export type { WorkerConnection } from './worker-connection.js';

export interface WorkerOptions {
  /** The compiler's name, sent in the hello and used in its own messages. */
  name?: string;
  version?: string;
  /** The compiler runs a server and will call `ready()`; until then the launcher waits. */
  server?: boolean;
  /**
   * Heartbeat interval in ms, at most `MAX_HEARTBEAT_MS` (about 8 days); default 1000 when
   * supervised, 0 turns heartbeats off.
   */
  heartbeatMs?: number;
  /** Exit (code 1) when the launcher's connection closes; default true. */
  lifeline?: boolean;
  /** Where to read the variables from; default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

// Checked even when standalone, so a mistake shows at once: the launcher would refuse a
// heartbeat interval over MAX_HEARTBEAT_MS (three intervals must fit in a Node timer).
const RULES: Readonly<Record<keyof WorkerOptions, OptionRule>> = {
  name: aString,
  version: aString,
  server: aBoolean,
  heartbeatMs: wholeNumber('milliseconds', MAX_HEARTBEAT_MS),
  lifeline: aBoolean,
  env: anObject,
};

/**
 * Connect to the launcher that started this process, or resolve null when there is none (the
 * compiler then runs standalone). The channel's variables are removed from `process.env` either
 * way, so programs this one starts do not inherit a channel that is not theirs. Options that are
 * not what they should be reject with E_USAGE, before anything else is done.
 */
export async function connect(options: WorkerOptions = {}): Promise<WorkerConnection | null> {
  checkOptions('connect()', options, RULES, 'docs/protocol.md §10');
  const env = options.env ?? process.env;
  const address = env[EnvVars.socket];
  const token = env[EnvVars.token];
  for (const key of Object.values(EnvVars)) delete process.env[key];
  const heartbeatMs = options.heartbeatMs ?? 1000;
  if (!address || !token) return null;
  const name = options.name ?? 'worker';
  let socket: Awaited<ReturnType<typeof connectEndpoint>>;
  try {
    socket = await connectEndpoint(address);
  } catch (error) {
    throw new LauncherError(
      'E_SESSION',
      `${name}: cannot reach the launcher at ${address} (${errnoCode(error) ?? String(error)})`,
      {
        hint: 'The launcher that started this process is gone. Run it again, or unset LAUNCHER_SOCKET to run standalone.',
        cause: error,
      },
    );
  }
  const connection = createRpcConnection(socket, {
    onProtocolError: (message) =>
      process.stderr.write(`${name}: bad message from the launcher: ${message}\n`),
  });
  connection.listen();
  const hello: HelloParams = {
    token,
    pid: process.pid,
    protocolVersion: PROTOCOL_VERSION,
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(options.version === undefined ? {} : { version: options.version }),
    ...(options.server ? { server: true } : {}),
    ...(heartbeatMs > 0 ? { heartbeatMs } : {}),
  };
  let result: HelloResult;
  try {
    result = await withTimeout(
      connection.sendRequest<HelloResult>(Methods.hello, hello),
      HELLO_TIMEOUT_MS,
    );
  } catch (error) {
    socket.destroy();
    const reason = (error as Error).message;
    throw new LauncherError(
      'E_SESSION',
      `${name}: the launcher refused the connection: ${reason}`,
      { hint: refusalHint(reason), cause: error },
    );
  }
  // No request can slip in before the Worker's handlers: vscode-jsonrpc handles one message per
  // event-loop turn, and everything from the hello's answer to here runs within that turn.
  return new Worker(connection, socket, result.session, {
    name,
    heartbeatMs,
    lifeline: options.lifeline ?? true,
  });
}

// What to do about a refused hello, by what the launcher said (docs/protocol.md lists them).
function refusalHint(reason: string): string {
  if (reason.includes('token'))
    return 'LAUNCHER_TOKEN must be the one this process was started with; do not copy it between processes.';
  if (reason.startsWith('no answer'))
    return 'The launcher did not answer: it may be overloaded or stopping. Run it again.';
  if (reason.includes('already connected'))
    return 'Connect once per process: call connect() once and keep the connection it gives.';
  return 'The hello broke the protocol (docs/protocol.md); check the options given to connect().';
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  const result = await within(promise, ms);
  if (result === TIMED_OUT) throw new Error(`no answer within ${ms} ms`);
  return result;
}
