// `launcher restart`: give the project's live session a fresh compiler process.
import { Command } from 'clipanion';
import { LauncherError } from '../../errors.js';
import { projectSession } from '../../session/act-on-session.js';
import { askSession } from '../ask-session.js';
import { LauncherCommand } from '../launcher-command.js';
import { valueOption } from '../value-option.js';

export class RestartCommand extends LauncherCommand {
  static override paths = [['restart']];
  static override usage = Command.Usage({
    description: "restart the project's running compiler",
    details: `
      Asks the live session of this project (or of \`--dir\`) to stop its compiler gracefully and start a new one, and waits until that is done (a session whose launcher no longer answers is given up on after the stop timeout and a few seconds). Exits 2 when the project has no live session.
    `,
    examples: [['Restart the compiler of this project', '$0 restart']],
  });

  dir = valueOption('--dir', 'DIR', 'Act on the project of DIR instead of the cwd');

  async run() {
    const { projectRoot, session } = projectSession(this.launcher, this.dir);
    if (!session) {
      throw new LauncherError('E_NO_SESSION', `no live session for the project ${projectRoot}`, {
        hint: 'Start the compiler through its shim (or `launcher exec <bin>`) first; `launcher status` lists live sessions.',
      });
    }
    if (!(await askSession(this, session, 'restart'))) {
      throw new LauncherError(
        'E_NO_SESSION',
        `the session of ${projectRoot} ended before it could be restarted`,
        {
          hint: 'Start the compiler again through its shim (or `launcher exec <bin>`).',
        },
      );
    }
    return 0;
  }
}
