// The words that start the CLI's commands, known without loading any command: the start-up code
// names its code cache after the word (src/cli/start.ts), and main.ts dispatches on it.

/** Every command's word, as `main.ts` registers them (a test keeps the two lists equal). */
export const COMMAND_WORDS: ReadonlySet<string> = new Set([
  'current',
  'local',
  'global',
  'list',
  'rehash',
  'which',
  'init',
  'doctor',
  'status',
  'diagnostics',
  'restart',
  'stop',
  'exec',
  'lsp',
  'install',
  'uninstall',
  'list-remote',
]);

/** Other words that start a command (aliases). */
export const ALIASES: Readonly<Record<string, string>> = { ls: 'list' };

/**
 * `launcher help [command]`, the word rbenv, rustup and volta have, is `[command] --help`: the
 * same output, exit 0. Only the command word is kept: what follows it could be a bin and its
 * arguments (`help exec mycc`), which `--help` placed after them would run rather than explain.
 * `help`, `help help` and `help --help` are the general `--help`. A word that is no command is
 * left as it came (`help nope`), for main.ts to refuse: as `nope --help` clipanion would say
 * "while running nope --help", as if `nope` were a command. Applied before anything looks at
 * the command word.
 */
export function helpAsFlag(argv: string[]): string[] {
  if (argv[0] !== 'help') return argv;
  const topic = argv[1];
  if (topic === undefined || GENERAL_HELP.has(topic)) return ['--help'];
  return commandWord(topic) === undefined ? argv : [topic, '--help'];
}

// What `launcher help <word>` answers with the general help.
const GENERAL_HELP: ReadonlySet<string> = new Set(['help', '--help', '-h']);

/** The command a first argument starts (aliases resolved), or undefined if none. */
export function commandWord(first: string | undefined): string | undefined {
  if (first === undefined) return undefined;
  const word = Object.hasOwn(ALIASES, first) ? ALIASES[first]! : first;
  return COMMAND_WORDS.has(word) ? word : undefined;
}
