// Permission errors, met for real even when the tests run as root (who may read and write
// anything): the launcher is then run as `nobody`.
import { chmodSync } from 'node:fs';

const NOBODY = 65534;

/**
 * Spawn options that run a process as a user who meets permission errors: `nobody` when the
 * tests run as root (the given directories are then opened to it, mode 0777), else the tests'
 * own user, as it is.
 */
export function asUserWithoutPrivileges(...openDirs: string[]): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  for (const dir of openDirs) chmodSync(dir, 0o777);
  return { uid: NOBODY, gid: NOBODY };
}
