// `launcher lsp`: the language server that shows the pinned compiler's diagnostics in an editor.
import { Command, Option } from 'clipanion';
import { LauncherError } from '../../errors.js';
import { runLspBridge } from '../../lsp/bridge.js';
import { startForEditor } from '../../lsp/start-session.js';
import { requireBinName } from '../../shim/locate-bin.js';
import { exitLikeChild } from '../../supervisor/exit-like-child.js';
import { settingsFromEnv } from '../../supervisor/settings.js';
import { LauncherCommand } from '../launcher-command.js';

export class LspCommand extends LauncherCommand {
  static override paths = [['lsp']];
  static override usage = Command.Usage({
    description: "a language server on stdio for the project's compiler diagnostics",
    details: `
      Speaks LSP on stdin/stdout. After \`initialize\` it finds the project from \`rootUri\`, publishes the diagnostics kept from the last run, attaches to the project's live session (waiting for one to appear, and following restarts and new sessions) and forwards every diagnostics update. Compiler crashes and restarts show as \`window/showMessage\`.

      With \`--start -- <bin> <args…>\` it runs that bin supervised itself (installing it if needed) and stops it on \`shutdown\`, \`exit\`, SIGINT/SIGTERM/SIGHUP, or when the editor closes stdin. See docs/ide.md for editor set-up.
    `,
    examples: [
      ['Attach to whatever compiler runs in the project', '$0 lsp'],
      ['Run the compiler server for the editor', '$0 lsp --start -- mycc serve'],
    ],
  });

  start = Option.Boolean('--start', false, {
    description: 'Run the bin that follows `--` supervised',
  });
  command = Option.Rest({ name: 'bin and arguments' });

  async run(): Promise<number> {
    const [bin, ...args] = this.command;
    if (!this.start && bin !== undefined) {
      // Without --start the words would be ignored, and the user would think the bin runs.
      const words = this.command.join(' ');
      throw new LauncherError(
        'E_USAGE',
        `launcher lsp takes no arguments without --start: ${words}`,
        {
          hint:
            `To have the language server run the compiler, use \`launcher lsp --start -- ${words}\`; ` +
            "to follow the project's compiler however it runs, use `launcher lsp` alone.",
        },
      );
    }
    if (this.start && !bin) {
      throw new LauncherError('E_USAGE', 'launcher lsp --start needs the bin to run', {
        hint: 'Name it after `--`, for example `launcher lsp --start -- mycc serve`.',
      });
    }
    // Refused now (exit 2), not once the editor has sent `initialize` and the bin is installed.
    if (bin !== undefined) requireBinName(bin);
    const settings = this.start ? settingsFromEnv(this.context.env, this.launcher.config) : null;
    const log = (line: string) => this.note(line);
    const end = await runLspBridge({
      ctx: this.launcher,
      input: this.context.stdin,
      output: this.context.stdout,
      log,
      ...(settings && bin
        ? {
            start: (root: string) =>
              startForEditor(this.context.env, root, bin, args, settings, log),
          }
        : {}),
    });
    // LSP: after `exit` the server process ends, whatever (stdin, timers) would keep it alive;
    // ended by a signal, it dies of that signal (128+N) once its compiler has stopped.
    return exitLikeChild(end);
  }
}
