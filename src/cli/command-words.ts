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
 *
 * `help` is a command word like the others wherever one goes (see commandPlace): after `--`
 * (`-- help list`) and after launcher's options (`--json help list`), which stay before the
 * command as they were (`--json list --help`). The `--` goes: `--help` after it would be a word.
 * A `--` right after `help` ends its options, as after any command: `help -- list`. And
 * `--help` (or `-h`) among launcher's options before a command's word is `help` with that word
 * (`--json --help list`, as `--json help list`). Options with no command's word stay refused as
 * they are, `--help` among them or not (`--json --help`, as `--frob --help`): main.ts says that
 * options go with a command.
 */
export function helpAsFlag(argv: string[]): string[] {
  const at = commandPlace(argv);
  if (at === undefined) return argv;
  // Launcher's options before the command's word, and those of them not asking for help.
  const before = argv.slice(0, argv[at - 1] === '--' ? at - 1 : at);
  const options = before.filter((word) => !HELP_FLAGS.has(word));
  if (argv[at] !== 'help') {
    const asked = options.length < before.length;
    return asked && commandWord(argv[at]) !== undefined ? [...options, argv[at]!, '--help'] : argv;
  }
  const topicAt = argv[at + 1] === '--' ? at + 2 : at + 1;
  const topic = argv[topicAt];
  if (topic === undefined || GENERAL_HELP.has(topic)) return [...options, '--help'];
  // A word that is no command is refused by main.ts as the word after `help`.
  if (commandWord(topic) === undefined) return [...argv.slice(0, at + 1), ...argv.slice(topicAt)];
  return [...options, topic, '--help'];
}

// Launcher's options that ask for its help; and what `launcher help <word>` answers with the
// general help.
const HELP_FLAGS: ReadonlySet<string> = new Set(['--help', '-h']);
const GENERAL_HELP: ReadonlySet<string> = new Set(['help', ...HELP_FLAGS]);

/**
 * Where the command's name is in `argv`: the first word that is no option (launcher itself takes
 * no option with a value, so `--json instal` names `instal`), or the word right after a `--`
 * that comes before any such word, whatever it looks like (`-- --help` names "--help"; `--`
 * ends launcher's options, the command's name comes next). Undefined if none is there
 * (`--json`, `--`).
 */
export function commandPlace(argv: readonly string[]): number | undefined {
  for (const [i, word] of argv.entries()) {
    if (word === '--') return i + 1 < argv.length ? i + 1 : undefined;
    if (!word.startsWith('-')) return i;
  }
  return undefined;
}

/** The command a first argument starts (aliases resolved), or undefined if none. */
export function commandWord(first: string | undefined): string | undefined {
  if (first === undefined) return undefined;
  const word = Object.hasOwn(ALIASES, first) ? ALIASES[first]! : first;
  return COMMAND_WORDS.has(word) ? word : undefined;
}

/**
 * The commands a mistyped word most likely meant (`instal`: install), for "did you mean": those
 * within a typo or two of it (one for a short word), or that it begins (`lis`: list, list-remote).
 */
export function closestCommands(word: string): string[] {
  const allowed = word.length <= 4 ? 1 : 2;
  // Each edit changes the length by one at most, so a name whose length differs by more is
  // never near: checked first, a 100 KB word costs no table of 100 KB rows per name.
  const near = (name: string) =>
    (Math.abs(word.length - name.length) <= allowed && typoDistance(word, name) <= allowed) ||
    (word.length >= 3 && word.length <= name.length && name.startsWith(word));
  const found = [...COMMAND_WORDS, ...Object.keys(ALIASES)]
    .filter(near)
    .map((name) => commandWord(name)!);
  return [...new Set(found)];
}

// Edits (insert, delete, replace, swap two neighbours) from one word to the other.
function typoDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}
