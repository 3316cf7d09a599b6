// Doctor: the shims are current: one per provided bin, each running a Node and an entry that exist.
import { accessSync, constants } from 'node:fs';
import type { LauncherContext } from '../context.js';
import { providedBins } from '../shim/rehash.js';
import { type Finding, fail, ok } from './check.js';
import { shimFiles } from './shim-file.js';

const REHASH = 'run `launcher rehash`';

/** One finding for the set of shims, then one per shim whose command line is broken. */
export function checkShims(ctx: LauncherContext): Finding[] {
  const shims = shimFiles(ctx.paths.shims, ctx.env);
  const { bins: provided, damaged } = providedBins(ctx);
  const have = new Set(shims.map((s) => s.bin));
  const missing = [...provided].filter((bin) => !have.has(bin)).sort();
  // A damaged version may provide any of them (the versions check reports it).
  const extra =
    damaged.length > 0 ? [] : shims.filter((s) => !provided.has(s.bin)).map((s) => s.bin);
  const findings: Finding[] = [];
  const what = `shims in ${ctx.paths.shims} match the installed versions`;
  if (missing.length > 0 || extra.length > 0) {
    const parts = [
      missing.length ? `no shim for ${missing.join(', ')}` : '',
      extra.length ? `shims for bins nothing provides: ${extra.join(', ')}` : '',
    ];
    findings.push(fail(what, parts.filter(Boolean).join('; '), REHASH));
  } else {
    findings.push(ok(`${what} (${shims.length} shim${shims.length === 1 ? '' : 's'})`));
  }
  const broken = shims.flatMap((shim) => {
    const problem = brokenTarget(shim.node, shim.entry);
    return problem
      ? [
          fail(
            `shim ${shim.file} is current`,
            problem,
            `${REHASH} (a moved or upgraded Node.js or launcher leaves old shims behind)`,
          ),
        ]
      : [];
  });
  if (broken.length > 0) findings.push(...broken);
  else if (shims.length > 0)
    findings.push(ok('every shim runs a Node.js and a launcher that exist'));
  return findings;
}

function brokenTarget(node: string | null, entry: string | null): string | null {
  if (node === null || entry === null) return 'its command line cannot be read';
  if (!accessible(node, constants.X_OK)) return `the Node.js it runs, ${node}, is gone`;
  if (!accessible(entry, constants.R_OK)) return `the launcher entry it runs, ${entry}, is gone`;
  return null;
}

function accessible(file: string, mode: number): boolean {
  try {
    accessSync(file, mode);
    return true;
  } catch {
    return false;
  }
}
