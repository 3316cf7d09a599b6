// Getting an artifact's bytes into its partial file: one HTTP attempt at a time (resuming with
// Range/If-Range when the partial file and its validator allow), retried with backoff; or a copy
// of a local `file:` artifact. Hashes and counts the bytes as they are written.
import {
  createReadStream,
  createWriteStream,
  existsSync,
  lstatSync,
  readFileSync,
  renameSync,
  type Stats,
  statSync,
  writeFileSync,
} from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { fileSystemRefusal, isLauncherError, LauncherError } from '../errors.js';
import type { HttpClient, HttpResponse } from '../index/http-client.js';
import { HttpStatusError, headerList, headerValue } from '../index/http-settings.js';
import { withRetries } from '../index/retry.js';
import { redactUrl } from '../index/url-secrets.js';
import { nodeCrypto } from '../util/random.js';
import { appendHashed } from './append-hashed.js';
import type { ArtifactDownload, DownloadContext } from './download.js';
import { partialFiles, removePartial } from './layout.js';
import { formatBytes } from './progress.js';
import { byteLimit, hashInto, type Measured, measureFile } from './verify.js';

// The partial file becomes the cached archive, unpacked after it is verified: no one else may
// write to it, whatever the umask (without a mode, umask 000 made it 0666).
const OWN_FILE_MODE = 0o644;

/** The validators that make a partial file resumable, saved beside it. */
interface PartialMeta {
  /**
   * Without secrets (`redactUrl`): the file may be read by others, and a signed URL whose token
   * changed still names the same file (the validator and the sha256 check the bytes).
   */
  readonly url: string;
  readonly etag: string | null;
  readonly lastModified: string | null;
}

/** What was fetched, and whether it continued bytes kept from an earlier attempt. */
export interface Fetched {
  readonly measured: Measured;
  readonly resumed: boolean;
}

/**
 * Fill the partial file of `d` to the end: over HTTP with retries (resuming unless
 * `allowResume` is false), or by copying a `file:` URL.
 */
export async function fetchToPartial(
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
    refused:
      'The index names an archive that its server does not have. Run the command again later ' +
      '(a release may still be uploading); if it keeps failing, tell whoever publishes the index.',
  });
}

/** A partial file that can be resumed: its size and its validator. */
interface ResumeState {
  readonly have: number;
  readonly meta: PartialMeta;
  readonly validator: string;
}

/** The partial file's size and its validator, when it can be resumed. */
async function resumeState(d: ArtifactDownload, ctx: DownloadContext): Promise<ResumeState | null> {
  const { part, meta, copy } = partialFiles(d.archive);
  try {
    const kept = lstatSync(part);
    const saved = JSON.parse(readFileSync(meta, 'utf8')) as PartialMeta;
    const validator = saved.etag ?? saved.lastModified;
    if (kept.size === 0 || saved.url !== redactUrl(d.url) || !validator) return null;
    // More than the whole file: no server would continue it (a 416), so it is not worth copying.
    if (d.expected.size !== undefined && kept.size > d.expected.size) return null;
    if (!(await keptPrivately({ part, meta, copy }, kept, saved, ctx))) return null;
    return { have: kept.size, meta: saved, validator };
  } catch (error) {
    // Ctrl-C during the copy of a partial others may write: the install stops, as at any step.
    if (ctx.signal?.aborted) throw error;
    return null;
  }
}

/**
 * Whether a kept partial file may be continued, made the user's alone first. An older launcher
 * made it (and its validators) 0666 under umask 000: its bytes are copied into a new file of the
 * user's, which takes its place. A chmod would not do: whoever opened it for writing meanwhile
 * would keep that descriptor, and could change the bytes after they were hashed, past the
 * sha256 check. Another user's file (or no regular file) is not continued: the download starts
 * over.
 */
async function keptPrivately(
  { part, meta, copy }: { part: string; meta: string; copy: string },
  kept: Stats,
  saved: PartialMeta,
  { progress, signal }: DownloadContext,
): Promise<boolean> {
  const uid = process.getuid?.();
  // Where there are no uids (Windows), the home's ACLs rule.
  if (uid === undefined) return true;
  if (!kept.isFile() || kept.uid !== uid) return false;
  const loose = (st: Stats) => st.uid !== uid || (st.mode & 0o022) !== 0;
  // The validators are only read, but are an own file all the same: 0644 at most.
  if (loose(lstatSync(meta))) freshFile(meta, JSON.stringify(saved));
  if (!loose(kept)) return true;
  // Gigabytes take seconds to copy, before the download's own line: say why nothing shows.
  progress.note(
    `copying the partial download (${formatBytes(kept.size)}), which others may write, into a file of launcher's own`,
  );
  try {
    await pipeline(
      createReadStream(part),
      createWriteStream(copy, { flags: 'wx', mode: OWN_FILE_MODE }),
      { signal },
    );
    renameSync(copy, part);
    return true;
  } catch (error) {
    removePartial(copy);
    // Stopped by Ctrl-C or kill: the old partial file is still there for the next install.
    if (signal?.aborted) throw error;
    // No room for the copy, say: starting over replaces the partial file, and says any trouble.
    return false;
  }
}

/**
 * A new file of the user's with `content`, never an old one truncated: that would keep its mode
 * and owner (an older launcher's may be 0666), and any descriptor others hold on it.
 */
function freshFile(file: string, content: string): void {
  removePartial(file);
  writeFileSync(file, content, { mode: OWN_FILE_MODE, flag: 'wx' });
}

/** One HTTP attempt: resume the partial file with Range/If-Range, or (re)start it. */
async function attempt(
  d: ArtifactDownload,
  ctx: DownloadContext,
  client: HttpClient,
  allowResume: boolean,
): Promise<Fetched> {
  const state = allowResume ? await resumeState(d, ctx) : null;
  if (state && state.have === d.expected.size) {
    // Killed after the last byte but before the rename: nothing left to fetch.
    return { measured: await measureFile(partialFiles(d.archive).part), resumed: true };
  }
  const headers: Record<string, string> = {};
  if (state) {
    headers.range = `bytes=${state.have}-`;
    headers['if-range'] = state.validator;
  }
  const res = await client.get(d.url, { headers, signal: ctx.signal });
  try {
    return await takeAnswer(d, ctx, client, state, res);
  } catch (error) {
    // Given up on the answer (its partial file cannot be replaced or read, say): unread, its
    // body would keep the connection busy until garbage collected, and a long-lived process
    // (`launcher lsp --start` installs) goes on. Closed at once rather than dumped, which would
    // wait on a server that trickles. A body read or dumped already is left as it is.
    res.body.destroy();
    throw error;
  }
}

/** The server's answer to an attempt: continue the partial file, start it over, or give up. */
async function takeAnswer(
  d: ArtifactDownload,
  ctx: DownloadContext,
  client: HttpClient,
  state: ResumeState | null,
  res: HttpResponse,
): Promise<Fetched> {
  const { part, meta } = partialFiles(d.archive);
  let from = 0;
  let total: number | undefined;
  const range = /^bytes (\d+)-\d+\/(\d+)$/.exec(headerValue(res.headers, 'content-range') ?? '');
  const etag = headerValue(res.headers, 'etag');
  if (
    state &&
    res.status === 206 &&
    Number(range?.[1]) === state.have &&
    (!etag || !state.meta.etag || etag === state.meta.etag)
  ) {
    from = state.have;
    total = Number(range![2]);
    const refused = await refuseAnnounced(d, res, from);
    if (refused) return refused;
  } else if (res.status === 200) {
    total = Number(headerValue(res.headers, 'content-length')) || undefined;
    const refused = await refuseAnnounced(d, res, 0);
    if (refused) return refused;
    // Order matters: no meta while the file is truncated, so a kill in between never pairs
    // new validators with old bytes.
    removePartial(meta);
    freshFile(part, '');
    const strong = etag && !etag.startsWith('W/') ? etag : null;
    const lastModified = headerValue(res.headers, 'last-modified');
    if (strong || lastModified) {
      const saved: PartialMeta = {
        url: redactUrl(d.url),
        etag: strong,
        lastModified: strong ? null : lastModified,
      };
      writeFileSync(meta, JSON.stringify(saved), { mode: OWN_FILE_MODE });
    }
  } else if (state && (res.status === 206 || res.status === 416)) {
    // The server does not agree with the partial file: forget it and start over.
    await res.body.dump();
    removePartial(part, meta);
    return attempt(d, ctx, client, false);
  } else {
    await res.body.dump();
    throw new HttpStatusError(d.url, res.status);
  }

  const hash = nodeCrypto().createHash('sha256');
  if (from > 0) await hashInto(part, hash);
  ctx.progress.start(redactUrl(d.url), total ?? d.expected.size, from);
  const appended = await appendHashed(
    res.body,
    { part, hash, from, resumable: existsSync(meta) },
    d.expected,
    ctx.progress,
  );
  endProgress(ctx, d, appended);
  const measured: Measured = { sha256: hash.digest('hex'), ...appended, ...encodingOf(res) };
  return { measured, resumed: from > 0 };
}

/**
 * An answer whose Content-Length already says the file will not be what the index promises
 * (another size than its `size`; without one, more than the cap) is refused before a byte of
 * its body is read, rather than judged after up to 4 GiB of it. `from` is what a resumed
 * download already has. Null when the headers announce nothing wrong (or no length).
 */
async function refuseAnnounced(
  d: ArtifactDownload,
  res: HttpResponse,
  from: number,
): Promise<Fetched | null> {
  const length = headerValue(res.headers, 'content-length');
  if (length === null || !/^\d+$/.test(length)) return null;
  const size = from + Number(length);
  const fits =
    d.expected.size === undefined ? size <= byteLimit(d.expected) : size === d.expected.size;
  if (fits) return null;
  // Past 128 KiB undici closes the connection at once instead of reading the body through.
  await res.body.dump();
  return { measured: { sha256: '', size, announced: true, ...encodingOf(res) }, resumed: from > 0 };
}

/** The Content-Encoding an archive came with (never undone), for the verdict's hint. */
function encodingOf(res: HttpResponse): Pick<Measured, 'contentEncoding'> {
  const encoding = headerList(res.headers, 'content-encoding');
  return encoding && encoding !== 'identity' ? { contentEncoding: encoding } : {};
}

/** A `file:` artifact: copied into the cache through the same hashing path. */
async function copyLocal(d: ArtifactDownload, ctx: DownloadContext): Promise<Fetched> {
  const { part } = partialFiles(d.archive);
  const source = fileURLToPath(d.url);
  try {
    ctx.progress.start(redactUrl(d.url), statSync(source).size, 0);
    freshFile(part, '');
    const hash = nodeCrypto().createHash('sha256');
    const appended = await appendHashed(
      createReadStream(source, { highWaterMark: 1 << 20, signal: ctx.signal }),
      { part, hash, from: 0, resumable: false },
      d.expected,
      ctx.progress,
    );
    endProgress(ctx, d, appended);
    return { measured: { sha256: hash.digest('hex'), ...appended }, resumed: false };
  } catch (error) {
    // A copy is never continued (it is made again), so a failed one only takes up space.
    removePartial(part);
    if (isLauncherError(error) || ctx.signal?.aborted) throw error;
    // Writing the copy into the cache failed: this machine's trouble, said as such.
    const refusal = fileSystemRefusal(error);
    if (refusal && (error as { path?: unknown }).path !== fileURLToPath(d.url)) throw refusal;
    throw new LauncherError(
      'E_NETWORK',
      `cannot read ${redactUrl(d.url)}: ${(error as Error).message}`,
      {
        hint: 'The index names a local file that is missing or unreadable; check the distribution directory.',
        cause: error,
      },
    );
  }
}

// Stopped for growing past the declared size (or the cap): no "downloaded" line for bytes that
// were not kept.
function endProgress(
  ctx: DownloadContext,
  d: ArtifactDownload,
  appended: { overflowed?: boolean },
): void {
  if (!appended.overflowed) ctx.progress.finish();
  else if (d.expected.size !== undefined)
    ctx.progress.note('stopped: the download is larger than the index says');
  else ctx.progress.note('stopped: the download is larger than launcher takes without a size');
}
