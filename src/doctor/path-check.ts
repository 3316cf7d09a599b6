// Doctor: the shims directory is on PATH, and each shimmed bin finds its shim before any other copy.
import path from 'node:path';
import type { LauncherContext } from '../context.js';
import { detectShell, startupFile } from '../shim/shell-init.js';
import { pathEntries, samePath } from '../util/search-path.js';
import { findSystemBin } from '../version/system.js';
import { type Finding, fail, ok } from './check.js';
import { shimFiles } from './shim-file.js';

/** The PATH findings: one for the directory, then one per shim (when the directory is on PATH). */
export function checkPath(ctx: LauncherContext): Finding[] {
  const shims = path.resolve(ctx.paths.shims);
  const entries = pathEntries(ctx.env.PATH);
  const at = entries.findIndex((dir) => dir !== '' && samePath(dir, shims));
  const what = `shims directory ${shims} is on PATH`;
  if (at === -1) {
    const shell = detectShell(ctx.env);
    return [
      fail(
        what,
        'it is not, so the pinned versions never run when you type a bin name',
        `run \`launcher init ${shell}\` and add the lines it prints to ${startupFile(shell)}, then open a new shell`,
      ),
    ];
  }
  const findings = [ok(what)];
  for (const { bin } of shimFiles(shims, ctx.env))
    findings.push(checkBinOrder(ctx, bin, entries, at));
  return findings;
}

// The first copy of `bin` outside the shims must come after the shims directory on PATH.
function checkBinOrder(
  ctx: LauncherContext,
  bin: string,
  entries: string[],
  shimsAt: number,
): Finding {
  const what = `\`${bin}\` on PATH runs the shim`;
  const other = findSystemBin(bin, ctx.env, ctx.paths.shims);
  if (other === null) return ok(what);
  const otherDir = path.dirname(other);
  const otherAt = entries.findIndex(
    (dir) =>
      dir !== '' && path.isAbsolute(dir) && samePath(path.join(dir, path.basename(other)), other),
  );
  if (otherAt === -1 || otherAt > shimsAt) return ok(what);
  return fail(
    what,
    `it runs ${other} instead, because ${otherDir} comes before the shims directory on PATH`,
    `put ${ctx.paths.shims} before ${otherDir} on PATH (load \`launcher init\` last in your shell's start-up file), or remove ${other}`,
  );
}
