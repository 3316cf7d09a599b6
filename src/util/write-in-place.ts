// Rewrite a file in place (the same file, so its owner, mode and ACL stay), all or nothing where
// the old bytes can be read.
import { closeSync, constants, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { errnoCode, messageOf } from '../errors.js';
import { readFromStart } from './read-from-start.js';

/**
 * Replace the content of the existing `file` with `data`, as `echo … > file` would, but without
 * emptying it first: a write refused part way (a full disk, a quota, the file size limit) puts
 * back the bytes it overwrote and the old length before the error is thrown, so the file is left
 * as it was, never empty or half written. Only what the new content can overwrite is kept, so
 * the old file may be of any size. The file is opened for reading too, to keep those bytes. One
 * this user may write but not read (mode 0222), which `echo` writes, is written all the same;
 * its old bytes cannot be kept, so a write refused part way empties it, as `echo` would, rather
 * than leave a mix of new and old bytes that could read as another pin (one refused before its
 * first byte leaves it as it was). Should putting back (or emptying) fail too, a NotRestoredError
 * says so. `checked`: the file the caller checked (by stat); another one found at the path (a
 * symbolic link, a FIFO, any other file) is refused and left alone.
 */
export function writeInPlace(file: string, data: Uint8Array, checked?: FileIdentity): void {
  const { fd, readable } = openToRewrite(file);
  try {
    const st = fstatSync(fd);
    // What was opened must be what the caller checked: in a directory someone else may write,
    // the file can be swapped (for a hard link, or a new file) between the check and the open.
    if (!st.isFile() || (checked && !isSameFile(st, checked))) {
      throw new Error('it was replaced by another file while launcher was about to write it');
    }
    const oldSize = st.size;
    const old = Buffer.alloc(readable ? Math.min(oldSize, data.length) : 0);
    const kept = readFromStart(fd, old);
    const progress = { written: 0 };
    try {
      writeAll(fd, data, progress);
      ftruncateSync(fd, data.length);
    } catch (error) {
      // The old bytes go back only where new ones were just written, so they need no more room,
      // and cutting the file back to its old length can only shrink it. Only an I/O error or a
      // copy-on-write file system out of space could still fail it: then the file is damaged.
      try {
        if (readable) {
          writeAll(fd, old.subarray(0, Math.min(progress.written, kept)));
          ftruncateSync(fd, oldSize);
        } else if (progress.written > 0) ftruncateSync(fd, 0);
      } catch (undoing) {
        throw new NotRestoredError(error, undoing);
      }
      throw error;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * A write refused part way whose undoing failed too: the file may be left truncated, or with new
 * bytes before old ones. `cause` is the refused write, the first news; `undoing` what failed
 * after it.
 */
export class NotRestoredError extends Error {
  readonly undoing: unknown;
  constructor(cause: unknown, undoing: unknown) {
    super(`${messageOf(cause)}; putting the old content back failed too: ${messageOf(undoing)}`, {
      cause,
    });
    this.name = 'NotRestoredError';
    this.undoing = undoing;
  }
}

/** The identity of a file as stat gives it, to tell it from one put at its path since. */
export interface FileIdentity {
  readonly dev: number;
  readonly ino: number;
}

/** Whether `a` and `b` (when there is a `b`) are one file: the same device and inode. */
export function isSameFile(a: FileIdentity, b: FileIdentity | undefined): boolean {
  return b !== undefined && a.dev === b.dev && a.ino === b.ino;
}

// Never through a symbolic link put at the path since it was checked (ELOOP), and never
// waiting for a reader of a FIFO put there (ENXIO): neither flag changes a regular file.
const GUARDS = (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

// Open for reading and writing; a file this user may only write is opened for writing alone
// (when writing is refused too, that is the error to report).
function openToRewrite(file: string): { fd: number; readable: boolean } {
  try {
    return { fd: openSync(file, constants.O_RDWR | GUARDS), readable: true };
  } catch (error) {
    if (errnoCode(error) !== 'EACCES') throw error;
    return { fd: openSync(file, constants.O_WRONLY | GUARDS), readable: false };
  }
}

// Write `bytes` from the start of the file; `progress` tells how far it got if a write throws.
function writeAll(fd: number, bytes: Uint8Array, progress = { written: 0 }): void {
  while (progress.written < bytes.length) {
    const at = progress.written;
    progress.written += writeSync(fd, bytes, at, bytes.length - at, at);
  }
}
