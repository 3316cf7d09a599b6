// `launcher init [shell]`: print the PATH set-up for a shell.
import { Command, Option } from 'clipanion';
import { LauncherError } from '../../errors.js';
import {
  detectShell,
  initSnippet,
  SHELLS,
  type Shell,
  startupFile,
} from '../../shim/shell-init.js';
import { LauncherCommand } from '../launcher-command.js';

export class InitCommand extends LauncherCommand {
  static override paths = [['init']];
  static override usage = Command.Usage({
    description: 'print the shell lines that put the shims on PATH',
    details: `
      Prints, on stdout, the lines that put launcher's shims directory first on \`PATH\` for \`bash\`, \`zsh\`, \`fish\`, \`pwsh\` or \`sh\`. Without a shell name it detects yours: \`pwsh\` on Windows, or when \`PSModulePath\` names a PowerShell directory (PowerShell sets that variable but not \`SHELL\`, so the \`SHELL\` it inherited names the login shell instead); otherwise the name of \`$SHELL\`, or \`sh\` when that is none of these. Name the shell to override the detection (a shell started from PowerShell inherits \`PSModulePath\`). Add them to your shell's start-up file, or evaluate them there.
    `,
    examples: [
      ['Set up bash', `echo 'eval "$(launcher init bash)"' >> ~/.bashrc`],
      ['Set up fish', '$0 init fish >> ~/.config/fish/config.fish'],
    ],
  });

  shell = Option.String({ required: false, name: 'shell' });

  run() {
    let shell: Shell;
    if (this.shell === undefined) shell = detectShell(this.context.env);
    else if ((SHELLS as readonly string[]).includes(this.shell)) shell = this.shell as Shell;
    else {
      throw new LauncherError('E_USAGE', `unknown shell "${this.shell}"`, {
        hint: `Name one of: ${SHELLS.join(', ')}.`,
      });
    }
    this.context.stdout.write(initSnippet(shell, this.launcher.paths.shims));
    if (this.shell === undefined)
      this.note(`(detected ${shell}; add these lines to ${startupFile(shell)})`);
    return 0;
  }
}
