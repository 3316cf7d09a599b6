// The shim's entry: `launcher-shim <bin> [args…]`, run by every shim on every compiler call.
// It stays lean: no CLI framework; the HTTP client and archive code load only to install.
import { LauncherContext } from '../context.js';
import { exitCodeOf, LauncherError, renderError } from '../errors.js';
import { ownStderr } from '../util/own-stderr.js';
import { runBin } from './run-bin.js';
import { refreshSnapshot, snapshotOff } from './snapshot.js';

export interface ShimMainOptions {
  /** Started from the start-up snapshot, which is then known to be current. */
  readonly fromSnapshot?: boolean;
}

/** Run the shim for `argv` = [bin, ...args]. Never returns normally: it exits like the child. */
export async function shimMain(argv: string[], options: ShimMainOptions = {}): Promise<void> {
  const [bin, ...args] = argv;
  try {
    if (!bin) {
      throw new LauncherError('E_USAGE', 'the launcher shim entry was run without a bin name', {
        hint: 'Run a bin through its shim (`mycc …`) or `launcher exec <bin>`; rewrite broken shims with `launcher rehash`.',
      });
    }
    const ctx = new LauncherContext();
    // Started without the snapshot although this environment could use one: it is missing or
    // out of date (first call, or Node or launcher changed). Build it now, for the next calls.
    if (!options.fromSnapshot && snapshotOff(ctx.env) === undefined) {
      await refreshSnapshot(ctx.paths);
    }
    await runBin(ctx, bin, args);
  } catch (error) {
    ownStderr().write(renderError(error, { debug: process.env.LAUNCHER_DEBUG === '1' }));
    process.exitCode = exitCodeOf(error);
  }
}
