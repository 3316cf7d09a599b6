// `launcher exec <bin> [args…]`: what a shim does, without the shim.
import { Command, Option } from 'clipanion';
import { runBin } from '../../shim/run-bin.js';
import { LauncherCommand } from '../launcher-command.js';

export class ExecCommand extends LauncherCommand {
  static override paths = [['exec']];
  static override usage = Command.Usage({
    description: 'run a bin of the version pinned here, supervised',
    details: `
      Resolves the version in force for this directory, installs it if it is missing (progress on stderr), and runs the bin under the supervisor with every argument passed through untouched. Exits with the bin's exit code, or dies of the same signal.
    `,
    examples: [
      ['Run the pinned compiler', '$0 exec mycc check main.my'],
      ['Arguments that look like options are passed on too', '$0 exec mycc --version'],
    ],
  });

  bin = Option.String({ name: 'bin' });
  args = Option.Proxy();

  async run() {
    return runBin(this.launcher, this.bin, this.args);
  }
}
