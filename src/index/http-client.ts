// HTTP GET for the index and the downloads: undici with proxies from the environment, finite
// timeouts, and redirects that obey the same URL rules as the URLs they came from.
import type { Readable } from 'node:stream';
import { EnvHttpProxyAgent, request } from 'undici';
import { LauncherError } from '../errors.js';
import { checkUrlAllowed } from './dist-url.js';
import { type HttpSettings, httpSettings } from './http-settings.js';

// Re-exported for callers that build a client with adjusted settings (doctor).
export { type HttpSettings, HttpStatusError, httpSettings } from './http-settings.js';

/** A response whose body the caller must consume or dump. */
export interface HttpResponse {
  readonly url: URL;
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Readable & { dump(): Promise<void> };
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

/** One dispatcher (connection pool) for a run; close it when done so the process can exit. */
export class HttpClient {
  readonly settings: HttpSettings;
  readonly #env: NodeJS.ProcessEnv;
  readonly #agent: EnvHttpProxyAgent;

  constructor(env: NodeJS.ProcessEnv, settings: HttpSettings = httpSettings(env)) {
    this.#env = env;
    this.settings = settings;
    // Proxy settings come from the run's environment, not the process's, so tests and embedders
    // get what they pass. Empty strings mean "no proxy" to undici.
    this.#agent = new EnvHttpProxyAgent({
      httpProxy: env.http_proxy ?? env.HTTP_PROXY ?? '',
      httpsProxy: env.https_proxy ?? env.HTTPS_PROXY ?? '',
      noProxy: env.no_proxy ?? env.NO_PROXY ?? '',
      connectTimeout: settings.connectTimeoutMs,
      headersTimeout: settings.headersTimeoutMs,
      bodyTimeout: settings.bodyTimeoutMs,
    });
  }

  /** GET `url`, following redirects; every hop must be an allowed http(s) URL. */
  async get(
    url: URL,
    options: { headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<HttpResponse> {
    let current = url;
    for (let hop = 0; ; hop++) {
      const res = await request(current, {
        method: 'GET',
        dispatcher: this.#agent,
        headers: { 'user-agent': 'launcher', ...options.headers },
        signal: options.signal,
      });
      const location = res.headers.location;
      if (!REDIRECTS.has(res.statusCode) || typeof location !== 'string') {
        return { url: current, status: res.statusCode, headers: res.headers, body: res.body };
      }
      await res.body.dump();
      const next = new URL(location, current);
      if (hop >= MAX_REDIRECTS || (next.protocol !== 'https:' && next.protocol !== 'http:')) {
        throw new LauncherError(
          'E_NETWORK',
          `too many or unsafe redirects from ${url.href} (last: ${next.href})`,
          {
            hint: 'The server redirects in a loop or to a non-HTTP URL; ask its operator to fix it.',
          },
        );
      }
      checkUrlAllowed(next, this.#env, `a redirect from ${current.href}`);
      current = next;
    }
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}
