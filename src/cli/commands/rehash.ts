// `launcher rehash`: rewrite the shims from the installed versions.
import { Command } from 'clipanion';
import { rehash } from '../../shim/rehash.js';
import { LauncherCommand } from '../launcher-command.js';

export class RehashCommand extends LauncherCommand {
  static override paths = [['rehash']];
  static override usage = Command.Usage({
    description: 'rewrite the shims for every installed bin',
    details: `
      Writes one shim per bin of every installed version into the shims directory and removes shims that no installed version provides. Installs and uninstalls do this by themselves; run it after moving Node.js or the launcher.
    `,
    examples: [['Rewrite the shims', '$0 rehash']],
  });

  async run() {
    const { written, removed } = await rehash(this.launcher);
    this.note(
      `shims in ${this.launcher.paths.shims}: ${written.length} written` +
        (removed.length ? `, ${removed.length} removed (${removed.join(', ')})` : ''),
    );
    return 0;
  }
}
