// A cross-process exclusive lock: a file created with O_EXCL holding the owner's pid.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { errnoCode } from '../errors.js';

/** True when a process with this pid exists (EPERM: it exists but is not ours). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}

function ownerOf(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Try once to take the lock; a lock whose owner is gone is taken over. */
export function tryLock(file: string): boolean {
  try {
    writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o644 });
    return true;
  } catch (error) {
    if (errnoCode(error) !== 'EEXIST') throw error;
  }
  const owner = ownerOf(file);
  // An empty file may be a lock being written this instant: leave it to its owner.
  if (owner !== undefined && owner !== process.pid && !processExists(owner)) {
    rmSync(file, { force: true });
    return tryLock(file);
  }
  return false;
}

/** Wait (polling) until the lock is ours, then run `fn` and release the lock. */
export async function withLock<T>(file: string, fn: () => T | Promise<T>, pollMs = 20): Promise<T> {
  while (!tryLock(file)) await new Promise((resolve) => setTimeout(resolve, pollMs));
  try {
    return await fn();
  } finally {
    rmSync(file, { force: true });
  }
}
