// Fetching an artifact into the download cache: streamed to a partial file and hashed on the
// way, resumed with Range when the server allows it, retried with backoff, and verified (sha256
// and size) before anyone unpacks it. A verified archive stays cached for the next install.
import { existsSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { isOffline } from '../config/switches.js';
import { isLauncherError, LauncherError } from '../errors.js';
import type { HttpClient } from '../index/http-client.js';
import { namesIn } from '../util/names-in.js';
import { makeOwnDir } from '../util/own-dir.js';
import { fetchToPartial } from './fetch-partial.js';
import { dropDirIfEmpty, partialFiles, removePartial } from './layout.js';
import type { Progress } from './progress.js';
import { type Expected, type Measured, measureFile, mismatch } from './verify.js';

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

/**
 * The verified archive of `d`, from the cache when a good copy is there (no network), else
 * downloaded. A cached copy or download that fails verification is discarded, never kept, as is
 * a partial download that cannot be resumed; a failure leaves no empty directory of the version
 * behind.
 */
export async function obtainArchive(
  d: ArtifactDownload,
  ctx: DownloadContext,
): Promise<{ file: string; downloaded: boolean }> {
  try {
    return await obtain(d, ctx);
  } catch (error) {
    // Also when the directory was there before: its partial download may be what was discarded.
    dropDirIfEmpty(d.archive);
    throw error;
  }
}

async function obtain(
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
  makeOwnDir(path.dirname(d.archive));
  const { part, meta, copy } = partialFiles(d.archive);
  // The caller holds the version's lock: a copy of the partial file is a killed run's leftover,
  // which the sweep spares (it keeps the partial download of the version being installed).
  removePartial(copy);
  const discard = () => removePartial(part, meta);
  try {
    let fetched = await fetchToPartial(d, ctx, true);
    let problem = mismatch(d.expected, fetched.measured);
    if (problem && fetched.resumed) {
      // The bytes kept from before may not belong to this file after all (or the server sent
      // more than the rest of it): start over once.
      ctx.progress.note('the resumed download did not verify; downloading it again from the start');
      discard();
      fetched = await fetchToPartial(d, ctx, false);
      problem = mismatch(d.expected, fetched.measured);
    }
    if (problem) throw problem;
  } catch (error) {
    const bad = isLauncherError(error) && (error.code === 'E_CHECKSUM' || error.code === 'E_SIZE');
    // Without its validator a partial download can only be started over, never resumed: keep
    // none of it (a server that sends neither ETag nor Last-Modified may have sent gigabytes).
    if (bad || !existsSync(meta)) discard();
    throw error;
  }
  renameSync(part, d.archive);
  removePartial(meta);
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

/**
 * A re-published build (new checksum, new file name) makes the older archives of the version
 * stale; anything else there (a directory made by hand) is the cache's clutter. Housekeeping
 * after the archive is in place: what cannot go stays, and the install goes on.
 */
function pruneOtherArchives(keep: string): void {
  const dir = path.dirname(keep);
  for (const name of namesIn(dir)) {
    const file = path.join(dir, name);
    if (file === keep || name.endsWith('.part') || name.endsWith('.part.json')) continue;
    try {
      rmSync(file, { recursive: true, force: true });
    } catch {
      // Not ours to remove after all (another user's, in a shared cache): it only takes room.
    }
  }
}
