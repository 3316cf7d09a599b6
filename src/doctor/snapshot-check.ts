// Doctor: the shim's start-up snapshot. Without one, shims work, but each call starts ~15 ms later.
import type { LauncherContext } from '../context.js';
import { snapshotFiles, snapshotOff, snapshotState } from '../shim/snapshot.js';
import { type Finding, ok, warn } from './check.js';

export function checkSnapshot(ctx: LauncherContext): Finding[] {
  const what = 'shim start-up snapshot';
  const off = snapshotOff(ctx.env);
  if (off !== undefined) return [ok(`${what} not used here: ${off}`)];
  const { blob } = snapshotFiles(ctx.paths);
  const state = snapshotState(ctx.paths, ctx.env);
  switch (state.state) {
    case 'ready':
      return [ok(`${what} ${blob} is current`)];
    // Both are the normal state after an install or an upgrade: nothing to fix.
    case 'missing':
      return [ok(`${what} not built yet: the next call of a shim builds it (about 0.4 s, once)`)];
    case 'stale':
      return [
        ok(
          `${what} belongs to another Node.js or launcher build: the next call of a shim rebuilds it`,
        ),
      ];
    case 'failed':
      return [
        warn(
          what,
          `building it failed: ${state.reason}`,
          'run `launcher rehash` to try again; shims work without it, only slower to start',
        ),
      ];
  }
}
