// Splits mycc source into tokens with offsets; reports bad characters and literals as MYCC003.
import { Codes, type DiagnosticSink, type Span } from './diagnostics.js';
import type { Features } from './version.js';

/** A piece of a template string: literal text, or the source range of an `${…}` expression. */
export type TemplatePart = { kind: 'text'; value: string } | { kind: 'expr'; span: Span };

/**
 * One token; `op` covers punctuation, `end` is the end of the range being lexed, and `invalid`
 * marks something already reported, so the parser skips its statement without a second error.
 */
export type Token = Span &
  (
    | { kind: 'number'; value: number }
    | { kind: 'string'; value: string }
    | { kind: 'template'; parts: TemplatePart[] }
    | { kind: 'ident'; name: string }
    | { kind: 'let' }
    | { kind: 'op'; op: string }
    | { kind: 'newline' }
    | { kind: 'invalid' }
    | { kind: 'end' }
  );

// Sticky, so they match at an offset without copying the rest of the text.
const NUMBER = /[0-9]+(\.[0-9]+)?/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const OPERATORS = new Set(['=', '+', '-', '*', '/', '(', ')', ',', ';']);
const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  '"': '"',
  '\\': '\\',
  '`': '`',
  $: '$',
};

/**
 * Tokenizes `text` between `start` and `end` (a template's `${…}` is lexed in place, so its
 * offsets stay those of the file). Newlines inside parentheses are not statement ends.
 */
export function tokenize(
  text: string,
  sink: DiagnosticSink,
  features: Features,
  start = 0,
  end = text.length,
): Token[] {
  const tokens: Token[] = [];
  let depth = 0;
  let i = start;
  while (i < end) {
    const ch = text[i]!;
    const from = i;
    if (ch === '\n') {
      i++;
      if (depth === 0) tokens.push({ kind: 'newline', start: from, end: i });
    } else if (ch === ' ' || ch === '\t' || ch === '\r') {
      i++;
    } else if (ch === '#') {
      while (i < end && text[i] !== '\n') i++;
    } else if (/[0-9]/.test(ch)) {
      const match = matchAt(NUMBER, text, i);
      i += match.length;
      tokens.push({ kind: 'number', value: Number(match), start: from, end: i });
    } else if (/[A-Za-z_]/.test(ch)) {
      const match = matchAt(NAME, text, i);
      i += match.length;
      if (match === 'let') tokens.push({ kind: 'let', start: from, end: i });
      else tokens.push({ kind: 'ident', name: match, start: from, end: i });
    } else if (ch === '"' || ch === '`') {
      const literal = readQuoted(text, i, end, sink);
      i = literal.end;
      if (!literal.closed) {
        // The line is lost anyway; closing its parentheses keeps the next line a statement.
        depth = 0;
        tokens.push({ kind: 'invalid', start: from, end: i });
        continue;
      }
      if (ch === '"') {
        const value = literal.parts.map((p) => (p.kind === 'text' ? p.value : '')).join('');
        tokens.push({ kind: 'string', value, start: from, end: i });
      } else if (features.templates) {
        tokens.push({ kind: 'template', parts: literal.parts, start: from, end: i });
      } else {
        // Before 2.0.0 a template is an error, but it still stands for a string, so that what
        // follows is checked as usual and its `${…}` parts report nothing of their own.
        const message = 'template strings need mycc 2.0.0 or later';
        sink.error(Codes.Syntax, { start: from, end: i }, message);
        tokens.push({ kind: 'string', value: text.slice(from + 1, i - 1), start: from, end: i });
      }
    } else if (OPERATORS.has(ch)) {
      i++;
      if (ch === '(') depth++;
      if (ch === ')') depth = Math.max(0, depth - 1);
      tokens.push({ kind: 'op', op: ch, start: from, end: i });
    } else {
      const char = String.fromCodePoint(text.codePointAt(i)!);
      i += char.length;
      sink.error(Codes.Syntax, { start: from, end: i }, `unexpected character '${char}'`);
      tokens.push({ kind: 'invalid', start: from, end: i });
    }
  }
  tokens.push({ kind: 'end', start: end, end });
  return tokens;
}

function matchAt(pattern: RegExp, text: string, offset: number): string {
  pattern.lastIndex = offset;
  return pattern.exec(text)![0];
}

/** Reads a `"…"` or `` `…` `` literal starting at `start`; only backticks form `${…}` parts. */
function readQuoted(text: string, start: number, end: number, sink: DiagnosticSink) {
  const quote = text[start];
  const parts: TemplatePart[] = [];
  let value = '';
  let i = start + 1;
  while (i < end && text[i] !== quote && text[i] !== '\n') {
    const ch = text[i]!;
    if (ch === '\\') {
      const escaped = ESCAPES[text[i + 1] ?? ''];
      if (escaped === undefined) {
        sink.error(
          Codes.Syntax,
          { start: i, end: i + 2 },
          `unknown escape '\\${text[i + 1] ?? ''}'`,
        );
      } else value += escaped;
      i += 2;
    } else if (quote === '`' && ch === '$' && text[i + 1] === '{') {
      const close = text.indexOf('}', i + 2);
      const lineEnd = text.indexOf('\n', i);
      if (close === -1 || close >= end || (lineEnd !== -1 && close > lineEnd)) break;
      if (value) parts.push({ kind: 'text', value });
      value = '';
      parts.push({ kind: 'expr', span: { start: i + 2, end: close } });
      i = close + 1;
    } else {
      value += ch;
      i++;
    }
  }
  if (value || parts.length === 0) parts.push({ kind: 'text', value });
  if (text[i] !== quote) {
    sink.error(Codes.Syntax, { start, end: i }, 'unterminated string');
    return { parts, end: i, closed: false };
  }
  return { parts, end: i + 1, closed: true };
}
