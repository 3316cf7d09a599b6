// The recursion guard: a shim that ends up running a shim again (say `system` finding a copy of
// a shim in another PATH directory; links to the shims are passed over by the lookup) would
// loop for ever. Each shim run counts one level in LAUNCHER_SHIM_DEPTH, passed to the child;
// past MAX_SHIM_DEPTH it stops with an error.
import { LauncherError } from '../errors.js';

export const MAX_SHIM_DEPTH = 5;
export const SHIM_DEPTH_VAR = 'LAUNCHER_SHIM_DEPTH';

/** Check the guard for a run of `bin` and return the depth to give the child. */
export function nextShimDepth(env: NodeJS.ProcessEnv, bin: string): number {
  const depth = Number.parseInt(env[SHIM_DEPTH_VAR] ?? '0', 10);
  const current = Number.isInteger(depth) && depth > 0 ? depth : 0;
  if (current >= MAX_SHIM_DEPTH) {
    throw new LauncherError(
      'E_SHIM_LOOP',
      `${bin} keeps resolving to a launcher shim (${current} nested shim runs): the shim would call itself for ever`,
      {
        hint:
          `Check that the bin \`${bin}\` resolves to a real program: \`launcher which ${bin}\`. ` +
          'With the `system` request, make sure no copy of a launcher shim sits in another directory on PATH.',
      },
    );
  }
  return current + 1;
}
