// Doctor: every installed version is intact: its receipt is usable, and each declared bin is
// executable.
import { isLauncherError } from '../errors.js';
import type { LauncherPaths } from '../paths.js';
import { receiptPath, versionDir } from '../paths.js';
import { assertExecutable } from '../shim/locate-bin.js';
import { binFile } from '../store/bin-file.js';
import { listInstalled } from '../store/installed.js';
import { inspectReceipt } from '../store/receipt.js';
import { type Finding, fail, ok } from './check.js';
import { notADirectory } from './dirs-check.js';

/** One finding per installed version (a version directory with a receipt). */
export function checkVersions(paths: LauncherPaths): Finding[] {
  const blocked = notADirectory(paths.versions);
  if (blocked) return [fail('installed versions', blocked.problem, blocked.fix)];
  const versions = listInstalled(paths);
  if (versions.length === 0) return [ok(`installed versions: none yet in ${paths.versions}`)];
  return versions.map((version) => checkVersion(paths, version));
}

function checkVersion(paths: LauncherPaths, version: string): Finding {
  const reinstall = `reinstall it: \`launcher install --force ${version}\``;
  const read = inspectReceipt(paths, version);
  const what = `version ${version} is intact`;
  if (read.status !== 'intact') {
    const damage = read.status === 'missing' ? 'is gone' : read.damage;
    return fail(what, `its install receipt ${receiptPath(paths, version)} ${damage}`, reinstall);
  }
  const { receipt } = read;
  const bins = Object.entries(receipt.bins ?? {});
  const broken: string[] = [];
  for (const [bin, rel] of bins) {
    try {
      assertExecutable(binFile(versionDir(paths, version), rel), `${bin} of version ${version}`);
    } catch (error) {
      if (!isLauncherError(error)) throw error;
      broken.push(error.message);
    }
  }
  if (broken.length > 0) return fail(what, broken.join('; '), reinstall);
  const name = receipt.tool ? `${receipt.tool} ${version}` : `version ${version}`;
  return ok(`${name} is intact (${bins.length} bin${bins.length === 1 ? '' : 's'})`);
}
