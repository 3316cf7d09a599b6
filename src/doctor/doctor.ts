// `launcher doctor`: every check in the order a compiler call depends on them, and the verdict.
import type { LauncherContext } from '../context.js';
import { type Check, type Finding, type RunChecksOptions, runChecks } from './check.js';
import { checkDirectories } from './dirs-check.js';
import { checkIndex } from './index-check.js';
import { checkLeftovers } from './leftovers-check.js';
import { checkPath } from './path-check.js';
import { checkShims } from './shims-check.js';
import { checkSnapshot } from './snapshot-check.js';
import { checkSocketDirectory } from './socket-check.js';
import { checkVersions } from './versions-check.js';

/** The checks, named for the report when one cannot run at all. */
function doctorChecks(ctx: LauncherContext): [string, Check][] {
  return [
    ['PATH', () => checkPath(ctx)],
    ['directories', () => checkDirectories(ctx.paths)],
    ['socket directory', () => checkSocketDirectory(ctx.paths)],
    ['distribution index', () => checkIndex(ctx)],
    ['installed versions', () => checkVersions(ctx.paths)],
    ['leftovers', () => checkLeftovers(ctx.paths)],
    ['shims', () => checkShims(ctx)],
    ['shim start-up snapshot', () => checkSnapshot(ctx)],
  ];
}

/** Run every check. Nothing is repaired: doctor reports, and each failure says how to fix it. */
export function runDoctor(
  ctx: LauncherContext,
  options: RunChecksOptions = {},
): Promise<Finding[]> {
  return runChecks(doctorChecks(ctx), options);
}
