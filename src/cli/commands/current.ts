// `launcher current`: which version runs here, and which file (or variable) says so.
import { Command, Option } from 'clipanion';
import { currentVersion } from '../../version/current.js';
import { describeOrigin } from '../../version/requested.js';
import { LauncherCommand } from '../launcher-command.js';

export class CurrentCommand extends LauncherCommand {
  static override paths = [['current']];
  static override usage = Command.Usage({
    description: 'show the version in force here and where it is set',
    details: `
      Looks for the request in \`LAUNCHER_VERSION\`, then the nearest \`.tool-version\` (or an asdf \`.tool-versions\` line) from this directory up, then the global default, and resolves it against the installed versions.

      Exits 3 when no version is set anywhere.
    `,
    examples: [
      ['Show the version and its origin', '$0 current'],
      ['The same, for scripts', '$0 current --json'],
    ],
  });

  json = Option.Boolean('--json', false, { description: 'Print a JSON object instead of text' });

  run() {
    const current = currentVersion(this.launcher);
    const { sourced } = current;
    if (this.json) {
      this.printJson({
        tool: this.launcher.tool ?? null,
        request: sourced.request.raw,
        version: current.version,
        installed: current.installed,
        source: sourced.source,
        origin: sourced.origin,
      });
    } else if (current.installed) {
      this.out(`${current.version} (${describeOrigin(sourced)})`);
    } else {
      this.out(`${sourced.request.raw} (${describeOrigin(sourced)}; not installed)`);
    }
    return 0;
  }
}
