// `launcher rehash`: rewrite the shims from the installed versions and the distribution index.
import { Command } from 'clipanion';
import type { LauncherContext } from '../../context.js';
import { problemText, sentence } from '../../errors.js';
import { configuredDistUrl } from '../../index/dist-url.js';
import { interruptible } from '../../install/interrupt.js';
import { indexForShims, rehash } from '../../shim/rehash.js';
import { LauncherCommand } from '../launcher-command.js';

export class RehashCommand extends LauncherCommand {
  static override paths = [['rehash']];
  static override usage = Command.Usage({
    description: 'rewrite the shims for every installed or available bin',
    details: `
      Writes one shim per bin of every installed version, and of every version the distribution index declares, into the shims directory, and removes shims that nothing provides any more. When a distribution index is configured it is refreshed first, so after setting \`LAUNCHER_DIST_URL\` (or \`distUrl\`) one \`launcher rehash\` gives you shims that install the compiler on first use. If the index cannot be refreshed, rehash warns and uses the copy cached before; with none cached it writes shims only for the installed versions. It exits 0 either way, since those shims were written. Installs and uninstalls rehash by themselves; run it after moving Node.js or the launcher.
    `,
    examples: [['Rewrite the shims', '$0 rehash']],
  });

  async run() {
    if (configuredDistUrl(this.launcher)) {
      const { loadIndex } = await import('../../index/load-index.js');
      await loadIndex(this.launcher, { note: (line) => this.note(line) }).catch((error: unknown) =>
        this.note(indexWarning(this.launcher, error)),
      );
    }
    // Ctrl-C while waiting for another rehash removes our prepared lock before dying of it.
    const { written, removed } = await interruptible((signal) =>
      rehash(this.launcher, { signal, output: this.context.stderr }),
    );
    this.note(
      `shims in ${this.launcher.paths.shims}: ${written.length} written` +
        (removed.length ? `, ${removed.length} removed (${removed.join(', ')})` : ''),
    );
    return 0;
  }
}

/**
 * What rehash says when the index could not be refreshed. The shims of the installed versions
 * are written all the same, so rehash still succeeds (exit 0); but without a cached copy the
 * index adds no shim, and the user who just set the URL must learn that here, with the fix.
 */
function indexWarning(ctx: LauncherContext, error: unknown): string {
  if (indexForShims(ctx)) {
    return `warning: cannot refresh the distribution index (${(error as Error).message}); using the copy cached before`;
  }
  return (
    'warning: cannot read the distribution index, and no copy of it is cached, so shims are ' +
    `written only for the bins of installed versions: ${sentence(problemText(error))} ` +
    'Once it can be read, `launcher rehash` writes a shim for each bin it declares.'
  );
}
