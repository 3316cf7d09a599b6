// `launcher which <bin>`: the absolute path the shim would run here.
import { Command, Option } from 'clipanion';
import { LauncherError } from '../../errors.js';
import { locateBin, locateSystemBin } from '../../shim/locate-bin.js';
import { currentVersion } from '../../version/current.js';
import { describeOrigin } from '../../version/requested.js';
import { LauncherCommand } from '../launcher-command.js';

export class WhichCommand extends LauncherCommand {
  static override paths = [['which']];
  static override usage = Command.Usage({
    description: 'print the path of the program a bin runs here',
    details: `
      Resolves the version in force for this directory and prints the absolute path of the bin in it. Exits 127 (naming the versions that have the bin) when the pinned version has no such bin, and 7 when the pinned version is not installed: \`which\` never installs.
    `,
    examples: [['Where does mycc come from here?', '$0 which mycc']],
  });

  bin = Option.String({ name: 'bin' });

  run() {
    const current = currentVersion(this.launcher);
    const { sourced } = current;
    if (sourced.request.kind === 'system') {
      this.out(locateSystemBin(this.launcher, this.bin, sourced));
      return 0;
    }
    if (current.version === null) {
      throw new LauncherError(
        'E_NOT_INSTALLED',
        `no installed version satisfies ${sourced.request.raw} (${describeOrigin(sourced)})`,
        {
          hint: 'Install it with `launcher install`; running the bin through its shim installs it too.',
        },
      );
    }
    this.out(locateBin(this.launcher, this.bin, current.version, sourced));
    return 0;
  }
}
