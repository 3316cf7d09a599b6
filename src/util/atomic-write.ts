// Replace a file's content all at once: readers see the old file or the new one, never a mix.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { errnoCode } from '../errors.js';
import { randomHex } from './random.js';

export interface AtomicWriteOptions {
  /**
   * Create the file's missing parent directories (the default, for files in launcher's own
   * home). False for files in the user's directories, where a missing one is a mistake to report.
   */
  readonly createParents?: boolean;
}

/** Write to a temporary sibling, then rename over the target. */
export function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  mode = 0o644,
  options: AtomicWriteOptions = {},
): void {
  if (options.createParents ?? true) mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomHex(4)}.tmp`;
  try {
    writeFileSync(tmp, data, { mode, flag: 'wx' });
  } catch (error) {
    // Exclusive: a name someone else took is not ours to remove.
    if (errnoCode(error) !== 'EEXIST') rmSync(tmp, { force: true });
    throw error;
  }
  try {
    renameSync(tmp, file);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}
