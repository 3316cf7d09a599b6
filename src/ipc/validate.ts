// Checks on what arrives over the wire: a child is another program, so nothing it sends is trusted.
import { diagnosticProblem, withoutNulls } from '../diagnostics/diagnostic.js';
import { withoutNullFields } from '../util/without-null-fields.js';
import {
  type HelloParams,
  type LogLevel,
  type LogParams,
  MAX_HEARTBEAT_MS,
  type PublishDiagnosticsParams,
  type ReadyParams,
} from './protocol.js';

/** The outcome of checking one message's params: the typed value, or why it was refused. */
export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

const TOKEN_PATTERN = /^[0-9a-f]{64}$/;
const LOG_LEVELS: ReadonlySet<string> = new Set<LogLevel>(['error', 'warn', 'info', 'debug']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optional(record: Record<string, unknown>, key: string, type: 'string' | 'boolean') {
  return record[key] === undefined || typeof record[key] === type;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

// The optional fields of hello and ready: null reads as absent, as in diagnostics.
const HELLO_OPTIONAL = ['name', 'version', 'server', 'heartbeatMs'];
const READY_OPTIONAL = ['host', 'url'];

/**
 * JSON-RPC's params: an array or an object (sent as they are), or none (undefined, or null read
 * as absent). A scalar is not allowed: a peer would have to guess how to wrap it.
 */
export function isRpcParams(value: unknown): value is object | null | undefined {
  return value === undefined || typeof value === 'object';
}

/** `launcher/hello`: the token's format is checked here, its value by the caller. */
export function checkHello(raw: unknown): Checked<HelloParams> {
  const params = withoutNullFields(raw, HELLO_OPTIONAL);
  if (!isRecord(params)) return { ok: false, reason: 'hello params must be an object' };
  if (typeof params.token !== 'string' || !TOKEN_PATTERN.test(params.token))
    return { ok: false, reason: 'hello needs "token": 64 lowercase hex characters' };
  if (!isCount(params.pid) || params.pid === 0)
    return { ok: false, reason: 'hello needs "pid": a positive integer' };
  if (!isCount(params.protocolVersion) || params.protocolVersion < 1)
    return { ok: false, reason: 'hello needs "protocolVersion": a positive integer' };
  if (!optional(params, 'name', 'string') || !optional(params, 'version', 'string'))
    return { ok: false, reason: 'hello "name" and "version" must be strings' };
  if (!optional(params, 'server', 'boolean'))
    return { ok: false, reason: 'hello "server" must be a boolean' };
  if (
    params.heartbeatMs !== undefined &&
    !(isCount(params.heartbeatMs) && params.heartbeatMs <= MAX_HEARTBEAT_MS)
  )
    return {
      ok: false,
      reason: `hello "heartbeatMs" must be an integer from 0 to ${MAX_HEARTBEAT_MS}`,
    };
  return { ok: true, value: params as unknown as HelloParams };
}

/** `launcher/ready`: a TCP port, and optionally where to reach it. */
export function checkReady(raw: unknown): Checked<ReadyParams> {
  const params = withoutNullFields(raw, READY_OPTIONAL);
  if (!isRecord(params) || !isCount(params.port) || params.port > 65535)
    return { ok: false, reason: 'ready needs "port": an integer from 0 to 65535' };
  if (!optional(params, 'host', 'string') || !optional(params, 'url', 'string'))
    return { ok: false, reason: 'ready "host" and "url" must be strings' };
  return { ok: true, value: params as unknown as ReadyParams };
}

/** `launcher/log`: a known level and a message. */
export function checkLog(params: unknown): Checked<LogParams> {
  if (!isRecord(params) || typeof params.level !== 'string' || !LOG_LEVELS.has(params.level))
    return { ok: false, reason: 'log needs "level": error, warn, info or debug' };
  if (typeof params.message !== 'string') return { ok: false, reason: 'log needs "message"' };
  return { ok: true, value: params as unknown as LogParams };
}

/**
 * `textDocument/publishDiagnostics`: the envelope, and each diagnostic with the same check the
 * kept file is read with, so nothing accepted here is dropped or fails later on.
 */
export function checkDiagnostics(params: unknown): Checked<PublishDiagnosticsParams> {
  if (!isRecord(params) || typeof params.uri !== 'string')
    return { ok: false, reason: 'publishDiagnostics needs "uri": a string' };
  if (params.version !== undefined && params.version !== null && !Number.isInteger(params.version))
    return { ok: false, reason: 'publishDiagnostics "version" must be an integer' };
  if (!Array.isArray(params.diagnostics))
    return { ok: false, reason: 'publishDiagnostics needs "diagnostics": an array' };
  // Null for an optional field means absent (see withoutNulls): what is kept and forwarded is
  // plain LSP, copied only when there was a null to remove.
  let diagnostics = params.diagnostics as unknown[];
  for (let i = 0; i < diagnostics.length; i++) {
    const diagnostic = withoutNulls(diagnostics[i]);
    const problem = diagnosticProblem(diagnostic);
    if (problem !== null) return { ok: false, reason: `diagnostics[${i}]: ${problem}` };
    if (diagnostic !== diagnostics[i]) {
      if (diagnostics === params.diagnostics) diagnostics = [...diagnostics];
      diagnostics[i] = diagnostic;
    }
  }
  if (diagnostics === params.diagnostics && params.version !== null)
    return { ok: true, value: params as unknown as PublishDiagnosticsParams };
  const { version, ...rest } = params;
  return {
    ok: true,
    value: { ...rest, diagnostics, ...(version === null ? {} : { version }) } as never,
  };
}
