// `launcher global`: the default version wherever no project pins one.
import { existsSync } from 'node:fs';
import { Command, Option } from 'clipanion';
import { LauncherError } from '../../errors.js';
import { requestForFile, writePin } from '../../version/pin.js';
import { pinNotes } from '../../version/pin-notes.js';
import { readVersionFile } from '../../version/version-file.js';
import { LauncherCommand } from '../launcher-command.js';

export class GlobalCommand extends LauncherCommand {
  static override paths = [['global']];
  static override usage = Command.Usage({
    description: 'set or show the default version for directories without a pin',
    details: `
      With a request, writes it to the global default file (\`version\` in the config directory) atomically; an invalid request is refused and nothing is written. As with \`launcher local\`, a request that no version of the index known without the network satisfies is written with a warning. Without one, prints the global default, or exits 3 when there is none.
    `,
    examples: [
      ['Use the newest release wherever nothing is pinned', '$0 global latest'],
      ['Show the global default', '$0 global'],
    ],
  });

  request = Option.String({ required: false, name: 'request' });

  run() {
    const file = this.launcher.paths.globalVersionFile;
    if (this.request === undefined) {
      const found = readVersionFile(file);
      if (!found) {
        // A 0-byte file counts as no file (spec §2); say which of the two it is.
        const why = existsSync(file) ? 'is empty' : 'does not exist';
        throw new LauncherError('E_NO_VERSION', `no global default is set (${file} ${why})`, {
          hint: 'Set one with `launcher global <version>`, for example `launcher global latest`.',
        });
      }
      this.out(found.request.raw);
      return 0;
    }
    const request = requestForFile(this.request);
    writePin(file, request);
    this.out(`${request.raw} (set by ${file}, the global default)`);
    for (const line of pinNotes(this.launcher, request)) this.note(line);
    return 0;
  }
}
