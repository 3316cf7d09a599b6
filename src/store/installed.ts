// The inventory of installed versions: directories under `versions/` that carry a receipt.
import { accessSync, readdirSync } from 'node:fs';
import { errnoCode } from '../errors.js';
import { type LauncherPaths, receiptPath } from '../paths.js';
import { type Request, satisfies, sortDescending } from '../version/request.js';
import { readReceipt } from './receipt.js';

/** True when `versions/<version>/` exists with its receipt. */
export function isInstalled(paths: LauncherPaths, version: string): boolean {
  try {
    accessSync(receiptPath(paths, version));
    return true;
  } catch {
    return false;
  }
}

/**
 * True when `version` is installed and its receipt is not damaged (`inspectReceipt`): what
 * `install` needs in order to do nothing. Reads the receipt, where `isInstalled` only sees it.
 */
export function isIntact(paths: LauncherPaths, version: string): boolean {
  return readReceipt(paths, version) !== null;
}

/** Names under `versions/` that look like versions, highest first, receipt or not. */
function candidateVersions(paths: LauncherPaths): string[] {
  try {
    return sortDescending(readdirSync(paths.versions));
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw error;
  }
}

/** Every installed version, highest first. */
export function listInstalled(paths: LauncherPaths): string[] {
  return candidateVersions(paths).filter((v) => isInstalled(paths, v));
}

/**
 * The highest installed version satisfying the request, or null. An exact request costs one
 * `access`; a range one `readdir` plus one `access` per candidate until the first installed hit.
 */
export function resolveInstalled(paths: LauncherPaths, request: Request): string | null {
  if (request.kind === 'system') return null;
  if (request.kind === 'exact') return isInstalled(paths, request.version) ? request.version : null;
  for (const v of candidateVersions(paths)) {
    if (satisfies(request, v) && isInstalled(paths, v)) return v;
  }
  return null;
}
