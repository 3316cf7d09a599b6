// HTTP GET for the index and the downloads: undici with proxies from the environment, finite
// timeouts, bodies that must keep up a minimum speed, and redirects that obey the same URL
// rules as the URLs they came from.
import { Agent, type Dispatcher, EnvHttpProxyAgent, request } from 'undici';
import { errnoCode, LauncherError } from '../errors.js';
import { TIMED_OUT, within } from '../util/within.js';
import { checkUrlAllowed, isLoopbackHost } from './dist-url.js';
import { type HttpSettings, httpSettings } from './http-settings.js';
import { discardBody, pacedBody, type ResponseBody } from './paced-body.js';
import { redactUrl, splitCredentials, withOriginCredentials } from './url-secrets.js';

// Re-exported for callers that build a client with adjusted settings (doctor).
export { httpSettings } from './http-settings.js';

/**
 * A response whose body the caller must consume or dump. The body fails with TooSlowError when
 * it averages under MIN_BYTES_PER_SECOND over a body timeout, or passes `bodyDeadlineMs`.
 */
export interface HttpResponse {
  readonly url: URL;
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: ResponseBody;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

/** The dispatchers (connection pools) of a run; close the client when done so the process can exit. */
export class HttpClient {
  readonly settings: HttpSettings;
  readonly #env: NodeJS.ProcessEnv;
  #proxied: EnvHttpProxyAgent | undefined;
  #direct: Agent | undefined;

  constructor(env: NodeJS.ProcessEnv, settings: HttpSettings = httpSettings(env)) {
    this.#env = env;
    this.settings = settings;
  }

  /**
   * GET `url`, following redirects; every hop must be an allowed http(s) URL. The user name and
   * password of `url` go as Basic authorization to its origin only: a redirect elsewhere goes
   * without them. `bodyDeadlineMs` bounds the time the whole body may take once it is read (for
   * the index, which is small).
   */
  async get(
    url: URL,
    options: {
      headers?: Record<string, string>;
      signal?: AbortSignal;
      bodyDeadlineMs?: number;
    } = {},
  ): Promise<HttpResponse> {
    let current = url;
    for (let hop = 0; ; hop++) {
      const res = await this.#request(current, options.headers, options.signal);
      const location = res.headers.location;
      if (!REDIRECTS.has(res.statusCode) || typeof location !== 'string') {
        const pace = { windowMs: this.settings.bodyTimeoutMs, deadlineMs: options.bodyDeadlineMs };
        const body = pacedBody(res.body, pace);
        return { url: current, status: res.statusCode, headers: res.headers, body };
      }
      await discardBody(res.body);
      // A relative Location keeps the credentials of `current` (an absolute one has none of
      // them); a hop back to the origin asked for, after one elsewhere, gets them again.
      const next = withOriginCredentials(new URL(location, current), url);
      if (hop >= MAX_REDIRECTS) {
        throw new LauncherError(
          'E_NETWORK',
          `too many redirects from ${redactUrl(url)} (${MAX_REDIRECTS}; the last to ${redactUrl(next)})`,
          { hint: 'The server redirects in a loop; ask its operator to fix it.' },
        );
      }
      // A server may send us to another server, never to a file or another kind of URL.
      if (next.protocol !== 'https:' && next.protocol !== 'http:') {
        throw new LauncherError(
          'E_BAD_URL',
          `${redactUrl(current)} redirects to ${redactUrl(next)}, which is not an http(s) URL`,
          {
            hint: "launcher follows redirects to http(s) URLs only; ask the server's operator to fix it.",
          },
        );
      }
      checkUrlAllowed(next, this.#env, `a redirect from ${redactUrl(current)}`);
      current = next;
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.#proxied?.close(), this.#direct?.close()]);
  }

  /**
   * One request, settled when `signal` aborts, or at the latest when a connection and an answer
   * have had all their time: through a proxy that is two of each (the proxy's connection and its
   * answer to CONNECT, then the server's handshake and answer), so twice the connect and headers
   * timeouts. undici 7 can miss both: through a proxy that closes every CONNECT (a load balancer
   * without a backend) it reconnects in a tight loop, past its timeouts and the abort signal.
   * Destroying the dispatcher ends that loop; the next request gets a new one.
   */
  async #request(
    url: URL,
    headers: Record<string, string> | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Dispatcher.ResponseData> {
    const dispatcher = this.#dispatcher(url);
    const { url: bare, authorization } = splitCredentials(url);
    const answer = request(bare, {
      method: 'GET',
      dispatcher,
      headers: {
        'user-agent': 'launcher',
        ...(authorization ? { authorization } : {}),
        ...headers,
      },
      signal,
    });
    answer.catch(() => {}); // settled late, or never, once the race below is lost
    const limitMs = 2 * (this.settings.connectTimeoutMs + this.settings.headersTimeoutMs) + 1000;
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (signal?.aborted) onAbort();
    });
    try {
      const answered = await within(Promise.race([answer, aborted]), limitMs);
      if (answered !== TIMED_OUT) return answered;
      const error = new Error(`no answer from ${url.host} within ${limitMs} ms`);
      throw Object.assign(error, { code: 'ETIMEDOUT' });
    } catch (error) {
      // Whichever way it failed, this dispatcher may be spinning: a new one for what follows.
      if (signal?.aborted || errnoCode(error) === 'ETIMEDOUT') this.#discard(dispatcher);
      throw error;
    } finally {
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Loopback hosts never go through a proxy: plain http to them is allowed because nothing
   * between can read or change it, and a proxy's "localhost" is the proxy's own machine.
   */
  #dispatcher(url: URL): Dispatcher {
    const timeouts = {
      connectTimeout: this.settings.connectTimeoutMs,
      headersTimeout: this.settings.headersTimeoutMs,
      bodyTimeout: this.settings.bodyTimeoutMs,
    };
    if (isLoopbackHost(url.hostname)) {
      this.#direct ??= new Agent(timeouts);
      return this.#direct;
    }
    const env = this.#env;
    // Proxy settings come from the run's environment, not the process's, so tests and embedders
    // get what they pass. Empty strings mean "no proxy" to undici.
    this.#proxied ??= new EnvHttpProxyAgent({
      httpProxy: env.http_proxy ?? env.HTTP_PROXY ?? '',
      httpsProxy: env.https_proxy ?? env.HTTPS_PROXY ?? '',
      noProxy: env.no_proxy ?? env.NO_PROXY ?? '',
      ...timeouts,
    });
    return this.#proxied;
  }

  #discard(dispatcher: Dispatcher): void {
    if (dispatcher === this.#proxied) this.#proxied = undefined;
    if (dispatcher === this.#direct) this.#direct = undefined;
    dispatcher.destroy().catch(() => {});
  }
}
