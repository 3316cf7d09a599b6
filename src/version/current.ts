// The version in force for a directory: the request, where it came from, and what satisfies it.
import type { LauncherContext } from '../context.js';
import { type LocalIndex, readLocalIndex } from '../index/local-index.js';
import { resolveInstalled } from '../store/installed.js';
import { highestSatisfying } from './request.js';
import { requireRequest, type SourcedRequest } from './requested.js';
import { findSystemBin } from './system.js';

/** The answer of `launcher current`. */
export interface CurrentVersion {
  readonly sourced: SourcedRequest;
  /**
   * The exact version the request resolves to: the highest installed one that satisfies it,
   * else the highest in the index known locally (not installed); `system`; or null when nothing
   * known satisfies it.
   */
  readonly version: string | null;
  readonly installed: boolean;
  /**
   * The index looked in when nothing installed satisfies the request (a `file:` index, or the
   * cached copy: never the network); null when there was none, or no need to look.
   */
  readonly index: LocalIndex | null;
}

/**
 * Resolve the request in force, without the network (throws E_NO_VERSION when none).
 * `installedOnly`: do not look in the index (for callers that care only about installed ones).
 */
export function currentVersion(
  ctx: LauncherContext,
  options: { installedOnly?: boolean } = {},
): CurrentVersion {
  const sourced = requireRequest(ctx);
  if (sourced.request.kind === 'system') {
    const found = ctx.tool ? findSystemBin(ctx.tool, ctx.env, ctx.paths.shims) : null;
    return { sourced, version: found ? 'system' : null, installed: found !== null, index: null };
  }
  const installed = resolveInstalled(ctx.paths, sourced.request);
  if (installed !== null) return { sourced, version: installed, installed: true, index: null };
  if (options.installedOnly) return { sourced, version: null, installed: false, index: null };
  // Read (and parsed) only on this path: a pin that is installed costs nothing more.
  const index = readLocalIndex(ctx);
  const version = index
    ? highestSatisfying(
        sourced.request,
        index.index.versions.map((v) => v.version),
      )
    : null;
  return { sourced, version, installed: false, index };
}
