// The index cache: the last index fetched from each URL, with the validators to revalidate it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { LauncherPaths } from '../paths.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { nodeCrypto } from '../util/random.js';
import { TOOL_NAME } from './index-schema.js';
import { redactUrl } from './url-secrets.js';

/** What is kept next to a cached index body. */
export interface IndexCacheMeta {
  /** The index URL without its secrets (`redactUrl`): the file name keys the entry by the URL itself. */
  readonly url: string;
  readonly etag: string | null;
  readonly lastModified: string | null;
  readonly fetchedAt: string;
  /** The index's tool name, readable without parsing the body (the shim path needs it). */
  readonly tool: string;
  /** sha256 of the body, so a body and meta from different writes are never paired. */
  readonly bodySha256: string;
}

/** A cached index: its text exactly as served, and its meta. */
export interface CachedIndex {
  readonly meta: IndexCacheMeta;
  readonly body: string;
}

const sha256 = (text: string): string =>
  nodeCrypto().createHash('sha256').update(text).digest('hex');

/** `cache/index/<key>`: one entry per index URL, secrets and all (a new token, a new entry). */
function entryBase(paths: LauncherPaths, url: string): string {
  return path.join(paths.cache, 'index', sha256(url).slice(0, 32));
}

function readMeta(paths: LauncherPaths, url: string): IndexCacheMeta | null {
  try {
    const meta = JSON.parse(
      readFileSync(`${entryBase(paths, url)}.meta.json`, 'utf8'),
    ) as IndexCacheMeta;
    return meta && meta.url === redactUrl(url) && typeof meta.bodySha256 === 'string' ? meta : null;
  } catch {
    return null;
  }
}

/** The cached index of `url`, or null when there is none (or it is damaged). */
export function readCachedIndex(paths: LauncherPaths, url: string): CachedIndex | null {
  const meta = readMeta(paths, url);
  if (!meta) return null;
  try {
    const body = readFileSync(`${entryBase(paths, url)}.json`, 'utf8');
    return sha256(body) === meta.bodySha256 ? { meta, body } : null;
  } catch {
    return null;
  }
}

/** Store an index that has been validated (a bad index is never cached). */
export function writeCachedIndex(
  paths: LauncherPaths,
  entry: {
    url: string;
    body: string;
    etag: string | null;
    lastModified: string | null;
    tool: string;
  },
): IndexCacheMeta {
  const base = entryBase(paths, entry.url);
  const meta: IndexCacheMeta = {
    url: redactUrl(entry.url),
    etag: entry.etag,
    lastModified: entry.lastModified,
    fetchedAt: new Date().toISOString(),
    tool: entry.tool,
    bodySha256: sha256(entry.body),
  };
  // Private: an index may give signed archive URLs, whose signatures are secrets.
  writeFileAtomic(`${base}.json`, entry.body, 0o600);
  writeFileAtomic(`${base}.meta.json`, `${JSON.stringify(meta)}\n`);
  return meta;
}

/** The tool name of the cached index of `url`, cheaply (one small file), or undefined. */
export function cachedIndexTool(paths: LauncherPaths, url: string): string | undefined {
  const tool = readMeta(paths, url)?.tool;
  return typeof tool === 'string' && TOOL_NAME.test(tool) ? tool : undefined;
}
