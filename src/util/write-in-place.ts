// Rewrite a file in place (the same file, so its owner, mode and ACL stay), all or nothing.
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';

/**
 * Replace the content of the existing `file` with `data`, as `echo … > file` would, but without
 * emptying it first: a write refused part way (a full disk, a quota, the file size limit) puts
 * back the bytes it overwrote and the old length before the error is thrown, so the file is left
 * as it was, never empty or half written. Only what the new content can overwrite is kept, so
 * the old file may be of any size. The file is opened for reading too, to keep those bytes.
 */
export function writeInPlace(file: string, data: Uint8Array): void {
  const fd = openSync(file, 'r+');
  try {
    const oldSize = fstatSync(fd).size;
    const old = Buffer.alloc(Math.min(oldSize, data.length));
    const kept = fill(fd, old);
    const progress = { written: 0 };
    try {
      writeAll(fd, data, progress);
      ftruncateSync(fd, data.length);
    } catch (error) {
      // The old bytes go back only where new ones were just written, so they need no more room,
      // and cutting the file back to its old length can only shrink it. Only an I/O error or a
      // copy-on-write file system out of space could still fail it: the first error is the news.
      try {
        writeAll(fd, old.subarray(0, Math.min(progress.written, kept)));
        ftruncateSync(fd, oldSize);
      } catch {}
      throw error;
    }
  } finally {
    closeSync(fd);
  }
}

// Read from the start of the file into `buffer` until it is full or the file ends; bytes read.
function fill(fd: number, buffer: Buffer): number {
  let filled = 0;
  while (filled < buffer.length) {
    const n = readSync(fd, buffer, filled, buffer.length - filled, filled);
    if (n === 0) break;
    filled += n;
  }
  return filled;
}

// Write `bytes` from the start of the file; `progress` tells how far it got if a write throws.
function writeAll(fd: number, bytes: Uint8Array, progress = { written: 0 }): void {
  while (progress.written < bytes.length) {
    const at = progress.written;
    progress.written += writeSync(fd, bytes, at, bytes.length - at, at);
  }
}
