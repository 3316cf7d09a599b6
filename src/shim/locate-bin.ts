// From a resolved version to the file that runs: the bin's path inside the install, checked.
import { accessSync, constants, statSync } from 'node:fs';
import type { LauncherContext } from '../context.js';
import { errnoCode, LauncherError } from '../errors.js';
import { isBinName } from '../index/index-schema.js';
import { versionDir } from '../paths.js';
import { binFile } from '../store/bin-file.js';
import { listInstalled } from '../store/installed.js';
import { damagedInstall, inspectReceipt, readReceipt } from '../store/receipt.js';
import { describeOrigin, type SourcedRequest } from '../version/requested.js';
import { findSystemBin } from '../version/system.js';

/**
 * Refuse a bin name that no index can declare (exit 2), before anything is looked up or
 * installed: a path such as `../../bin/echo` would reach a file outside the install (or, pinned
 * to `system`, outside the directories on PATH).
 */
export function requireBinName(bin: string): void {
  if (isBinName(bin)) return;
  throw new LauncherError('E_USAGE', `bin name ${JSON.stringify(bin)} is not a plain file name`, {
    hint: 'Name the bin as its shim is called (such as `mycc`), not a path: a letter or digit, then letters, digits, `.`, `_`, `+` or `-`.',
  });
}

/** The installed versions that provide `bin`, highest first (for the 127 message). */
function versionsWithBin(ctx: LauncherContext, bin: string): string[] {
  return listInstalled(ctx.paths).filter(
    (v) => readReceipt(ctx.paths, v)?.bins?.[bin] !== undefined,
  );
}

/**
 * The absolute path of `bin` in an installed version. Exit 127 when the version does not
 * declare it (naming the versions that do), 126 when the file is not executable, 6 when its
 * receipt is damaged.
 */
export function locateBin(
  ctx: LauncherContext,
  bin: string,
  version: string,
  sourced: SourcedRequest,
): string {
  const read = inspectReceipt(ctx.paths, version);
  // A receipt launcher cannot use is a damaged install, not a missing bin.
  if (read.status === 'damaged') throw damagedInstall(ctx.paths, version, read.damage, ctx.tool);
  const rel = read.status === 'intact' ? read.receipt.bins?.[bin] : undefined;
  if (rel === undefined) {
    const others = versionsWithBin(ctx, bin);
    throw new LauncherError(
      'E_NO_SUCH_BIN',
      `${bin} is not part of version ${version} (${describeOrigin(sourced)})`,
      {
        hint: others.length
          ? `These installed versions have ${bin}: ${others.join(', ')}. Pin one with \`launcher local <version>\`.`
          : `No installed version provides ${bin}. Run \`launcher list-remote\` to see what is available.`,
      },
    );
  }
  const file = binFile(versionDir(ctx.paths, version), rel);
  assertExecutable(file, `${bin} of version ${version}`);
  return file;
}

/** The `system` request: the first `bin` on PATH outside the shims, or 127. */
export function locateSystemBin(
  ctx: LauncherContext,
  bin: string,
  sourced: SourcedRequest,
): string {
  const found = findSystemBin(bin, ctx.env, ctx.paths.shims);
  if (found) return found;
  throw new LauncherError(
    'E_NO_SUCH_BIN',
    `no ${bin} on PATH outside the shims (${describeOrigin(sourced)}: system)`,
    {
      hint: `Install ${bin} on the system, or pin a managed version with \`launcher local <version>\`.`,
    },
  );
}

/**
 * Unless `file` is an executable file: E_NO_SUCH_BIN (127) when there is none (the version has no
 * such bin, although its receipt declares it), E_NOT_EXECUTABLE (126) when it is there but cannot
 * run. Also used by `launcher doctor`.
 */
export function assertExecutable(file: string, what: string): void {
  let problem: string;
  try {
    const st = statSync(file);
    problem = 'is not a file';
    if (st.isFile()) {
      problem = 'is not executable';
      accessSync(file, constants.X_OK);
      return;
    }
  } catch (error) {
    const code = errnoCode(error);
    problem = code === 'ENOENT' || code === 'ENOTDIR' ? 'is missing' : 'is not executable';
  }
  const hint = 'The install looks damaged: reinstall it with `launcher install --force <version>`.';
  const message = `${what} at ${file} ${problem}`;
  throw problem === 'is missing'
    ? new LauncherError('E_NO_SUCH_BIN', message, { hint })
    : new LauncherError('E_NOT_EXECUTABLE', message, { hint });
}
