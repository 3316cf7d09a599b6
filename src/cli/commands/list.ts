// `launcher list`: the installed versions, highest first, marking the one in force here.
import { Command, Option } from 'clipanion';
import { isLauncherError } from '../../errors.js';
import { versionDir } from '../../paths.js';
import { listInstalled } from '../../store/installed.js';
import { currentVersion } from '../../version/current.js';
import { describeOrigin } from '../../version/requested.js';
import { LauncherCommand } from '../launcher-command.js';

export class ListCommand extends LauncherCommand {
  static override paths = [['list'], ['ls']];
  static override usage = Command.Usage({
    description: 'list the installed versions',
    details: `
      Lists every installed version, highest first; \`*\` marks the one the current directory uses. A problem finding the current version (a bad version file, say) is reported on stderr, and the list is still printed.
    `,
    examples: [
      ['List installed versions', '$0 list'],
      ['The same, for scripts', '$0 list --json'],
    ],
  });

  json = Option.Boolean('--json', false, { description: 'Print a JSON array instead of text' });

  run() {
    const { paths } = this.launcher;
    const versions = listInstalled(paths);
    let current: ReturnType<typeof currentVersion> | undefined;
    try {
      current = currentVersion(this.launcher, { installedOnly: true });
    } catch (error) {
      // No version set (exit 3) is normal here; anything else is worth a warning.
      if (!isLauncherError(error) || error.code !== 'E_NO_VERSION') {
        this.note(`warning: cannot tell the current version: ${(error as Error).message}`);
      }
    }
    const entries = versions.map((version) => ({
      version,
      current: current?.version === version,
      path: versionDir(paths, version),
    }));
    if (this.json) {
      this.printJson(entries);
      return 0;
    }
    if (entries.length === 0) {
      this.note('no versions installed yet\n\nInstall one with `launcher install <version>`.');
      return 0;
    }
    for (const entry of entries) {
      const origin = entry.current && current ? ` (${describeOrigin(current.sourced)})` : '';
      this.out(`${entry.current ? '*' : ' '} ${entry.version}${origin}`);
    }
    return 0;
  }
}
