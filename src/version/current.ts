// The version in force for a directory: the request, where it came from, and what satisfies it.
import type { LauncherContext } from '../context.js';
import { resolveInstalled } from '../store/installed.js';
import { requireRequest, type SourcedRequest } from './requested.js';
import { findSystemBin } from './system.js';

/** The answer of `launcher current`. */
export interface CurrentVersion {
  readonly sourced: SourcedRequest;
  /** The exact version that satisfies the request (installed), `system`, or null. */
  readonly version: string | null;
  readonly installed: boolean;
}

/** Resolve the request in force against what is installed (throws E_NO_VERSION when none). */
export function currentVersion(ctx: LauncherContext): CurrentVersion {
  const sourced = requireRequest(ctx);
  if (sourced.request.kind === 'system') {
    const found = ctx.tool ? findSystemBin(ctx.tool, ctx.env, ctx.paths.shims) : null;
    return { sourced, version: found ? 'system' : null, installed: found !== null };
  }
  const version = resolveInstalled(ctx.paths, sourced.request);
  return { sourced, version, installed: version !== null };
}
