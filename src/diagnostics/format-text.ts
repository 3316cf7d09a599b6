// The default output of `launcher diagnostics`: one `path:line:col: severity CODE: message` line each.
import type { FileDiagnostics } from './diagnostic.js';
import { byPosition, displayPath, oneLine, severityOf, shownCode } from './document-path.js';

const SEVERITY_WORD = { 1: 'error', 2: 'warning', 3: 'info', 4: 'hint' } as const;

/**
 * The compiler-style form most terminals and editors make clickable (`file:line:col`), 1-based.
 * The code follows the severity when there is one.
 */
export function formatText(files: FileDiagnostics[], projectRoot: string): string[] {
  const lines: string[] = [];
  for (const { uri, diagnostics } of files) {
    const file = displayPath(uri, projectRoot);
    for (const d of [...diagnostics].sort(byPosition)) {
      const { line, character } = d.range.start;
      const shown = shownCode(d.code);
      const code = shown === undefined ? '' : ` ${shown}`;
      const severity = SEVERITY_WORD[severityOf(d)];
      lines.push(`${file}:${line + 1}:${character + 1}: ${severity}${code}: ${oneLine(d.message)}`);
    }
  }
  return lines;
}

/** "2 errors, 1 warning" — the one-line summary of a set. */
export function summarize(files: FileDiagnostics[]): string {
  const counts = [0, 0, 0, 0];
  for (const { diagnostics } of files) {
    for (const d of diagnostics) counts[severityOf(d) - 1]!++;
  }
  const parts = (['error', 'warning', 'info', 'hint'] as const)
    .map((word, i) => ({ word, n: counts[i]! }))
    .filter(({ n }) => n > 0)
    .map(({ word, n }) => `${n} ${word}${n === 1 || word === 'info' ? '' : 's'}`);
  return parts.length > 0 ? parts.join(', ') : 'no diagnostics';
}
