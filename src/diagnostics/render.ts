// Kept diagnostics in each output format of `launcher diagnostics`, once or as a watch update.
import { clock } from '../util/clock.js';
import type { FileDiagnostics } from './diagnostic.js';
import { toSarif } from './format-sarif.js';
import { formatText, summarize } from './format-text.js';
import { formatTsc, tscWatchMarkers } from './format-tsc.js';

/** The formats of `launcher diagnostics` (`--json` is `json`). */
export const DIAGNOSTICS_FORMATS = ['text', 'json', 'tsc', 'sarif'] as const;
export type DiagnosticsFormat = (typeof DIAGNOSTICS_FORMATS)[number];

/** What every format needs besides the diagnostics. */
export interface RenderContext {
  readonly projectRoot: string;
  /** Named as the SARIF driver. */
  readonly tool: string;
  readonly version?: string | null;
}

function lines(list: string[]): string {
  return list.map((line) => `${line}\n`).join('');
}

/** The whole output of a one-shot `launcher diagnostics`. */
export function renderDiagnostics(
  format: DiagnosticsFormat,
  files: FileDiagnostics[],
  ctx: RenderContext,
): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(files, null, 2)}\n`;
    case 'sarif':
      return `${JSON.stringify(toSarif(files, ctx), null, 2)}\n`;
    case 'tsc':
      return lines(formatTsc(files, ctx.projectRoot));
    case 'text':
      return files.length === 0
        ? `no diagnostics kept for ${ctx.projectRoot}\n`
        : lines(formatText(files, ctx.projectRoot));
  }
}

/**
 * One update of `--watch`: the full set again. JSON and SARIF as one line each (JSON Lines);
 * tsc framed by tsc's own watch-mode markers; text under a dated summary line.
 */
export function renderWatchUpdate(
  format: DiagnosticsFormat,
  files: FileDiagnostics[],
  ctx: RenderContext,
  first: boolean,
  now: Date,
): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(files)}\n`;
    case 'sarif':
      return `${JSON.stringify(toSarif(files, ctx))}\n`;
    case 'tsc': {
      const { begin, end } = tscWatchMarkers(first, files, now);
      return lines([begin, ...formatTsc(files, ctx.projectRoot), end]);
    }
    case 'text': {
      return lines([
        `-- ${clock(now)} ${summarize(files)} --`,
        ...formatText(files, ctx.projectRoot),
      ]);
    }
  }
}
