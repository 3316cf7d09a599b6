// Installing one exact version under its lock: download (or reuse the cache), verify, unpack into
// staging, check the bins, write the receipt, rename into place.
import { mkdirSync, rmSync } from 'node:fs';
import type { LauncherContext } from '../context.js';
import { isLauncherError } from '../errors.js';
import type { ChosenArtifact } from '../index/artifact.js';
import type { HttpClient } from '../index/http-client.js';
import type { DistVersion } from '../index/index-schema.js';
import { versionDir } from '../paths.js';
import { isInstalled } from '../store/installed.js';
import { obtainArchive } from './download.js';
import { extractArchive } from './extract.js';
import { acquireVersionLock } from './install-lock.js';
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
  /** Where progress, waiting notes and warnings go; null for silence. */
  readonly output: NodeJS.WritableStream | null;
  /** No progress output (waiting notes and warnings still appear). */
  readonly quiet?: boolean | undefined;
  /** Reinstall even when the version is installed. */
  readonly force?: boolean | undefined;
  readonly client: () => HttpClient;
  readonly signal: AbortSignal;
}

/**
 * Install `plan` unless (checked again under the lock) it is already installed. The lock is
 * released only after the receipt is written and the rename done; on any failure the staging
 * directory is removed and `versions/` is as it was.
 */
export async function installVersion(
  ctx: LauncherContext,
  plan: InstallPlan,
  options: InstallVersionOptions,
): Promise<{ dir: string; installedNow: boolean }> {
  const { paths, env } = ctx;
  const v = plan.version.version;
  const { url, artifact } = plan.artifact;
  const label = `${plan.tool} ${v}`;
  const lock = await acquireVersionLock(paths, v, {
    signal: options.signal,
    onWait: (owner) =>
      options.output?.write(
        `launcher: waiting for process ${owner.pid}, which is installing ${label}…\n`,
      ),
  });
  try {
    sweepLeftovers(paths, v);
    if (!options.force && isInstalled(paths, v))
      return { dir: versionDir(paths, v), installedNow: false };

    const what = `${label} (${url.href})`;
    const progress = createProgress(options.output, { quiet: options.quiet, label });
    const archive = archiveFile(paths, v, artifact.sha256, url);
    const { file } = await obtainArchive(
      { url, archive, expected: { sha256: artifact.sha256, size: artifact.size, what } },
      { env, client: options.client, progress, signal: options.signal },
    );

    const staging = newStagingDir(paths, v);
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
        version: v,
        url: url.href,
        sha256: artifact.sha256,
        installedAt: new Date().toISOString(),
        tool: plan.tool,
        bins: plan.version.bins,
      });
      return { dir: moveIntoPlace(paths, v, staging), installedNow: true };
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
