// `launcher local`: pin a version for this project (`.tool-version`), show the pin, or remove it.
import path from 'node:path';
import { Command, Option } from 'clipanion';
import { LauncherError } from '../../errors.js';
import { removePin, requestForFile, writePin } from '../../version/pin.js';
import { pinNotes } from '../../version/pin-notes.js';
import {
  requireDirectory,
  requireSearchableStart,
  startDirectory,
} from '../../version/requested.js';
import { findVersionFile, VERSION_FILE } from '../../version/version-file.js';
import { LauncherCommand } from '../launcher-command.js';

export class LocalCommand extends LauncherCommand {
  static override paths = [['local']];
  static override usage = Command.Usage({
    description: "pin this project's version in .tool-version",
    details: `
      With a request, writes it to \`.tool-version\` in the current directory (or \`LAUNCHER_DIR\`), replacing the file atomically. The directory must exist: none is created. A \`.tool-version\` that is a symbolic link is written through to the file it points to, when that file is a version file (or empty); otherwise nothing is written. An invalid request is refused and nothing is written. The version need not be installed yet: it is installed on first use. When the index is known without the network (a \`file:\` index, or the cached copy) and no version in it satisfies the request, the pin is still written, with a warning that it cannot run until one does.

      Without one, prints the request of the nearest version file. \`--unset\` removes this directory's \`.tool-version\`.
    `,
    examples: [
      ['Pin the highest 1.4.x', '$0 local 1.4'],
      ['Pin an exact version', '$0 local 1.4.2'],
      ['Show the pin in force for this directory', '$0 local'],
      ['Remove the pin', '$0 local --unset'],
    ],
  });

  unset = Option.Boolean('--unset', false, {
    description: "Remove this directory's .tool-version",
  });
  request = Option.String({ required: false, name: 'request' });

  run() {
    // A working directory Node cannot name would be pinned (or searched) under another name.
    requireSearchableStart(this.launcher);
    const dir = startDirectory(this.launcher);
    const file = path.join(dir, VERSION_FILE);
    // A typo in LAUNCHER_DIR would otherwise pin a project nobody has, in directories made up
    // for it.
    requireDirectory(
      dir,
      this.launcher,
      'launcher local pins an existing directory and creates none: check the path for a typo, ' +
        'or create that directory first (mkdir -p), then run the command again.',
    );
    if (this.unset) {
      if (this.request !== undefined) {
        throw new LauncherError(
          'E_USAGE',
          'launcher local takes either a request or --unset, not both',
          {
            hint: 'Run `launcher local --unset` to remove the pin, or `launcher local <request>` to set it.',
          },
        );
      }
      this.note(removePin(file) ? `removed ${file}` : `there is no ${file} to remove`);
      return 0;
    }
    if (this.request === undefined) {
      const found = findVersionFile(dir, this.launcher.tool);
      if (!found) {
        throw new LauncherError(
          'E_NO_VERSION',
          `no version file in ${dir} or any parent directory`,
          {
            hint: 'Pin one with `launcher local <version>`, for example `launcher local 1.4`.',
          },
        );
      }
      this.out(found.request.raw);
      return 0;
    }
    const request = requestForFile(this.request);
    writePin(file, request, { project: true });
    this.out(`${request.raw} (set by ${file})`);
    for (const line of pinNotes(this.launcher, request)) this.note(line);
    return 0;
  }
}
