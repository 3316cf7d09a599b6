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
      Looks for the request in \`LAUNCHER_VERSION\`, then the nearest \`.tool-version\` (or an asdf \`.tool-versions\` line) from this directory up, then the global default, and resolves it: to the highest installed version that satisfies it, else to the highest one in the index as far as it is known without the network (a \`file:\` index, or the cached copy), shown as not installed. \`--json\` gives \`"version": null\` only when nothing known satisfies the request.

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
    } else if (current.version !== null) {
      // Known from the index (a file: index or the cached copy): what the first run installs.
      this.out(`${current.version} (${describeOrigin(sourced)}; not installed)`);
    } else if (current.index) {
      this.out(
        `${sourced.request.raw} (${describeOrigin(sourced)}; no version satisfies it, installed or in the index)`,
      );
    } else {
      this.out(`${sourced.request.raw} (${describeOrigin(sourced)}; not installed)`);
    }
    return 0;
  }
}
