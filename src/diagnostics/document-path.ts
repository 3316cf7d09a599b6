// How a document's URI is shown to people and problem matchers: a path relative to the project.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic, DiagnosticSeverity } from './diagnostic.js';

/** The file path of a `file:` URI, or null for any other URI (or a malformed one). */
export function uriToPath(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return fileURLToPath(uri);
  } catch {
    return null;
  }
}

/**
 * A document as a path relative to the project root (`src/a.my`, `../lib/b.my`); a non-file URI
 * is shown as it is, and so is a file on another drive (Windows). Either way on one line (see
 * escapeControls).
 */
export function displayPath(uri: string, projectRoot: string): string {
  const file = uriToPath(uri);
  if (file === null) return escapeControls(uri);
  const relative = path.relative(projectRoot, file);
  return relative === '' ? '.' : escapeControls(relative);
}

// C0 controls, DEL, C1 controls (NEL U+0085 ends a line for some readers, CSI U+009B starts a
// terminal's escape sequence), and Unicode's line and paragraph separators.
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * Control characters as percent-escapes (a newline is `%0A`). A path is a field of a line that
 * problem matchers read, and any URI a compiler published is decoded into it: one with a
 * newline would print a problem line of its own choosing.
 */
function escapeControls(text: string): string {
  return text.replace(CONTROLS, (character) => encodeURIComponent(character));
}

/** LSP leaves a missing severity to the client; like VS Code, we show it as an error. */
export function severityOf(diagnostic: Diagnostic): DiagnosticSeverity {
  return diagnostic.severity ?? 1;
}

/**
 * A diagnostic's code as the line formats show it, on one line; undefined when it has none, or
 * one that shows as nothing (`""`), which would leave `error : …`, `[] …` or an empty rule id.
 */
export function shownCode(code: Diagnostic['code']): string | undefined {
  if (code === undefined) return undefined;
  const text = oneLine(String(code));
  return text === '' ? undefined : text;
}

/** A message on one line: problem matchers and line-based tools read one line per problem. */
export function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** Diagnostics in reading order: by line, then column. */
export function byPosition(a: Diagnostic, b: Diagnostic): number {
  return (
    a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character
  );
}
