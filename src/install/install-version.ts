// Installing one exact version under its lock: wait for the lock (or for another process's
// install of it to finish), check again, and only then load and run the install steps
// (install-steps.ts: plan, download, verify, unpack, check the bins, receipt, rename).
import type { LauncherContext } from '../context.js';
import type { ChosenArtifact } from '../index/artifact.js';
import type { HttpClient } from '../index/http-client.js';
import type { DistVersion } from '../index/index-schema.js';
import { versionDir } from '../paths.js';
import { isIntact } from '../store/installed.js';
import { damagedInstall, inspectReceipt } from '../store/receipt.js';
import { acquireVersionLock, versionLockWaitNote } from './install-lock.js';
import { warnTo } from './remove-tree.js';
import { sweepLeftovers } from './sweep.js';

/** What to install: the index's facts about one version and its artifact for this machine. */
export interface InstallPlan {
  readonly tool: string;
  readonly version: DistVersion;
  readonly artifact: ChosenArtifact;
}

export interface InstallVersionOptions {
  /**
   * Produces the plan; called only under the lock and only if the version is still missing, so
   * installers that merely waited never fetch the index or load the HTTP client.
   */
  readonly plan: () => Promise<InstallPlan>;
  /** Where progress, waiting notes and warnings go; null for silence. */
  readonly output: NodeJS.WritableStream | null;
  /** No progress output (waiting notes and warnings still appear). */
  readonly quiet?: boolean | undefined;
  /** Reinstall even when the version is installed. */
  readonly force?: boolean | undefined;
  readonly client: () => Promise<HttpClient>;
  readonly signal: AbortSignal;
}

/**
 * Install `version` unless (checked again under the lock) it is already installed and not
 * damaged (a damaged install is installed again, with a note). The lock is
 * released only after the receipt is written and the rename done; on any failure the staging
 * directory is removed and `versions/` is as it was.
 */
export async function installVersion(
  ctx: LauncherContext,
  version: string,
  options: InstallVersionOptions,
): Promise<{ dir: string; installedNow: boolean; tool: string | undefined }> {
  const { paths } = ctx;
  const lock = await acquireVersionLock(paths, version, {
    signal: options.signal,
    operation: 'install',
    onWait: (owner, file) =>
      options.output?.write(versionLockWaitNote(owner, file, ctx.versionLabel(version))),
    // The receipt appears only with the finished install: seeing it ends the wait.
    unneeded: () => !options.force && isIntact(paths, version),
  });
  if (lock === null)
    return { dir: versionDir(paths, version), installedNow: false, tool: ctx.tool };
  try {
    sweepLeftovers(paths, version, warnTo(options.output));
    if (!options.force) {
      const read = inspectReceipt(paths, version);
      if (read.status === 'intact') {
        return { dir: versionDir(paths, version), installedNow: false, tool: ctx.tool };
      }
      // A damaged install is installed again, as `--force` would: a version that cannot run is
      // no reason to do nothing.
      if (read.status === 'damaged') {
        const { message } = damagedInstall(paths, version, read.damage, ctx.tool);
        options.output?.write(`launcher: ${message}; installing it again\n`);
      }
    }
    // Downloading, verifying and unpacking load only in the process that installs: those that
    // waited for it are done above, having loaded little more than the lock.
    const { installNow } = await import('./install-steps.js');
    return await installNow(ctx, version, options);
  } finally {
    lock.release();
  }
}
