// Quote a word so that a shell reads it back as it is: no `$`, `$(…)`, backtick or glob expands.

/** POSIX sh, bash and zsh: single quotes, inside which only the quote itself needs care. */
export function quotePosix(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** fish: single quotes, inside which `\\` and `\'` are the only escapes. */
export function quoteFish(word: string): string {
  return `'${word.replace(/[\\']/g, '\\$&')}'`;
}

/**
 * PowerShell: single quotes, a quote written twice. PowerShell also takes the typographic single
 * quotes (‘ ’ ‚ ‛) as quotes, so those are doubled too; a backslash is an ordinary character.
 */
export function quotePwsh(word: string): string {
  return `'${word.replace(/['\u2018\u2019\u201a\u201b]/g, '$&$&')}'`;
}
