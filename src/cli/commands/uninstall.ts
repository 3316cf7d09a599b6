// `launcher uninstall <version>`: remove one installed version.
import { Command, Option } from 'clipanion';
import { interruptible } from '../../install/interrupt.js';
import { LauncherCommand } from '../launcher-command.js';

export class UninstallCommand extends LauncherCommand {
  static override paths = [['uninstall']];
  static override usage = Command.Usage({
    description: 'remove an installed version',
    details: `
      Removes the installed version atomically (its directory is renamed away, then deleted), together with its cached archive, and refreshes the shims. Refuses while a running session uses that version. Exits 4 when the version is not installed.
    `,
    examples: [['Remove 1.4.2', '$0 uninstall 1.4.2']],
  });

  version = Option.String({ name: 'version' });

  async run() {
    const { uninstallVersion } = await import('../../install/uninstall.js');
    // Ctrl-C while waiting for a lock (the version's, the shims') removes what the wait had
    // prepared before dying of it.
    const { version } = await interruptible((signal) =>
      uninstallVersion(this.launcher, this.version, { output: this.context.stderr, signal }),
    );
    this.out(`uninstalled ${this.launcher.tool ? `${this.launcher.tool} ` : ''}${version}`);
    return 0;
  }
}
