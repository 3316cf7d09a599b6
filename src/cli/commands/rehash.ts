// `launcher rehash`: rewrite the shims from the installed versions and the distribution index.
import { Command } from 'clipanion';
import { configuredDistUrl } from '../../index/dist-url.js';
import { interruptible } from '../../install/interrupt.js';
import { rehash } from '../../shim/rehash.js';
import { LauncherCommand } from '../launcher-command.js';

export class RehashCommand extends LauncherCommand {
  static override paths = [['rehash']];
  static override usage = Command.Usage({
    description: 'rewrite the shims for every installed or available bin',
    details: `
      Writes one shim per bin of every installed version, and of every version the distribution index declares, into the shims directory, and removes shims that nothing provides any more. When a distribution index is configured it is refreshed first (a failure is reported and the cached copy used), so after setting \`LAUNCHER_DIST_URL\` (or \`distUrl\`) one \`launcher rehash\` gives you shims that install the compiler on first use. Installs and uninstalls rehash by themselves; run it after moving Node.js or the launcher.
    `,
    examples: [['Rewrite the shims', '$0 rehash']],
  });

  async run() {
    if (configuredDistUrl(this.launcher)) {
      const { loadIndex } = await import('../../index/load-index.js');
      await loadIndex(this.launcher, { note: (line) => this.note(line) }).catch((error: Error) =>
        this.note(
          `warning: cannot refresh the distribution index (${error.message}); using what is cached`,
        ),
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
