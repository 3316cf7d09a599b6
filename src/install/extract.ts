// Unpacking a verified archive into a staging directory with node-tar, every entry judged by the
// archive guard first; one bad entry rejects the whole archive.
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { type ReadEntry, Unpack } from 'tar';
import { fileSystemRefusal, LauncherError } from '../errors.js';
import { ArchiveGuard } from './archive-guard.js';
import { announceHold, holdRequested } from './test-hook.js';

const GUNZIP_CHUNK = 1 << 20;

// The only bits of an archive's modes that reach the disk: read, write and execute, but not write
// for others, and no set-uid, set-gid or sticky bit (as root, node-tar would otherwise create a
// set-uid root program that any user could run). The process umask then applies as to any new
// file, since node-tar, without `chmod`, leaves the modes to open(2) and mkdir(2).
const KEPT_MODE_BITS = 0o775;

export interface ExtractOptions {
  /** Leading path components to remove from every entry. */
  readonly strip: number;
  /** "mycc 1.4.2 (https://…)", for messages. */
  readonly what: string;
  readonly signal?: AbortSignal | undefined;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * The archive's tar bytes, gunzipped here (node:zlib) when the file starts with gzip's magic
 * bytes. node-tar's own decompression aborts on a cut stream without waiting for the writes it
 * started; fed plain tar, it reports the truncation and still finishes them.
 */
function tarBytes(
  archive: string,
  highWaterMark: number,
  onError: (error: Error) => void,
): Readable {
  const magic = Buffer.alloc(2);
  const fd = openSync(archive, 'r');
  try {
    readSync(fd, magic, 0, 2, 0);
  } finally {
    closeSync(fd);
  }
  const source = createReadStream(archive, { highWaterMark });
  source.on('error', onError);
  if (magic[0] !== 0x1f || magic[1] !== 0x8b) return source;
  // zlib's default output chunk is 16 KiB: each one a trip through the thread pool and a pass
  // through node-tar. 1 MiB chunks unpack 100 MiB in ~0.13 s instead of ~0.75 s here.
  const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK });
  gunzip.on('error', onError);
  return source.pipe(gunzip);
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
    let input: Readable;
    const unpack = new Unpack({
      cwd: staging,
      strip: options.strip,
      // Never chown to the archive's owners, even as root.
      preserveOwner: false,
      // Entries without a mode, and the directories node-tar creates on its own (else 0666, 0777).
      fmode: 0o664,
      dmode: 0o775,
      // Runs before node-tar's own 'entry' listener, which writes the entry with this mode.
      onReadEntry: (entry) => {
        if (typeof entry.mode === 'number') entry.mode &= KEPT_MODE_BITS;
      },
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
          input.unpipe(unpack);
          options.signal?.addEventListener('abort', () => input.pipe(unpack), { once: true });
        }
        return !verdict.skip;
      },
      onwarn: (code, message, data) => {
        if (code === 'TAR_ENTRY_INFO') return;
        // A full disk or a refused write is this machine's trouble, not the archive's: E_IO,
        // naming the file being written (a write error names none), and the archive is kept.
        const refusal = fileSystemRefusal(data, {
          file: (data.entry as ReadEntry | undefined)?.absolute ?? staging,
          noRoom:
            'The files unpacked so far were removed; the verified archive stays in the download ' +
            'cache, so the next install does not download it again.',
        });
        // node-tar's words ("checksum failure": of a tar header) are said to be about the tar
        // data, not to be taken for the sha256 check, which passed.
        fail(refusal ?? damaged(`its tar data is invalid (${message})`));
      },
    });
    unpack.on('error', (error: Error) =>
      fail(damaged(`its tar data is invalid (${error.message})`, error)),
    );
    // 'close' comes once every write has finished, also after an 'error' for a cut stream.
    unpack.on('close', () => resolve());
    // node-tar's own abort ends without 'close'; it only happens when node-tar decompresses,
    // which tarBytes spares it, but a hang here would be worse than an early return.
    unpack.on('abort', () => setImmediate(resolve));
    // Small reads when holding, so the parser really stops inside the archive.
    input = tarBytes(archive, holding ? 4096 : 1 << 20, (error) => {
      fail(damaged(error.message, error));
      input.unpipe(unpack);
      unpack.end();
    });
    input.pipe(unpack);
  });

  if (failure !== undefined) throw failure;
  options.signal?.throwIfAborted();
  const final = guard.finalCheck();
  if (!final.ok) throw unsafe(final.reason);
}
