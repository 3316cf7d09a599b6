// `launcher doctor`: check the installation and say how to fix each problem found.
import { Command } from 'clipanion';
import { ExitCode } from '../../errors.js';
import { LauncherCommand } from '../launcher-command.js';

export class DoctorCommand extends LauncherCommand {
  static override paths = [['doctor']];
  static override usage = Command.Usage({
    description: 'check the installation and print a fix for each problem',
    details: `
      Checks that the shims directory is on \`PATH\` before any other copy of each shimmed bin, that launcher's directories are writable, that the socket directory is private and its socket paths short enough, that the distribution index is reachable and valid, that every installed version is intact (receipt, executable bins), and that the shims still point at an existing Node.js and launcher.

      Prints one line per check (\`✓\`, \`!\` for a warning, \`✗\` for a problem followed by the fix) and a summary. Nothing is changed: nothing is repaired, and launcher's directories missing in a fresh home are checked for whether they could be created, not created (only launcher's own start-up code cache may be saved, as by every command). Exits 0 when there is no problem (warnings allowed), 1 otherwise.
    `,
    examples: [['Check the installation', '$0 doctor']],
  });

  async run() {
    // Loaded here so the other commands do not pay for the HTTP client the index check needs.
    const { renderFindings, runDoctor } = await import('../../doctor/index.js');
    const findings = await runDoctor(this.launcher, { debug: this.debug });
    this.context.stdout.write(renderFindings(findings));
    // The contract has no code of its own for "problems found"; 1 is its generic failure
    // (see docs/troubleshooting.md).
    return findings.some((f) => f.status === 'fail') ? ExitCode.Internal : ExitCode.Success;
  }
}
