// HTTP settings from the environment, the error for an unusable answer, and reading an answer's
// headers: what the install path needs before (and without) loading the HTTP client.
import { LauncherError } from '../errors.js';
import { MAX_TIMER_MS } from '../util/max-timer.js';
import { redactUrl } from './url-secrets.js';

/** Timeouts and retry counts, from the environment (see docs/install.md). */
export interface HttpSettings {
  readonly connectTimeoutMs: number;
  readonly headersTimeoutMs: number;
  /** The longest silence allowed between two chunks of a body. */
  readonly bodyTimeoutMs: number;
  /** Attempts after the first one, for network errors and 5xx answers. */
  readonly retries: number;
  /** The first backoff delay; it doubles on each retry. */
  readonly retryDelayMs: number;
}

/** `min` 1 for a timeout: undici reads 0 as "none", and timeouts must be finite (spec §4). */
function envNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  const isMs = name.endsWith('_MS');
  if (!Number.isFinite(value) || value < min || (isMs && value > MAX_TIMER_MS)) {
    const range = isMs
      ? `a number of milliseconds from ${min} to ${MAX_TIMER_MS}`
      : min > 0
        ? `a number from ${min}`
        : 'a non-negative number';
    throw new LauncherError('E_USAGE', `${name} must be ${range}, got ${JSON.stringify(raw)}`, {
      hint: `Unset ${name}, or give it a number such as ${fallback}.`,
    });
  }
  return value;
}

/** `LAUNCHER_HTTP_TIMEOUT_MS` sets all three timeouts; retries and their delay have their own. */
export function httpSettings(env: NodeJS.ProcessEnv): HttpSettings {
  const timeout = env.LAUNCHER_HTTP_TIMEOUT_MS;
  const all =
    timeout === undefined ? undefined : envNumber(env, 'LAUNCHER_HTTP_TIMEOUT_MS', 30_000, 1);
  return {
    connectTimeoutMs: all ?? 10_000,
    headersTimeoutMs: all ?? 30_000,
    bodyTimeoutMs: all ?? 30_000,
    retries: Math.floor(envNumber(env, 'LAUNCHER_HTTP_RETRIES', 4)),
    retryDelayMs: envNumber(env, 'LAUNCHER_HTTP_RETRY_DELAY_MS', 500),
  };
}

/** An answer with a status that is not what the caller can use; 5xx ones are retried. */
export class HttpStatusError extends Error {
  constructor(
    readonly url: URL,
    readonly status: number,
  ) {
    super(`the server answered ${status} for ${redactUrl(url)}`);
  }
}

/** A header that has one value (ETag, Content-Range), or null when it is absent or repeated. */
export function headerValue(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  name: string,
): string | null {
  const value = headers[name];
  return typeof value === 'string' ? value : null;
}

/**
 * A header that may be a list (Content-Encoding): repeated lines, which undici gives as an
 * array, joined as one value with ", ", as HTTP reads them; null when absent.
 */
export function headerList(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  name: string,
): string | null {
  const value = headers[name];
  if (value === undefined) return null;
  return typeof value === 'string' ? value : value.join(', ');
}
