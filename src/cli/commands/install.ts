// `launcher install [request]`: install the best version for a request (or the one in force here).
import { Command, Option } from 'clipanion';
import { checkSwitches } from '../../config/switches.js';
import { requireRequestOnline } from '../../install/ensure-version.js';
import type { InstallTarget } from '../../install/install-request.js';
import { parseRequest } from '../../version/request.js';
import { describeOrigin } from '../../version/requested.js';
import { LauncherCommand } from '../launcher-command.js';

export class InstallCommand extends LauncherCommand {
  static override paths = [['install']];
  static override usage = Command.Usage({
    description: 'install a version from the distribution index',
    details: `
      Installs the highest version of the index that satisfies the request (an exact version, a partial such as \`1.4\`, a range, or \`latest\`). Without a request, installs what this directory asks for (\`LAUNCHER_VERSION\`, the nearest \`.tool-version\`, or the global default).

      The archive is downloaded to the cache (resuming an interrupted download), checked against the index's sha256 and size, unpacked into a staging directory, and renamed into place only when complete. A version that is already installed is left alone unless \`--force\` is given. Progress goes to stderr.
    `,
    examples: [
      ['Install the version this project pins', '$0 install'],
      ['Install the newest 1.4.x', '$0 install 1.4'],
      ['Reinstall an exact version, quietly', '$0 install 1.4.2 --force --quiet'],
    ],
  });

  force = Option.Boolean('--force', false, {
    description: 'Reinstall even if the version is installed',
  });
  quiet = Option.Boolean('--quiet,-q', false, { description: 'Print no progress' });
  request = Option.String({ required: false, name: 'request' });

  async run() {
    checkSwitches(this.launcher.env);
    const { installRequest } = await import('../../install/install-request.js');
    const outcome = await installRequest(this.launcher, await this.target(), {
      output: this.context.stderr,
      quiet: this.quiet,
      force: this.force,
    });
    if (!this.quiet) {
      const name = outcome.tool ? `${outcome.tool} ${outcome.version}` : outcome.version;
      this.out(
        outcome.installedNow
          ? `installed ${name} in ${outcome.dir}`
          : `${name} is already installed in ${outcome.dir}`,
      );
    }
    return 0;
  }

  /** The request given, else the one in force here (exit 3 when there is none). */
  private async target(): Promise<InstallTarget> {
    if (this.request !== undefined) {
      return { request: parseRequest(this.request), origin: 'given on the command line' };
    }
    const sourced = await requireRequestOnline(this.launcher);
    return { request: sourced.request, origin: describeOrigin(sourced) };
  }
}
