// `diagnostics --format tsc`: lines that VS Code's stock `$tsc` problem matcher reads as they are.
import { clock } from '../util/clock.js';
import type { Diagnostic, FileDiagnostics } from './diagnostic.js';
import { byPosition, displayPath, oneLine, severityOf, shownCode } from './document-path.js';

const SEVERITY_WORD = { 1: 'error', 2: 'warning', 3: 'info', 4: 'info' } as const;

/**
 * `$tsc` only accepts codes written `TS<digits>`. A compiler's own code keeps its digits
 * (`MYCC001` → `TS001`, `2304` → `TS2304`) and, unless it already is `TS<digits>`, is also shown
 * in brackets at the start of the message, so nothing is lost. No code at all is `TS0`.
 */
export function tscCode(code: Diagnostic['code']): { token: string; shown: string | null } {
  const text = shownCode(code);
  if (text === undefined) return { token: 'TS0', shown: null };
  if (typeof code === 'number' && Number.isSafeInteger(code) && code >= 0)
    return { token: `TS${text}`, shown: null };
  if (/^(TS)?\d+$/.test(text))
    return { token: text.startsWith('TS') ? text : `TS${text}`, shown: null };
  const digits = text.match(/\d+(?=\D*$)/)?.[0];
  return { token: `TS${digits ?? '0'}`, shown: text };
}

/** One diagnostic as `path(line,col): error TS123: message`, 1-based. */
function tscLine(file: string, diagnostic: Diagnostic): string {
  const { line, character } = diagnostic.range.start;
  const { token, shown } = tscCode(diagnostic.code);
  const message = oneLine(diagnostic.message);
  const severity = SEVERITY_WORD[severityOf(diagnostic)];
  const prefix = shown === null ? '' : `[${shown}] `;
  return `${file}(${line + 1},${character + 1}): ${severity} ${token}: ${prefix}${message}`;
}

/**
 * Every diagnostic as tsc prints it; related information follows on indented lines, which the
 * matcher skips (as with tsc's own).
 */
export function formatTsc(files: FileDiagnostics[], projectRoot: string): string[] {
  const lines: string[] = [];
  for (const { uri, diagnostics } of files) {
    const file = displayPath(uri, projectRoot);
    for (const diagnostic of [...diagnostics].sort(byPosition)) {
      lines.push(tscLine(file, diagnostic));
      for (const related of diagnostic.relatedInformation ?? []) {
        const { line, character } = related.location.range.start;
        const where = displayPath(related.location.uri, projectRoot);
        lines.push(`    ${where}(${line + 1},${character + 1}): ${oneLine(related.message)}`);
      }
    }
  }
  return lines;
}

/** How many of the diagnostics are errors (tsc's summary counts only those). */
function countErrors(files: FileDiagnostics[]): number {
  let errors = 0;
  for (const { diagnostics } of files) {
    for (const diagnostic of diagnostics) if (severityOf(diagnostic) === 1) errors++;
  }
  return errors;
}

/**
 * The markers of tsc's watch mode around each printed set, so VS Code's `$tsc-watch` matcher
 * (a background task) knows when a new set starts and replaces the old problems.
 */
export function tscWatchMarkers(first: boolean, files: FileDiagnostics[], now: Date) {
  const errors = countErrors(files);
  return {
    begin: first
      ? `${clock(now)} - Starting compilation in watch mode...`
      : `${clock(now)} - File change detected. Starting incremental compilation...`,
    end: `${clock(now)} - Found ${errors} error${errors === 1 ? '' : 's'}. Watching for file changes.`,
  };
}
