// Installing one exact version under its lock: plan it from the index, download (or reuse the
// cache), verify, unpack into staging, check the bins, write the receipt, rename into place.
import { mkdirSync, rmSync } from 'node:fs';
import type { LauncherContext } from '../context.js';
import { isLauncherError } from '../errors.js';
import type { ChosenArtifact } from '../index/artifact.js';
import type { HttpClient } from '../index/http-client.js';
import type { DistVersion } from '../index/index-schema.js';
import { versionDir } from '../paths.js';
import { isInstalled } from '../store/installed.js';
import { obtainArchive } from './download.js';
import { acquireVersionLock, lockHolder } from './install-lock.js';
import { archiveFile, newStagingDir } from './layout.js';
import { checkBins, moveIntoPlace, writeReceipt } from './place.js';
import { createProgress } from './progress.js';
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
 * Install `version` unless (checked again under the lock) it is already installed. The lock is
 * released only after the receipt is written and the rename done; on any failure the staging
 * directory is removed and `versions/` is as it was.
 */
export async function installVersion(
  ctx: LauncherContext,
  version: string,
  options: InstallVersionOptions,
): Promise<{ dir: string; installedNow: boolean; tool: string | undefined }> {
  const { paths, env } = ctx;
  const lock = await acquireVersionLock(paths, version, {
    signal: options.signal,
    onWait: (owner, file) =>
      options.output?.write(
        `launcher: waiting for ${lockHolder(owner, file)}, which is installing ${ctx.tool ? `${ctx.tool} ` : ''}${version}…\n`,
      ),
    // The receipt appears only with the finished install: seeing it ends the wait.
    unneeded: () => !options.force && isInstalled(paths, version),
  });
  if (lock === null)
    return { dir: versionDir(paths, version), installedNow: false, tool: ctx.tool };
  try {
    sweepLeftovers(paths, version);
    if (!options.force && isInstalled(paths, version)) {
      return { dir: versionDir(paths, version), installedNow: false, tool: ctx.tool };
    }
    const plan = await options.plan();
    const { url, artifact } = plan.artifact;
    const label = `${plan.tool} ${version}`;
    const what = `${label} (${url.href})`;
    const progress = createProgress(options.output, { quiet: options.quiet, label });
    const archive = archiveFile(paths, version, artifact.sha256, url);
    const { file } = await obtainArchive(
      { url, archive, expected: { sha256: artifact.sha256, size: artifact.size, what } },
      { env, client: options.client, progress, signal: options.signal },
    );

    // node-tar is loaded only by the process that unpacks.
    const { extractArchive } = await import('./extract.js');
    const staging = newStagingDir(paths, version);
    mkdirSync(staging, { recursive: true });
    try {
      await extractArchive(file, staging, {
        strip: artifact.strip,
        what,
        signal: options.signal,
        env,
      });
      checkBins(staging, plan.version.bins, what);
      options.signal.throwIfAborted();
      writeReceipt(staging, {
        version,
        url: url.href,
        sha256: artifact.sha256,
        installedAt: new Date().toISOString(),
        tool: plan.tool,
        bins: plan.version.bins,
      });
      return { dir: moveIntoPlace(paths, version, staging), installedNow: true, tool: plan.tool };
    } catch (error) {
      rmSync(staging, { recursive: true, force: true, maxRetries: 2 });
      // A verified archive that cannot be installed is of no use to keep.
      if (isLauncherError(error) && error.exitCode === 6) rmSync(file, { force: true });
      throw error;
    }
  } finally {
    lock.release();
  }
}
