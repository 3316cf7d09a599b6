// The `launcher` command line: registers the commands and runs one.
import { Builtins, Cli } from 'clipanion';
import { ExitCode } from '../errors.js';
import { packageVersion } from '../package-root.js';
import type { CliContext } from './cli-context.js';
import { CurrentCommand } from './commands/current.js';
import { DiagnosticsCommand } from './commands/diagnostics.js';
import { DoctorCommand } from './commands/doctor.js';
import { ExecCommand } from './commands/exec.js';
import { GlobalCommand } from './commands/global.js';
import { InitCommand } from './commands/init.js';
import { InstallCommand } from './commands/install.js';
import { ListCommand } from './commands/list.js';
import { ListRemoteCommand } from './commands/list-remote.js';
import { LocalCommand } from './commands/local.js';
import { LspCommand } from './commands/lsp.js';
import { RehashCommand } from './commands/rehash.js';
import { RestartCommand } from './commands/restart.js';
import { StatusCommand } from './commands/status.js';
import { StopCommand } from './commands/stop.js';
import { UninstallCommand } from './commands/uninstall.js';
import { WhichCommand } from './commands/which.js';

/** Every command of the CLI; later capabilities add theirs here. */
export const COMMANDS = [
  CurrentCommand,
  LocalCommand,
  GlobalCommand,
  ListCommand,
  RehashCommand,
  WhichCommand,
  InitCommand,
  DoctorCommand,
  StatusCommand,
  DiagnosticsCommand,
  RestartCommand,
  StopCommand,
  ExecCommand,
  LspCommand,
  InstallCommand,
  UninstallCommand,
  ListRemoteCommand,
];

/** Build the CLI (exported for tests and for `--help` rendering). */
export function createCli(): Cli<CliContext> {
  const cli = new Cli<CliContext>({
    binaryLabel: 'launcher',
    binaryName: 'launcher',
    binaryVersion: packageVersion(),
    enableColors: false,
  });
  cli.register(Builtins.HelpCommand);
  cli.register(Builtins.VersionCommand);
  for (const command of COMMANDS) cli.register(command);
  return cli;
}

/** Run the CLI with `argv` (without node and script) and return the exit code. */
export async function main(argv: string[], context: Partial<CliContext> = {}): Promise<number> {
  const ctx: CliContext = {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    colorDepth: 1,
    cwd: process.cwd(),
    ...context,
  };
  const cli = createCli();
  let command: ReturnType<typeof cli.process>;
  try {
    command = cli.process(argv, ctx);
  } catch (error) {
    // Usage mistakes are invalid input (exit 2) and go to stderr, unlike clipanion's default.
    ctx.stderr.write(cli.error(error, { colored: false }));
    ctx.stderr.write('\nRun `launcher --help` for the list of commands.\n');
    return ExitCode.InvalidInput;
  }
  return cli.run(command, ctx);
}
