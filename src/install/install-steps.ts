// The install itself, run under the version's lock by the one process that installs: fetch the
// plan, download and verify the archive, unpack it into staging, check it, write the receipt
// and rename it into place. Kept apart from install-version.ts so that processes that only
// wait for the lock never load it.
import { rmSync } from 'node:fs';
import type { LauncherContext } from '../context.js';
import { isLauncherError } from '../errors.js';
import { redactUrl } from '../index/url-secrets.js';
import { makeOwnDir } from '../util/own-dir.js';
import { obtainArchive } from './download.js';
import type { InstallVersionOptions } from './install-version.js';
import { archiveFile, dropDirIfEmpty, newStagingDir } from './layout.js';
import { checkBins, moveIntoPlace, writeReceipt } from './place.js';
import { createProgress } from './progress.js';
import { warnTo } from './remove-tree.js';
import { unsizedLimitRequested } from './test-hook.js';

/** Install `version` now; the caller holds its lock and has seen that it is missing. */
export async function installNow(
  ctx: LauncherContext,
  version: string,
  options: InstallVersionOptions,
): Promise<{ dir: string; installedNow: boolean; tool: string | undefined }> {
  const { paths, env } = ctx;
  const plan = await options.plan();
  const { url, artifact } = plan.artifact;
  const label = `${plan.tool} ${version}`;
  const what = `${label} (${redactUrl(url)})`;
  const progress = createProgress(options.output, { quiet: options.quiet, label, term: env.TERM });
  const archive = archiveFile(paths, version, artifact.sha256, url);
  const { file } = await obtainArchive(
    {
      url,
      archive,
      expected: {
        sha256: artifact.sha256,
        size: artifact.size,
        what,
        unsizedLimit: unsizedLimitRequested(env),
      },
    },
    { env, client: options.client, progress, signal: options.signal },
  ).finally(() => progress.end());

  // node-tar is loaded only by the process that unpacks.
  const { extractArchive } = await import('./extract.js');
  const staging = newStagingDir(paths, version);
  makeOwnDir(staging);
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
      // Without its secrets: the receipt is readable by all, and nothing reads the URL back.
      url: redactUrl(url),
      sha256: artifact.sha256,
      installedAt: new Date().toISOString(),
      tool: plan.tool,
      bins: plan.version.bins,
    });
    const dir = moveIntoPlace(paths, version, staging, warnTo(options.output));
    return { dir, installedNow: true, tool: plan.tool };
  } catch (error) {
    rmSync(staging, { recursive: true, force: true, maxRetries: 2 });
    // A verified archive that cannot be installed is of no use to keep.
    if (isLauncherError(error) && error.exitCode === 6) {
      rmSync(file, { force: true });
      dropDirIfEmpty(file);
    }
    throw error;
  }
}
