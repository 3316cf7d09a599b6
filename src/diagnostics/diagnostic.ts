// LSP's Diagnostic, exactly as the protocol defines it, and a guard for data read back from disk.

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

function isPosition(value: unknown): value is Position {
  const p = value as Position;
  return (
    typeof value === 'object' &&
    value !== null &&
    Number.isSafeInteger(p.line) &&
    p.line >= 0 &&
    Number.isSafeInteger(p.character) &&
    p.character >= 0
  );
}

/** Whether a value is a well-formed LSP range. */
export function isRange(value: unknown): value is Range {
  const r = value as Range;
  return typeof value === 'object' && value !== null && isPosition(r.start) && isPosition(r.end);
}

/**
 * Whether a value can be shown as a diagnostic: a range, a message, and (when present) a valid
 * severity and code. Other optional fields are passed through as they are.
 */
export function isDiagnostic(value: unknown): value is Diagnostic {
  if (typeof value !== 'object' || value === null) return false;
  const d = value as Diagnostic;
  if (!isRange(d.range) || typeof d.message !== 'string') return false;
  if (d.severity !== undefined && ![1, 2, 3, 4].includes(d.severity)) return false;
  if (d.code !== undefined && typeof d.code !== 'string' && !Number.isFinite(d.code)) return false;
  return true;
}
