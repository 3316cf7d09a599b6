// Fetching an artifact into the download cache: streamed to a partial file and hashed on the
// way, resumed with Range when the server allows it, retried with backoff, and verified (sha256
// and size) before anyone unpacks it. A verified archive stays cached for the next install.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { isLauncherError, LauncherError } from '../errors.js';
import type { HttpClient } from '../index/http-client.js';
import { HttpStatusError, isOffline } from '../index/http-settings.js';
import { withRetries } from '../index/retry.js';
import { partialFiles } from './layout.js';
import type { Progress } from './progress.js';
import {
  type Expected,
  hashInto,
  type Measured,
  measureFile,
  mismatch,
  tooLarge,
} from './verify.js';

/** One artifact to fetch: where from, what it must be, and where the verified copy goes. */
export interface ArtifactDownload {
  readonly url: URL;
  readonly expected: Expected;
  /** The verified archive's place in the cache (see `archiveFile`). */
  readonly archive: string;
}

/** What a download needs of its run. */
export interface DownloadContext {
  readonly env: NodeJS.ProcessEnv;
  /** The HTTP client, created (and the HTTP library loaded) on first use: a cached archive needs none. */
  readonly client: () => Promise<HttpClient>;
  readonly progress: Progress;
  readonly signal?: AbortSignal | undefined;
}

/** The validators that make a partial file resumable, saved beside it. */
interface PartialMeta {
  readonly url: string;
  readonly etag: string | null;
  readonly lastModified: string | null;
}

interface Fetched {
  readonly measured: Measured;
  readonly resumed: boolean;
}

/**
 * The verified archive of `d`, from the cache when a good copy is there (no network), else
 * downloaded. A cached copy or download that fails verification is discarded, never kept.
 */
export async function obtainArchive(
  d: ArtifactDownload,
  ctx: DownloadContext,
): Promise<{ file: string; downloaded: boolean }> {
  if (await goodCachedCopy(d, ctx.progress)) return { file: d.archive, downloaded: false };
  if (isOffline(ctx.env)) {
    throw new LauncherError(
      'E_OFFLINE',
      `LAUNCHER_OFFLINE=1, and ${d.expected.what} is not in the download cache`,
      {
        hint: 'Run the install once while online (without LAUNCHER_OFFLINE) so the archive is cached.',
      },
    );
  }
  mkdirSync(path.dirname(d.archive), { recursive: true });
  const { part, meta } = partialFiles(d.archive);
  const discard = () => {
    rmSync(part, { force: true });
    rmSync(meta, { force: true });
  };
  try {
    let fetched = await fetchToPartial(d, ctx, true);
    let problem = mismatch(d.expected, fetched.measured);
    if (problem && fetched.resumed) {
      // The bytes kept from before may not belong to this file after all: start over once.
      ctx.progress.note('the resumed download did not verify; downloading it again from the start');
      discard();
      fetched = await fetchToPartial(d, ctx, false);
      problem = mismatch(d.expected, fetched.measured);
    }
    if (problem) throw problem;
  } catch (error) {
    if (isLauncherError(error) && (error.code === 'E_CHECKSUM' || error.code === 'E_SIZE'))
      discard();
    throw error;
  }
  renameSync(part, d.archive);
  rmSync(meta, { force: true });
  pruneOtherArchives(d.archive);
  return { file: d.archive, downloaded: true };
}

async function goodCachedCopy(d: ArtifactDownload, progress: Progress): Promise<boolean> {
  let measured: Measured;
  try {
    measured = await measureFile(d.archive);
  } catch {
    return false;
  }
  if (!mismatch(d.expected, measured)) return true;
  progress.note(`discarding the cached copy of ${d.expected.what}: it does not match the index`);
  rmSync(d.archive, { force: true });
  return false;
}

/** A re-published build (new checksum, new file name) makes the older archives of the version stale. */
function pruneOtherArchives(keep: string): void {
  const dir = path.dirname(keep);
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (file !== keep && !name.endsWith('.part') && !name.endsWith('.part.json'))
      rmSync(file, { force: true });
  }
}

async function fetchToPartial(
  d: ArtifactDownload,
  ctx: DownloadContext,
  allowResume: boolean,
): Promise<Fetched> {
  if (d.url.protocol === 'file:') return copyLocal(d, ctx);
  const client = await ctx.client();
  return withRetries(d.expected.what, () => attempt(d, ctx, client, allowResume), {
    settings: client.settings,
    signal: ctx.signal,
    onRetry: (reason, delay) =>
      ctx.progress.note(`${reason}; retrying in ${(delay / 1000).toFixed(1)} s`),
  });
}

/** The partial file's size and its validator, when it can be resumed. */
function resumeState(
  d: ArtifactDownload,
): { have: number; meta: PartialMeta; validator: string } | null {
  const { part, meta } = partialFiles(d.archive);
  try {
    const have = statSync(part).size;
    const saved = JSON.parse(readFileSync(meta, 'utf8')) as PartialMeta;
    const validator = saved.etag ?? saved.lastModified;
    if (have === 0 || saved.url !== d.url.href || !validator) return null;
    return { have, meta: saved, validator };
  } catch {
    return null;
  }
}

function header(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  name: string,
): string | null {
  const value = headers[name];
  return typeof value === 'string' ? value : null;
}

/** One HTTP attempt: resume the partial file with Range/If-Range, or (re)start it. */
async function attempt(
  d: ArtifactDownload,
  ctx: DownloadContext,
  client: HttpClient,
  allowResume: boolean,
): Promise<Fetched> {
  const { part, meta } = partialFiles(d.archive);
  const state = allowResume ? resumeState(d) : null;
  if (state && state.have === d.expected.size) {
    // Killed after the last byte but before the rename: nothing left to fetch.
    return { measured: await measureFile(part), resumed: true };
  }
  const headers: Record<string, string> = {};
  if (state) {
    headers.range = `bytes=${state.have}-`;
    headers['if-range'] = state.validator;
  }
  const res = await client.get(d.url, { headers, signal: ctx.signal });
  let from = 0;
  let total: number | undefined;
  const range = /^bytes (\d+)-\d+\/(\d+)$/.exec(header(res.headers, 'content-range') ?? '');
  const etag = header(res.headers, 'etag');
  if (
    state &&
    res.status === 206 &&
    Number(range?.[1]) === state.have &&
    (!etag || !state.meta.etag || etag === state.meta.etag)
  ) {
    from = state.have;
    total = Number(range![2]);
  } else if (res.status === 200) {
    total = Number(header(res.headers, 'content-length')) || undefined;
    // Order matters: no meta while the file is truncated, so a kill in between never pairs
    // new validators with old bytes.
    rmSync(meta, { force: true });
    writeFileSync(part, '');
    const strong = etag && !etag.startsWith('W/') ? etag : null;
    const lastModified = header(res.headers, 'last-modified');
    if (strong || lastModified) {
      const saved: PartialMeta = {
        url: d.url.href,
        etag: strong,
        lastModified: strong ? null : lastModified,
      };
      writeFileSync(meta, JSON.stringify(saved));
    }
  } else if (state && (res.status === 206 || res.status === 416)) {
    // The server does not agree with the partial file: forget it and start over.
    await res.body.dump();
    rmSync(part, { force: true });
    rmSync(meta, { force: true });
    return attempt(d, ctx, client, false);
  } else {
    await res.body.dump();
    throw new HttpStatusError(d.url, res.status);
  }

  const hash = createHash('sha256');
  if (from > 0) await hashInto(part, hash);
  ctx.progress.start(d.url.href, total ?? d.expected.size, from);
  const size = await streamInto(res.body, part, hash, from, d.expected, ctx);
  ctx.progress.finish();
  return { measured: { sha256: hash.digest('hex'), size }, resumed: from > 0 };
}

/**
 * Append a body to the partial file while hashing and counting it; returns the new size. Unlike
 * `pipeline`, a failing body does not destroy the file stream: what arrived is flushed to disk,
 * so the next attempt resumes after it.
 */
async function streamInto(
  body: AsyncIterable<Buffer>,
  part: string,
  hash: ReturnType<typeof createHash>,
  from: number,
  expected: Expected,
  ctx: DownloadContext,
): Promise<number> {
  let size = from;
  const out = createWriteStream(part, { flags: 'a', highWaterMark: 1 << 20 });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => {});
  try {
    for await (const chunk of body) {
      size += chunk.length;
      if (expected.size !== undefined && size > expected.size) throw tooLarge(expected);
      hash.update(chunk);
      ctx.progress.advance(chunk.length);
      if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed]);
    }
  } finally {
    out.end();
    await Promise.race([finished(out), failed]);
  }
  return size;
}

/** A `file:` artifact: copied into the cache through the same hashing path. */
async function copyLocal(d: ArtifactDownload, ctx: DownloadContext): Promise<Fetched> {
  const { part } = partialFiles(d.archive);
  const source = fileURLToPath(d.url);
  try {
    ctx.progress.start(d.url.href, statSync(source).size, 0);
    writeFileSync(part, '');
    const hash = createHash('sha256');
    const size = await streamInto(
      createReadStream(source, { highWaterMark: 1 << 20, signal: ctx.signal }),
      part,
      hash,
      0,
      d.expected,
      ctx,
    );
    ctx.progress.finish();
    return { measured: { sha256: hash.digest('hex'), size }, resumed: false };
  } catch (error) {
    if (isLauncherError(error) || ctx.signal?.aborted) throw error;
    throw new LauncherError('E_NETWORK', `cannot read ${d.url.href}: ${(error as Error).message}`, {
      hint: 'The index names a local file that is missing or unreadable; check the distribution directory.',
      cause: error,
    });
  }
}
