// Temporary files named after the process that writes them, left behind when it was killed:
// writeFileAtomic's (`<file>.<pid>.<random>.tmp`) or the snapshot's (`shim.blob.<pid>.tmp`).
import { lstatSync, rmSync } from 'node:fs';
import path from 'node:path';
import { probeProcess } from '../session/process-identity.js';
import { namesIn } from './names-in.js';

const TEMPORARY = /\.(\d+)(?:\.[0-9a-f]+)?\.tmp$/;
// What writeFileAtomic adds to the name of the file it replaces (a pid, then randomHex(4)), and
// nothing else: a user's `.tool-version.2024.01.tmp` is not launcher's to remove.
const ATOMIC_SUFFIX = /^\.[1-9]\d{0,9}\.[0-9a-f]{8}\.tmp$/;

/**
 * True when `name` is such a temporary file and the process it names no longer runs. One whose
 * pid another process has taken since is kept: callers that can judge by age as well do so.
 */
export function isOrphanedTemporary(name: string): boolean {
  const pid = TEMPORARY.exec(name)?.[1];
  return pid !== undefined && !probeProcess(Number(pid)).alive;
}

/**
 * Remove the temporary files a killed writeFileAtomic left beside `file`, in a directory that
 * may be the user's own (a project's): only regular files named `<file>.<pid>.<hex>.tmp` whose
 * process runs no more, nothing else there. Best effort: one that cannot go stays.
 */
export function removeOrphanedTemporaries(file: string): void {
  const dir = path.dirname(file);
  const prefix = path.basename(file);
  for (const name of namesIn(dir)) {
    if (!name.startsWith(prefix) || !ATOMIC_SUFFIX.test(name.slice(prefix.length))) continue;
    if (!isOrphanedTemporary(name)) continue;
    const leftover = path.join(dir, name);
    try {
      if (lstatSync(leftover).isFile()) rmSync(leftover);
    } catch {
      // Gone meanwhile, or not ours to remove (a shared directory): it only takes room.
    }
  }
}
