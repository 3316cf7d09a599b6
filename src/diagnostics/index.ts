// Kept diagnostics (spec §8): what the supervisor records and `diagnostics` and `lsp` read.
export type {
  Diagnostic,
  DiagnosticRelatedInformation,
  DiagnosticSeverity,
  FileDiagnostics,
  Location,
  Position,
  Range,
} from './diagnostic.js';
export { isDiagnostic, isRange } from './diagnostic.js';
export {
  NO_CODE_RULE,
  SARIF_SCHEMA,
  type SarifLog,
  type SarifOptions,
  toSarif,
} from './format-sarif.js';
export { formatText } from './format-text.js';
export { formatTsc, tscCode, tscLine, tscWatchMarkers } from './format-tsc.js';
export { DiagnosticsKeeper, type DiagnosticsKeeperOptions } from './keeper.js';
export {
  type KeptDiagnostics,
  keptDiagnosticsFile,
  readKept,
  readKeptFile,
  writeKeptFile,
} from './kept-file.js';
export {
  DIAGNOSTICS_FORMATS,
  type DiagnosticsFormat,
  type RenderContext,
  renderDiagnostics,
  renderWatchUpdate,
} from './render.js';
export { type KeptListener, type WatchKeptOptions, watchKept } from './watch-kept.js';
