// LSP's Diagnostic, exactly as the protocol defines it, and the one check of what claims to be one.
import { withoutNullFields } from '../util/without-null-fields.js';

/** A zero-based line and UTF-16 character offset. */
export interface Position {
  line: number;
  character: number;
}

/** A range; `end` is exclusive. */
export interface Range {
  start: Position;
  end: Position;
}

/** 1 Error, 2 Warning, 3 Information, 4 Hint. */
export type DiagnosticSeverity = 1 | 2 | 3 | 4;

export interface Location {
  uri: string;
  range: Range;
}

export interface DiagnosticRelatedInformation {
  location: Location;
  message: string;
}

/** LSP's `Diagnostic` (3.17); the compiler sends these in `textDocument/publishDiagnostics`. */
export interface Diagnostic {
  range: Range;
  severity?: DiagnosticSeverity;
  code?: number | string;
  codeDescription?: { href: string };
  source?: string;
  message: string;
  /** 1 Unnecessary, 2 Deprecated. */
  tags?: (1 | 2)[];
  relatedInformation?: DiagnosticRelatedInformation[];
  data?: unknown;
}

/** The diagnostics of one document, as `diagnostics --json` and `launcher/subscribe` list them. */
export interface FileDiagnostics {
  uri: string;
  diagnostics: Diagnostic[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPosition(value: unknown): value is Position {
  return (
    isRecord(value) &&
    Number.isSafeInteger(value.line) &&
    (value.line as number) >= 0 &&
    Number.isSafeInteger(value.character) &&
    (value.character as number) >= 0
  );
}

/** Whether a value is a well-formed LSP range. */
function isRange(value: unknown): value is Range {
  return isRecord(value) && isPosition(value.start) && isPosition(value.end);
}

function isRelatedInformation(value: unknown): value is DiagnosticRelatedInformation {
  return (
    isRecord(value) &&
    typeof value.message === 'string' &&
    isRecord(value.location) &&
    typeof value.location.uri === 'string' &&
    isRange(value.location.range)
  );
}

const RANGE_SHAPE =
  '"range" must be { start, end }, each { line, character } with integers from 0 (LSP Range)';

/**
 * What is wrong with a value as an LSP diagnostic, or null when nothing is. The one check for
 * diagnostics wherever they come from: a compiler on the wire, or the kept file on disk. So
 * whatever is accepted is also shown, and whatever is shown can be formatted (every field the
 * formats and editors read is checked); `data` is the compiler's own and passed through as is.
 */
export function diagnosticProblem(value: unknown): string | null {
  if (!isRecord(value)) return 'a diagnostic must be an object (LSP Diagnostic)';
  if (!isRange(value.range)) return RANGE_SHAPE;
  if (typeof value.message !== 'string') return '"message" must be a string';
  const { severity, code, codeDescription, source, tags, relatedInformation } = value;
  if (
    severity !== undefined &&
    severity !== 1 &&
    severity !== 2 &&
    severity !== 3 &&
    severity !== 4
  )
    return '"severity" must be 1 (error), 2 (warning), 3 (information) or 4 (hint)';
  if (code !== undefined && typeof code !== 'string' && !Number.isFinite(code))
    return '"code" must be a string or a number';
  if (
    codeDescription !== undefined &&
    !(isRecord(codeDescription) && typeof codeDescription.href === 'string')
  )
    return '"codeDescription" must be { href: string }';
  if (source !== undefined && typeof source !== 'string') return '"source" must be a string';
  if (tags !== undefined && !(Array.isArray(tags) && tags.every(Number.isSafeInteger)))
    return '"tags" must be an array of integers (1 unnecessary, 2 deprecated)';
  if (
    relatedInformation !== undefined &&
    !(Array.isArray(relatedInformation) && relatedInformation.every(isRelatedInformation))
  )
    return '"relatedInformation" must be an array of { location: { uri, range }, message }';
  return null;
}

/** The optional fields of LSP's Diagnostic whose type has no null (`data` may be anything). */
const OPTIONAL_FIELDS = [
  'severity',
  'code',
  'codeDescription',
  'source',
  'tags',
  'relatedInformation',
] as const;

/**
 * A diagnostic without the optional fields that are null: LSP's types allow no null for them,
 * but some JSON writers put one for "absent" (a Go pointer without omitempty, Python's None), so
 * it is read as absent rather than refused. Returns the value itself when there is nothing to
 * remove, so the common case costs no copy.
 */
export function withoutNulls(value: unknown): unknown {
  return withoutNullFields(value, OPTIONAL_FIELDS);
}

/** Whether a value is a diagnostic launcher accepts, keeps and shows (see diagnosticProblem). */
export function isDiagnostic(value: unknown): value is Diagnostic {
  return diagnosticProblem(value) === null;
}
