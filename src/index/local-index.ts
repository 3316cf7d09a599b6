// The distribution index as far as it is known without the network: a `file:` index read where
// it is, else the configured URL's index as last cached. For commands that only report (`current`,
// `which`): they must never fetch, yet can tell "not installed" from "no such version".
import { fileURLToPath } from 'node:url';
import type { LauncherPaths } from '../paths.js';
import { type DistUrlSource, requireDistUrl } from './dist-url.js';
import { readCachedIndex } from './index-cache.js';
import { type DistIndex, parseIndex, readLocalIndexSync } from './index-schema.js';
import { redactUrl } from './url-secrets.js';

/** An index known locally, and how fresh it is. */
export interface LocalIndex {
  readonly index: DistIndex;
  /** When the cached copy was fetched (ISO 8601); null for a `file:` index, read as it is now. */
  readonly cachedAt: string | null;
}

/**
 * The index of the configured dist URL, without the network: null when none is configured, or
 * it is remote and not cached, or what there is cannot be used (`install` and `list-remote` say
 * what is wrong with it; a reporting command does without).
 */
export function readLocalIndex(
  ctx: DistUrlSource & { readonly paths: LauncherPaths },
): LocalIndex | null {
  try {
    return localIndexAt(requireDistUrl(ctx), ctx.paths);
  } catch {
    return null;
  }
}

/**
 * The index at `url` as known without the network: a `file:` index read where it is, else the
 * cached copy (null when there is none). Throws what reading or validating it throws.
 */
export function localIndexAt(url: URL, paths: LauncherPaths): LocalIndex | null {
  if (url.protocol === 'file:') {
    const text = readLocalIndexSync(fileURLToPath(url), url.href);
    return { index: parseIndex(text, url.href), cachedAt: null };
  }
  const cached = readCachedIndex(paths, url.href);
  return cached
    ? { index: parseIndex(cached.body, url.href), cachedAt: cached.meta.fetchedAt }
    : null;
}

/**
 * The index as a message names it: its URL, and for a cached copy when it was fetched (it may be
 * older than the vendor's).
 */
export function describeLocalIndex(known: LocalIndex): string {
  const shown = redactUrl(known.index.url);
  return known.cachedAt === null ? shown : `the index of ${shown} cached at ${known.cachedAt}`;
}
