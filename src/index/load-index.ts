// Getting the distribution index: from a file, from the network (revalidated with the cached
// ETag), or from the cache alone when offline.
import { fileURLToPath } from 'node:url';
import { isOffline } from '../config/switches.js';
import { isLauncherError, LauncherError } from '../errors.js';
import type { LauncherPaths } from '../paths.js';
import { readIndexBody } from './content-encoding.js';
import { type DistUrlSource, requireDistUrl } from './dist-url.js';
import { HttpClient } from './http-client.js';
import { HttpStatusError, headerList, headerValue } from './http-settings.js';
import { readCachedIndex, writeCachedIndex } from './index-cache.js';
import { type DistIndex, parseIndex, readLocalIndexSync } from './index-schema.js';
import { withRetries } from './retry.js';
import { redactUrl } from './url-secrets.js';

// The index is small (a few KiB; 32 MiB at most), so its body gets a deadline as well as the
// minimum speed: four body timeouts (2 min by default). A server keeping just above the speed
// limit could otherwise hold a shim call for hours.
const INDEX_BODY_TIMEOUTS = 4;

/** What `loadIndex` needs of a run; `LauncherContext` satisfies it. */
export interface IndexContext extends DistUrlSource {
  readonly paths: LauncherPaths;
}

/** How the index was obtained, for messages and tests. */
export type IndexOrigin = 'file' | 'network' | 'revalidated' | 'cache';

export interface LoadIndexOptions {
  /** Reuse a client (and its connections) for the downloads that follow. */
  readonly client?: HttpClient;
  readonly signal?: AbortSignal;
  /** Where warnings go (e.g. "using the cached index"); silent when absent. */
  readonly note?: (line: string) => void;
}

/**
 * The validated index of the configured dist URL. A network failure falls back to the cached
 * copy with a warning; offline, the cache is the only source and its absence is E_OFFLINE.
 */
export async function loadIndex(
  ctx: IndexContext,
  options: LoadIndexOptions = {},
): Promise<{ index: DistIndex; origin: IndexOrigin }> {
  const url = requireDistUrl(ctx);
  if (url.protocol === 'file:') return { index: readIndexFile(url), origin: 'file' };

  const cached = readCachedIndex(ctx.paths, url.href);
  if (isOffline(ctx.env)) {
    if (cached) return { index: parseIndex(cached.body, url.href), origin: 'cache' };
    throw new LauncherError(
      'E_OFFLINE',
      `LAUNCHER_OFFLINE=1, and the index ${redactUrl(url)} is not cached`,
      {
        hint: 'Run `launcher install` once while online (without LAUNCHER_OFFLINE) so the index is cached.',
      },
    );
  }

  const client = options.client ?? new HttpClient(ctx.env);
  try {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (cached?.meta.etag) headers['if-none-match'] = cached.meta.etag;
    if (cached?.meta.lastModified) headers['if-modified-since'] = cached.meta.lastModified;
    const answer = await withRetries(
      `the index ${redactUrl(url)}`,
      async () => {
        const res = await client.get(url, {
          headers,
          signal: options.signal,
          bodyDeadlineMs: INDEX_BODY_TIMEOUTS * client.settings.bodyTimeoutMs,
        });
        if (res.status === 304 && cached) {
          await res.body.dump();
          return null;
        }
        if (res.status !== 200) {
          await res.body.dump();
          throw new HttpStatusError(url, res.status);
        }
        const encoding = headerList(res.headers, 'content-encoding');
        const body = await readIndexBody(res.body, url.href, encoding);
        return { body, headers: res.headers };
      },
      {
        settings: client.settings,
        signal: options.signal,
        refused:
          'The server has no index at that URL: check LAUNCHER_DIST_URL (or distUrl in ' +
          'config.json) for a typo; it is the URL of the index.json file itself.',
      },
    );
    if (answer === null)
      return { index: parseIndex(cached!.body, url.href), origin: 'revalidated' };
    const index = parseIndex(answer.body, url.href);
    writeCachedIndex(ctx.paths, {
      url: url.href,
      body: answer.body,
      etag: headerValue(answer.headers, 'etag'),
      lastModified: headerValue(answer.headers, 'last-modified'),
      tool: index.tool,
    });
    return { index, origin: 'network' };
  } catch (error) {
    if (!cached || !isLauncherError(error) || error.code !== 'E_NETWORK') throw error;
    options.note?.(`warning: ${error.message}; using the index cached at ${cached.meta.fetchedAt}`);
    return { index: parseIndex(cached.body, url.href), origin: 'cache' };
  } finally {
    if (!options.client) await client.close();
  }
}

// Read as the tool-name lookup and rehash read a local index (readLocalIndexSync): the size
// limit and UTF-8 as over HTTP, as a local file is no more an index for being local.
function readIndexFile(url: URL): DistIndex {
  let text: string;
  try {
    text = readLocalIndexSync(fileURLToPath(url), url.href);
  } catch (error) {
    if (isLauncherError(error)) throw error;
    throw new LauncherError(
      'E_NETWORK',
      `cannot read the index ${redactUrl(url)}: ${(error as Error).message}`,
      {
        hint: 'Check LAUNCHER_DIST_URL (or distUrl in config.json): the file must exist and be readable.',
        cause: error,
      },
    );
  }
  return parseIndex(text, url.href);
}
