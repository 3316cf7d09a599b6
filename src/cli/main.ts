// The `launcher` command line: registers the commands and runs one.
import { Builtins, Cli } from 'clipanion';
import { ExitCode, exitCodeOf, LauncherError, renderError } from '../errors.js';
import { packageVersion } from '../package-root.js';
import { ownStderr } from '../util/own-stderr.js';
import { quotedStart } from '../util/printable.js';
import { workingDir } from '../util/working-dir.js';
import type { CliContext } from './cli-context.js';
import { closestCommands, commandPlace, commandWord, helpAsFlag } from './command-words.js';
import type { LauncherCommand } from './launcher-command.js';
import { exitAfterOutput, watchOutput } from './output-watch.js';

type CommandClass = (new () => LauncherCommand) & { paths?: string[][] };

/**
 * Every command of the CLI, by the word that starts it, loaded when needed: a run loads only
 * its own command's code, and clipanion builds its parser for that command alone. Sixteen
 * installers started at once spend most of their time starting up, and the parser of all the
 * commands (with what they import, JSON-RPC included) made up half of that.
 */
const COMMANDS: Readonly<Record<string, () => Promise<CommandClass>>> = {
  current: async () => (await import('./commands/current.js')).CurrentCommand,
  local: async () => (await import('./commands/local.js')).LocalCommand,
  global: async () => (await import('./commands/global.js')).GlobalCommand,
  list: async () => (await import('./commands/list.js')).ListCommand,
  rehash: async () => (await import('./commands/rehash.js')).RehashCommand,
  which: async () => (await import('./commands/which.js')).WhichCommand,
  init: async () => (await import('./commands/init.js')).InitCommand,
  doctor: async () => (await import('./commands/doctor.js')).DoctorCommand,
  status: async () => (await import('./commands/status.js')).StatusCommand,
  diagnostics: async () => (await import('./commands/diagnostics.js')).DiagnosticsCommand,
  restart: async () => (await import('./commands/restart.js')).RestartCommand,
  stop: async () => (await import('./commands/stop.js')).StopCommand,
  exec: async () => (await import('./commands/exec.js')).ExecCommand,
  lsp: async () => (await import('./commands/lsp.js')).LspCommand,
  install: async () => (await import('./commands/install.js')).InstallCommand,
  uninstall: async () => (await import('./commands/uninstall.js')).UninstallCommand,
  'list-remote': async () => (await import('./commands/list-remote.js')).ListRemoteCommand,
};
// What clipanion's built-in version command answers to.
const VERSION_FLAGS: ReadonlySet<string> = new Set(['--version', '-v']);

/** The word of every command (for the test that keeps `COMMAND_WORDS` in step). */
export function commandWords(): string[] {
  return Object.keys(COMMANDS);
}

/** Every command, in the order `--help` lists them. */
export function allCommands(): Promise<CommandClass[]> {
  return Promise.all(Object.values(COMMANDS).map((load) => load()));
}

/** Build the CLI with the given commands (all of them by default). */
export async function createCli(commands?: CommandClass[]): Promise<Cli<CliContext>> {
  const cli = new Cli<CliContext>({
    binaryLabel: 'launcher',
    binaryName: 'launcher',
    binaryVersion: packageVersion(),
    enableColors: false,
  });
  cli.register(Builtins.HelpCommand);
  cli.register(Builtins.VersionCommand);
  for (const command of commands ?? (await allCommands())) cli.register(command);
  return cli;
}

/** Run the CLI with `argv` (without node and script) and return the exit code. */
export async function main(words: string[], context: Partial<CliContext> = {}): Promise<number> {
  const argv = helpAsFlag(words);
  const ctx: CliContext = {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: ownStderr(),
    env: process.env,
    colorDepth: 1,
    // Read now but judged only by what needs it: `--version` runs in a removed directory.
    cwd: workingDir(),
    ...context,
  };
  const outputLost = watchOutput(ctx.stdout);
  // A word in the command's place that names none is refused before clipanion sees it, which
  // would take `-- --help` for its own --help, as if the "--" were not there. `help` is left
  // there only before a word that is no command (see helpAsFlag): that word is the mistake.
  const at = commandPlace(argv);
  if (at !== undefined && commandWord(argv[at]) === undefined)
    return argv[at] === 'help' ? noSuchCommand(argv[at + 1]!, ctx) : notACommand(argv[at]!, ctx);
  const first = argv[0] ?? '';
  const word = commandWord(first);
  // `--version` needs no command at all; a command's word, that command; anything else (help,
  // a mistake) all of them.
  const own = VERSION_FLAGS.has(first)
    ? []
    : word !== undefined
      ? [await COMMANDS[word]!()]
      : undefined;
  let cli = await createCli(own);
  let command: ReturnType<typeof cli.process>;
  try {
    command = cli.process(argv, ctx);
  } catch (error) {
    if (!own) return usageMistake(cli, error, argv, at, ctx);
    // A usage mistake is reported by the CLI of every command, so that it reads exactly the
    // same whichever word it starts with.
    cli = await createCli();
    try {
      command = cli.process(argv, ctx);
    } catch (mistake) {
      return usageMistake(cli, mistake, argv, at, ctx);
    }
  }
  return exitAfterOutput(await cli.run(command, ctx), outputLost(), ctx.stderr);
}

// A word where the command's name goes (see commandPlace) that names no command. One that
// begins with "-" is there only after `--`.
function notACommand(word: string, ctx: CliContext): number {
  return word.startsWith('-') ? optionAsCommand(word, ctx) : noSuchCommand(word, ctx);
}

// `launcher nope` and `launcher help nope`: invalid input (exit 2), said as plainly as the
// mistake is, with the commands it most likely meant.
function noSuchCommand(word: string, ctx: CliContext): number {
  const meant = closestCommands(word).map((name) => `\`launcher ${name}\``);
  const guess = meant.length > 0 ? `Did you mean ${meant.join(' or ')}? ` : '';
  return refuse(`there is no command ${quotedStart(word)}`, guess, ctx);
}

// `launcher -- --json`: after `--` a word is a command's name, even one that looks like an
// option; saying only that there is no command "--json" would leave that unexplained.
function optionAsCommand(word: string, ctx: CliContext): number {
  return refuse(
    `there is no command ${quotedStart(word)}: after "--", a word is taken as a command's name, even one that begins with "-"`,
    fixAfterDashes(word),
    ctx,
  );
}

// What the user of `launcher -- <word>` most likely meant, by the word.
function fixAfterDashes(word: string): string {
  // `launcher -- -- list`: a second "--", which is no option either.
  if (word === '--')
    return 'One "--" is enough, and none is needed before a command, as in `launcher list`. ';
  // `launcher -- --help`: launcher's own flag, which "--" has ended.
  if (STANDALONE_FLAGS.has(word))
    return `For launcher's own ${word}, leave out "--": \`launcher ${word}\`. `;
  return 'Options go after their command, as in `launcher list --json`, and "--" is not needed. ';
}

// `launcher --`: the end of launcher's options, and nothing after it.
function noCommandAfterDashes(ctx: CliContext): number {
  return refuse(
    'a command is missing after "--"',
    'Name one, as in `launcher list` ("--" is not needed before it). ',
    ctx,
  );
}

// `launcher --json`: options but no command; only --help and --version stand alone.
function noCommand(option: string, ctx: CliContext): number {
  return refuse(
    `${JSON.stringify(option)} is no option of launcher itself, and no command came with it`,
    'Options go with a command, as in `launcher list --json`; launcher alone takes only --help and --version. ',
    ctx,
  );
}

// A usage mistake in the contract's form: what went wrong, a blank line, the fix.
function refuse(message: string, fix: string, ctx: CliContext): number {
  const error = new LauncherError('E_USAGE', message, {
    hint: `${fix}Run \`launcher --help\` (or \`launcher help\`) for the list of commands.`,
  });
  ctx.stderr.write(renderError(error));
  return exitCodeOf(error);
}

// What may come first without a command.
const STANDALONE_FLAGS: ReadonlySet<string> = new Set(['-h', '--help', ...VERSION_FLAGS]);

/**
 * Usage mistakes are invalid input (exit 2) and go to stderr, unlike clipanion's default.
 * Options with no word in the command's place (`at`, see commandPlace; a word there that is no
 * command was refused before) are said plainly, rather than as clipanion's "Command not found"
 * with every command's usage; a mistake in a command's words shows that command's usage.
 */
function usageMistake(
  cli: Cli<CliContext>,
  error: unknown,
  argv: string[],
  at: number | undefined,
  ctx: CliContext,
): number {
  const first = argv[0] ?? '';
  if (at === undefined && first === '--') return noCommandAfterDashes(ctx);
  if (at === undefined && !STANDALONE_FLAGS.has(first)) return noCommand(first, ctx);
  ctx.stderr.write(
    asOurError(withoutRepeats(cli.error(oneCommandMistake(error) ?? error, { colored: false }))),
  );
  ctx.stderr.write('\nRun `launcher --help` for the list of commands.\n');
  return ExitCode.InvalidInput;
}

/**
 * clipanion's first line (`Unknown Syntax Error: Extraneous positional argument ("b").`) said as
 * launcher's other errors begin: `launcher: extraneous positional argument ("b")`. The usage
 * lines and the fix follow after the blank line, as the contract's error form has it.
 */
function asOurError(text: string): string {
  return text.replace(
    /^(?:Unknown Syntax Error|Usage Error): (.)(.*?)\.?$/m,
    (_, first: string, rest: string) => `launcher: ${first.toLowerCase()}${rest}`,
  );
}

/**
 * Each usage line (`$ launcher …`) once: for a mistake before any command word (`launcher
 * --frob`), clipanion lists a usage per way a command can be named (`-h` and `--help`, `list`
 * and `ls`), so some lines came twice.
 */
function withoutRepeats(text: string): string {
  const seen = new Set<string>();
  return text
    .split('\n')
    .filter((line) => !line.startsWith('$ ') || (!seen.has(line) && seen.add(line)))
    .join('\n');
}

/**
 * A mistake in the words after a command with an optional argument (`launcher local 1.4 1.5`):
 * clipanion tries them with and without that argument and, as every try fails, says "Command
 * not found" and lists the command's usage once per try. Said instead as for any other command
 * (`launcher list extra`): the reason of the first try, which took the argument and so got
 * furthest (`Extraneous positional argument ("1.5")`), then the usage line once.
 */
function oneCommandMistake(error: unknown): Error | undefined {
  const { candidates } = error as { candidates?: { usage: string; reason: string | null }[] };
  if (!Array.isArray(candidates) || candidates.length < 2) return undefined;
  const [{ usage, reason }] = candidates as [{ usage: string; reason: string | null }];
  if (reason === null || candidates.some((candidate) => candidate.usage !== usage))
    return undefined;
  // The shape clipanion gives its own single-command mistake, rendered by cli.error alike.
  return Object.assign(new Error(`${reason}\n\n$ ${usage}`), {
    name: 'UnknownSyntaxError',
    clipanion: { type: 'none' },
  });
}
