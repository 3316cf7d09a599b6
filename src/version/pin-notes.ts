// What `local` and `global` say about a pin just written: whether it will run as it is.
import type { LauncherContext } from '../context.js';
import { noMatchHint } from '../index/index-schema.js';
import { describeLocalIndex, readLocalIndex } from '../index/local-index.js';
import { resolveInstalled } from '../store/installed.js';
import { highestSatisfying, type Request } from './request.js';

/**
 * The lines to print on stderr after pinning `request`: none when an installed version satisfies
 * it; a warning when the index known without the network (a `file:` index, or the cached copy;
 * never a fetch) has no version that does, so the first run would fail (exit 4); else that the
 * first run installs it. The pin is written either way: the index may be about to have it.
 */
export function pinNotes(ctx: LauncherContext, request: Request): string[] {
  if (request.kind === 'system' || resolveInstalled(ctx.paths, request) !== null) return [];
  const known = readLocalIndex(ctx);
  const versions = known?.index.versions.map((v) => v.version) ?? [];
  if (known && highestSatisfying(request, versions) === null) {
    const { tool } = known.index;
    return [
      `warning: no version of ${tool} in ${describeLocalIndex(known)} satisfies ${request.raw}, so ${tool} cannot run with this pin (exit 4) until one does.`,
      noMatchHint(
        known.index,
        'see them all with `launcher list-remote` (which also refreshes the index).',
      ),
    ];
  }
  return [
    `${request.raw} is not installed yet: it is installed on first use, or now with \`launcher install\`.`,
  ];
}
