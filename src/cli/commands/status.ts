// `launcher status`: the live sessions (supervised runs) of this user; dead ones are pruned.
import { Command, Option } from 'clipanion';
import { describeSession } from '../../session/describe-session.js';
import { listSessions } from '../../session/registry.js';
import { LauncherCommand } from '../launcher-command.js';

export class StatusCommand extends LauncherCommand {
  static override paths = [['status']];
  static override usage = Command.Usage({
    description: 'list the running supervised compilers (sessions)',
    details: `
      Every supervised run (a shim, \`launcher exec\` or \`launcher lsp --start\`) is a session. Prints one line per live session: id, tool@version, state, port, the launcher's pid (and the compiler's), and the project root.

      Sessions whose launcher is gone (also when its pid now belongs to another process) are removed on the way.
    `,
    examples: [
      ['List the sessions', '$0 status'],
      ['The same, for scripts', '$0 status --json'],
    ],
  });

  json = Option.Boolean('--json', false, {
    description: 'Print a JSON array of session objects instead of text',
  });

  run() {
    const sessions = listSessions(this.launcher.paths);
    if (this.json) this.printJson(sessions);
    else if (sessions.length === 0) this.out('no live sessions');
    else for (const session of sessions) this.out(describeSession(session));
    return 0;
  }
}
