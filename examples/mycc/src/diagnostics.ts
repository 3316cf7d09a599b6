// Diagnostics in LSP's shape (0-based positions, UTF-16 columns), the codes, and the text format.
import type { Diagnostic as LspDiagnostic, Position, Range } from '../../../src/worker/index.js';

/** LSP's Diagnostic as the worker library publishes it, with the fields mycc always fills. */
export type Diagnostic = LspDiagnostic & {
  severity: 1 | 2 | 3 | 4;
  code: string;
  source: 'mycc';
};

/** The stable codes; other tools (and tests) match on these, never on the message. */
export const Codes = {
  UndefinedName: 'MYCC001',
  TypeMismatch: 'MYCC002',
  Syntax: 'MYCC003',
  Arity: 'MYCC004',
  Unused: 'MYCC101',
} as const;
export type Code = (typeof Codes)[keyof typeof Codes];

/** A stretch of the source by UTF-16 offsets; every token and syntax node carries one. */
export interface Span {
  start: number;
  end: number;
}

/** Turns offsets into line/character positions for one source text. */
export class LineMap {
  readonly #starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.#starts.push(i + 1);
  }

  position(offset: number): Position {
    let low = 0;
    let high = this.#starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.#starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: offset - this.#starts[low]! };
  }

  range(span: Span): Range {
    return { start: this.position(span.start), end: this.position(span.end) };
  }
}

/** Collects the diagnostics of one source text while it is lexed, parsed and checked. */
export class DiagnosticSink {
  readonly items: Diagnostic[] = [];
  readonly #lines: LineMap;

  constructor(text: string) {
    this.#lines = new LineMap(text);
  }

  error(code: Code, span: Span, message: string): void {
    this.items.push({ range: this.#lines.range(span), severity: 1, code, source: 'mycc', message });
  }

  warning(code: Code, span: Span, message: string): void {
    this.items.push({ range: this.#lines.range(span), severity: 2, code, source: 'mycc', message });
  }

  /** The diagnostics in source order, which is how people read them. */
  sorted(): Diagnostic[] {
    return [...this.items].sort(
      (a, b) =>
        a.range.start.line - b.range.start.line ||
        a.range.start.character - b.range.start.character,
    );
  }
}

const SEVERITY_NAMES = { 1: 'error', 2: 'warning', 3: 'info', 4: 'hint' } as const;

/** `file:line:col: error CODE: message`, 1-based, the way gcc-style problem matchers read it. */
export function formatDiagnostic(file: string, diagnostic: Diagnostic): string {
  const { line, character } = diagnostic.range.start;
  const severity = SEVERITY_NAMES[diagnostic.severity];
  return `${file}:${line + 1}:${character + 1}: ${severity} ${diagnostic.code}: ${diagnostic.message}`;
}

/** Whether a set of diagnostics should fail the build. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 1);
}
