// Retrying network work with exponential backoff, and saying in words why it finally failed.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  errnoCode,
  fileSystemProblem,
  isLauncherError,
  LauncherError,
  messageOf,
} from '../errors.js';
import { type HttpSettings, HttpStatusError } from './http-settings.js';
import { MIN_BYTES_PER_SECOND, TooSlowError } from './paced-body.js';

const MAX_DELAY_MS = 30_000;

/**
 * Worth another attempt: connection trouble, timeouts, cut-off bodies (all of which carry a
 * system or undici error `code`), bodies that came too slowly, 5xx, 408 and 429. An error
 * without a code is a bug of ours or a malformed answer: retrying it would only hide it behind
 * "network failure".
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof HttpStatusError) {
    return error.status >= 500 || error.status === 408 || error.status === 429;
  }
  if (error instanceof TooSlowError) return true;
  if (isLauncherError(error)) return false;
  // The file system refusing a write (a full disk, permissions), or a path that cannot be what it
  // must be (a file where the download's directory goes), will refuse it again.
  if (fileSystemProblem(error)) return false;
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'AbortError') return false;
  const code = errnoCode(error) ?? '';
  // System errors (ECONNRESET, ETIMEDOUT, EAI_AGAIN…) and undici's; not Node's ERR_* (bad input).
  return (
    code.startsWith('UND_ERR_') ||
    (/^E[A-Z_]+$/.test(code) && !code.startsWith('ERR_')) ||
    code === 'ERR_STREAM_PREMATURE_CLOSE'
  );
}

/** A short, human reason for a network failure. */
function describeNetworkError(error: unknown, settings: HttpSettings): string {
  if (error instanceof HttpStatusError) return `the server answered ${error.status}`;
  switch (errnoCode(error)) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `no connection within ${settings.connectTimeoutMs} ms`;
    case 'UND_ERR_HEADERS_TIMEOUT':
      return `no answer within ${settings.headersTimeoutMs} ms`;
    case 'UND_ERR_BODY_TIMEOUT':
      return `the download stalled for ${settings.bodyTimeoutMs} ms`;
    case 'UND_ERR_SOCKET':
    case 'ECONNRESET':
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
    case 'ERR_STREAM_PREMATURE_CLOSE':
      return 'the connection was cut before the end';
    case 'ECONNREFUSED':
      return 'the connection was refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name could not be resolved';
    default:
      return messageOf(error);
  }
}

// OpenSSL's codes for a certificate chain Node.js does not trust, and Node's own for a certificate
// that names another host. Not retried: they are not E-codes.
const UNTRUSTED_CERTIFICATE = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
]);
const OUTDATED_CERTIFICATE = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

/**
 * What to do about a network failure: for a certificate or a refusal, what applies to it.
 * `refused`: the caller's fix for a definite refusal (see RetryOptions).
 */
function networkHint(error: unknown, refused: string | undefined): string {
  if (error instanceof HttpStatusError && (error.status === 401 || error.status === 403)) {
    const what = error.status === 401 ? 'asks for credentials' : 'refuses access';
    return (
      `The server ${what}: check the credentials in LAUNCHER_DIST_URL (or distUrl), a user ` +
      'name and password as in https://user:password@host/…/index.json (sent as Basic ' +
      'authorization to that server only), or the query token the server expects.'
    );
  }
  // 404, 410, 400…: the server is reached and says no to this URL; the network is fine. A 407
  // is the proxy's, which the general fix below covers.
  if (
    refused !== undefined &&
    error instanceof HttpStatusError &&
    error.status >= 400 &&
    error.status < 500 &&
    error.status !== 407 &&
    !isRetryable(error)
  ) {
    return refused;
  }
  const code = errnoCode(error) ?? '';
  if (UNTRUSTED_CERTIFICATE.has(code)) {
    return (
      "Node.js does not trust the server's certificate. If it comes from a certificate " +
      'authority of your own (a company proxy or mirror), set NODE_EXTRA_CA_CERTS to a PEM file ' +
      'holding that authority, then run the command again.'
    );
  }
  if (OUTDATED_CERTIFICATE.has(code)) {
    return "Check this machine's date and time; if they are right, the server's certificate is out of date: tell its owner.";
  }
  if (error instanceof TooSlowError) {
    return (
      `The server, or a proxy on the way, sends too slowly: launcher gives up on a body that ` +
      `averages under ${MIN_BYTES_PER_SECOND} bytes a second over LAUNCHER_HTTP_TIMEOUT_MS (30 s ` +
      'by default), and on an index not complete within four times that. Run the command again ' +
      'later, or check the proxy settings (HTTPS_PROXY, HTTP_PROXY, NO_PROXY); on a link that is ' +
      'slow only at times, raise LAUNCHER_HTTP_TIMEOUT_MS.'
    );
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return "The server's certificate is for another host name: check the URL (LAUNCHER_DIST_URL, the index's urls).";
  }
  return (
    'Check the network connection and the proxy settings (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), ' +
    'then run the command again. For a slow link, raise LAUNCHER_HTTP_TIMEOUT_MS.'
  );
}

/** Options of `withRetries`. */
export interface RetryOptions {
  readonly settings: HttpSettings;
  readonly signal?: AbortSignal | undefined;
  /** Told before each wait, e.g. to print "retrying in 1 s". */
  readonly onRetry?: (reason: string, delayMs: number, attempt: number) => void;
  /**
   * The fix when the server answers with a definite refusal of the URL (404, 410, another 4xx
   * that is not about credentials, the proxy or pacing): what is wrong is the URL, not the network.
   */
  readonly refused?: string;
}

/**
 * Run `attempt` until it succeeds, fails in a way that is not retryable, or has been tried
 * `retries + 1` times. Delays double from `retryDelayMs` with jitter, so parallel clients spread
 * out. A final network failure becomes E_NETWORK (exit 5) naming `what`; our own errors and an
 * abort pass through unchanged.
 */
export async function withRetries<T>(
  what: string,
  attempt: (n: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const { settings, signal } = options;
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (signal?.aborted || isLauncherError(error)) throw error;
      // Writing what arrived was refused (a full disk, permissions), or its path is wrong (a
      // file where its directory goes): no network trouble at all.
      const problem = fileSystemProblem(error);
      if (problem) throw problem;
      if (n >= settings.retries || !isRetryable(error)) {
        const tries = n > 0 ? ` (after ${n + 1} attempts)` : '';
        throw new LauncherError(
          'E_NETWORK',
          `cannot download ${what}: ${describeNetworkError(error, settings)}${tries}`,
          { hint: networkHint(error, options.refused), cause: error },
        );
      }
      const base = Math.min(settings.retryDelayMs * 2 ** n, MAX_DELAY_MS);
      const delay = Math.round(base / 2 + (Math.random() * base) / 2);
      options.onRetry?.(describeNetworkError(error, settings), delay, n + 1);
      await sleep(delay, undefined, { signal });
    }
  }
}
