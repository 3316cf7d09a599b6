// The real path of a file or directory, for comparing places however they were reached.
import { realpathSync } from 'node:fs';
import path from 'node:path';

/**
 * `file` resolved to absolute with every symbolic link followed (one realpath(3) call), or just
 * resolved when that fails (missing, unreadable): whoever uses it then says what is wrong.
 */
export function realPathOr(file: string): string {
  const absolute = path.resolve(file);
  try {
    return realpathSync.native(absolute);
  } catch {
    return absolute;
  }
}
