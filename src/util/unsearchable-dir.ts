// Whether a directory can be reached by its path: each directory on the way must let this user
// search it (the x permission), though a process already inside it needs none of them.
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { isAccessDenied } from '../errors.js';

/**
 * Whether this user may not pass through `dir` by its path (EACCES, EPERM): `dir`, or a
 * directory above it, lacks the search permission. A missing directory is not denied.
 */
export function searchDenied(dir: string): boolean {
  try {
    accessSync(dir, constants.X_OK);
    return false;
  } catch (error) {
    return isAccessDenied(error);
  }
}

/**
 * The directory that keeps this user from reaching `dir` (`dir` itself, or the topmost one above
 * it that may not be searched), or undefined when `dir` can be reached. Walks up while denied:
 * the last denied one is the first of the path that lacks the permission.
 */
function unsearchableDir(dir: string): string | undefined {
  let blocked: string | undefined;
  for (let at = path.resolve(dir); searchDenied(at); at = path.dirname(at)) {
    blocked = at;
    if (path.dirname(at) === at) break;
  }
  return blocked;
}

/**
 * What keeps `dir` out of reach, for a message: `permission denied`, and which directory may not
 * be searched when it is one above `dir`; and the fix, a sentence to go on. Undefined when `dir`
 * can be reached (the denial came from elsewhere).
 */
export function searchRefusal(dir: string): { why: string; fix: string } | undefined {
  const blocked = unsearchableDir(dir);
  if (blocked === undefined) return undefined;
  const where = blocked === path.resolve(dir) ? '' : ` (${blocked} may not be searched)`;
  return {
    why: `permission denied${where}`,
    fix: `Make ${blocked} searchable for you (the x permission, which its owner can grant)`,
  };
}
