// `launcher stop`: stop the project's running compiler gracefully.
import { Command } from 'clipanion';
import { projectSession } from '../../session/act-on-session.js';
import { askSession } from '../ask-session.js';
import { LauncherCommand } from '../launcher-command.js';
import { valueOption } from '../value-option.js';

export class StopCommand extends LauncherCommand {
  static override paths = [['stop']];
  static override usage = Command.Usage({
    description: "stop the project's running compiler",
    details: `
      Asks the live session of this project (or of \`--dir\`) to stop: the compiler is asked to shut down, then signalled, then killed with its process tree after the stop timeout. Waits until it is done: a session whose launcher no longer answers (suspended with Ctrl-Z, or hung) is given up on after the stop timeout and a few seconds, with exit 2. With no live session there is nothing to do, and it says so and exits 0.
    `,
    examples: [['Stop the compiler of this project', '$0 stop']],
  });

  dir = valueOption('--dir', 'DIR', 'Act on the project of DIR instead of the cwd');

  async run() {
    const { projectRoot, session } = projectSession(this.launcher, this.dir);
    if (!session) {
      this.note(`no live session for the project ${projectRoot}: nothing to stop`);
      return 0;
    }
    if (!(await askSession(this, session, 'stop'))) {
      this.note(`the session of ${projectRoot} ended on its own: nothing to stop`);
    }
    return 0;
  }
}
