// Replace a file's content all at once: readers see the old file or the new one, never a mix.
import { chmodSync, chownSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { errnoCode } from '../errors.js';
import { makeOwnDir } from './own-dir.js';
import { randomHex } from './random.js';

export interface AtomicWriteOptions {
  /**
   * Create the file's missing parent directories (the default, for files in launcher's own
   * home). False for files in the user's directories, where a missing one is a mistake to report.
   */
  readonly createParents?: boolean;
  /**
   * The file being replaced (this user's own), whose inode the rename drops: the new file gets
   * its mode (exactly, whatever the umask) and its group, when this user belongs to it.
   */
  readonly keep?: { readonly mode: number; readonly gid: number };
  /**
   * Asked once the new content is complete, right before it replaces the file: false leaves the
   * file as it is (the new content is dropped). For a writer that may have lost its lock.
   */
  readonly beforeRename?: () => boolean;
}

/** Write to a temporary sibling, then rename over the target; false when beforeRename said no. */
export function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  mode = 0o644,
  options: AtomicWriteOptions = {},
): boolean {
  if (options.createParents ?? true) makeOwnDir(path.dirname(file));
  const tmp = `${file}.${process.pid}.${randomHex(4)}.tmp`;
  try {
    writeFileSync(tmp, data, { mode, flag: 'wx' });
  } catch (error) {
    // Exclusive: a name someone else took is not ours to remove.
    if (errnoCode(error) !== 'EEXIST') rmSync(tmp, { force: true });
    throw namingTarget(error, tmp, file);
  }
  try {
    if (options.keep) keepGroupAndMode(tmp, options.keep);
    if (options.beforeRename?.() === false) {
      rmSync(tmp, { force: true });
      return false;
    }
    renameSync(tmp, file);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw namingTarget(error, tmp, file);
  }
  return true;
}

/**
 * A system error about the temporary file, made to name `file`: the one the user knows, and the
 * one a message should name (the temporary file is gone by then).
 */
function namingTarget(error: unknown, tmp: string, file: string): unknown {
  const system = error as { path?: unknown };
  if (system?.path === tmp) system.path = file;
  return error;
}

function keepGroupAndMode(tmp: string, keep: NonNullable<AtomicWriteOptions['keep']>): void {
  try {
    chownSync(tmp, -1, keep.gid);
  } catch {
    // A group this user does not belong to: the new file keeps the user's own.
  }
  // After chown, which may clear set-id bits.
  chmodSync(tmp, keep.mode);
}
