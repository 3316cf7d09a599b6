// Deleting what launcher put under versions/ (old copies, leftovers of dead installers), also when
// the user made it read-only, and saying what could not be deleted instead of failing over it.
import { chmodSync, lstatSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileSystemProblem, isAccessDenied } from '../errors.js';
import { quotePosix } from '../shim/shell-quote.js';
import { namesIn } from '../util/names-in.js';

/**
 * Remove `target` and everything under it. A directory the user made read-only (`chmod -R a-w`
 * on a toolchain, a plausible thing to do) cannot be emptied: when the removal is refused, every
 * directory in the tree gets its owner's read, write and search permission, and it is tried
 * again, as `chmod -R u+rwX` then `rm -rf` would. Throws what still refuses (another user's
 * directory, a read-only mount).
 */
function removeTree(target: string): void {
  try {
    rmSync(target, { recursive: true, force: true, maxRetries: 2 });
    return;
  } catch (error) {
    // A refusal a directory's own mode explains, which adding the owner's permissions may cure.
    if (!isAccessDenied(error)) throw error;
  }
  openUp(target);
  rmSync(target, { recursive: true, force: true, maxRetries: 2 });
}

// Only after a refusal, which root does not meet from modes: so chmod changes only the user's
// own directories (one it may not change is left for rmSync to report).
function openUp(dir: string): void {
  let mode: number;
  try {
    const st = lstatSync(dir);
    if (!st.isDirectory()) return;
    mode = st.mode & 0o7777;
    if ((mode & 0o700) !== 0o700) chmodSync(dir, mode | 0o700);
  } catch {
    return;
  }
  for (const name of namesIn(dir)) openUp(path.join(dir, name));
}

/**
 * Remove `target` as `removeTree` does, as a step that is not worth failing for (a leftover, the
 * old copy of a version already replaced): what still refuses goes to `warn`, naming the
 * directory, the reason and the commands that remove it. True when it is gone.
 */
export function removeOrWarn(target: string, warn: (warning: string) => void): boolean {
  try {
    removeTree(target);
    return true;
  } catch (error) {
    const reason = fileSystemProblem(error)?.message ?? (error as Error).message;
    warn(`warning: ${target} could not be deleted (${reason}); ${deleteYourself(target)}`);
    return false;
  }
}

/** How a person deletes a leftover launcher could not: also the fix `launcher doctor` gives. */
export function deleteYourself(target: string): string {
  const quoted = quotePosix(target);
  return `launcher needs nothing in it: delete it as its owner (or root) with \`chmod -R u+rwX ${quoted} && rm -rf ${quoted}\``;
}

/**
 * Where an install's warnings go (those of `removeOrWarn`, the index loader's notes): a line of
 * `output` each, after `launcher: `; nowhere when it is null.
 */
export function warnTo(output: NodeJS.WritableStream | null): (warning: string) => void {
  return (warning) => output?.write(`launcher: ${warning}\n`);
}
