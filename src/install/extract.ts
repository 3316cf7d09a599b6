// Unpacking a verified archive into a staging directory with node-tar, every entry judged by the
// archive guard first; one bad entry rejects the whole archive.
import { createReadStream } from 'node:fs';
import { type ReadEntry, Unpack } from 'tar';
import { LauncherError } from '../errors.js';
import { ArchiveGuard } from './archive-guard.js';
import { announceHold, holdRequested } from './test-hook.js';

export interface ExtractOptions {
  /** Leading path components to remove from every entry. */
  readonly strip: number;
  /** "mycc 1.4.2 (https://…)", for messages. */
  readonly what: string;
  readonly signal?: AbortSignal | undefined;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Unpack `archive` (tar, gzip detected by its magic bytes) into the empty directory `staging`.
 * Resolves only once node-tar has finished every write, so on failure the caller can delete
 * `staging` knowing nothing more will appear in it.
 */
export async function extractArchive(
  archive: string,
  staging: string,
  options: ExtractOptions,
): Promise<void> {
  const guard = new ArchiveGuard(options.strip);
  let failure: unknown;
  const fail = (error: unknown) => {
    failure ??= error;
  };
  const unsafe = (reason: string) =>
    new LauncherError('E_UNSAFE_ARCHIVE', `refusing to unpack ${options.what}: ${reason}`, {
      hint: 'Nothing of it was installed. The archive is broken or hostile; tell the vendor.',
    });
  const damaged = (reason: string, cause?: unknown) =>
    new LauncherError('E_BAD_ARCHIVE', `cannot unpack ${options.what}: ${reason}`, {
      hint: 'The archive matched its checksum, so the vendor published a damaged or unsupported file; tell them.',
      cause,
    });

  await new Promise<void>((resolve) => {
    let holding = holdRequested(options.env, 'extract');
    // Small reads when holding, so the parser really stops inside the archive.
    const source = createReadStream(archive, { highWaterMark: holding ? 4096 : 1 << 20 });
    const unpack = new Unpack({
      cwd: staging,
      strip: options.strip,
      // Never chown to the archive's owners, even as root.
      preserveOwner: false,
      filter: (_path, entry) => {
        // Once rejected, the rest is read through without writing anything, so that every
        // write already started finishes before we return.
        if (failure !== undefined) return false;
        if (options.signal?.aborted) {
          fail(options.signal.reason);
          return false;
        }
        const verdict = guard.check(entry as ReadEntry);
        if (!verdict.ok) {
          fail(unsafe(verdict.reason));
          return false;
        }
        if (holding && !verdict.skip && (entry as ReadEntry).type === 'File') {
          // Frozen in the middle of the first file until a signal arrives; then the rest is read
          // through like any interruption.
          holding = false;
          announceHold('extract', staging);
          source.unpipe();
          options.signal?.addEventListener('abort', () => source.pipe(unpack), { once: true });
        }
        return !verdict.skip;
      },
      onwarn: (code, message) => {
        if (code !== 'TAR_ENTRY_INFO') fail(damaged(message));
      },
    });
    unpack.on('error', (error: Error) => fail(damaged(error.message, error)));
    unpack.on('close', () => resolve());
    source.on('error', (error) => {
      fail(damaged(error.message, error));
      unpack.end();
    });
    source.pipe(unpack);
  });

  if (failure !== undefined) throw failure;
  options.signal?.throwIfAborted();
  const final = guard.finalCheck();
  if (!final.ok) throw unsafe(final.reason);
}
