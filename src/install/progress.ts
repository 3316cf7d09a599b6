// Telling the user how a download goes: a redrawn bar on a terminal, a line or two otherwise.

/** Receives the download's events; the three kinds of output implement it. */
export interface Progress {
  /** `total` is the full size when known; `from` the bytes already there (a resume). */
  start(url: string, total: number | undefined, from: number): void;
  advance(bytes: number): void;
  finish(): void;
  /** A one-line remark (a retry, a resume); dropped when quiet. */
  note(line: string): void;
  /**
   * Ends a bar the download left unfinished (it failed, or Ctrl-C stopped it) with a newline,
   * so what follows (an error, the shell's prompt) starts on a line of its own. Else nothing.
   */
  end(): void;
}

/** 12.3 MiB: sizes (and rates, which are fractional) as people read them. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  // Whole bytes: a rate below 1 KiB/s is printed as 128 B, not 128.19732934165575 B.
  let value = Math.round(bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

const REDRAW_MS = 100;
const BAR_WIDTH = 24;
// Narrower than this, a bar tells less than the columns it takes.
const MIN_BAR_WIDTH = 8;

/** What the bar's line shows; `bar` is the fraction done, drawn to the width there is room for. */
interface BarParts {
  readonly label: string;
  readonly bar?: number | undefined;
  readonly percent?: string | undefined;
  readonly size: string;
  readonly rate: string;
}

// Dropped in this order when the line is too wide for the terminal: the graphic first, the label
// last. What is left (the percentage, or the size when the total is unknown) is cut if need be.
const DROP_ORDER = ['bar', 'rate', 'size', 'label'] as const;

/**
 * The bar's line in at most `width` columns (no limit when undefined). A line wider than the
 * terminal wraps, and each `\r` redraw then rewinds only its last row, filling the screen.
 */
export function fitBarLine(parts: BarParts, width: number | undefined): string {
  const shown = new Set<keyof BarParts>(['label', 'bar', 'percent', 'size', 'rate']);
  const keep = parts.percent === undefined ? 'size' : 'percent';
  const render = (barWidth: number) =>
    [...shown]
      .map((key) => {
        if (key !== 'bar') return parts[key];
        if (parts.bar === undefined) return undefined;
        const filled = Math.min(barWidth, Math.round(parts.bar * barWidth));
        return `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]`;
      })
      .filter((text) => text !== undefined)
      .join(' ');
  let line = render(BAR_WIDTH);
  if (width === undefined || line.length <= width) return line;
  // A shorter bar first, then whole parts.
  const barWidth = BAR_WIDTH - (line.length - width);
  if (parts.bar !== undefined && barWidth >= MIN_BAR_WIDTH) return render(barWidth);
  for (const key of DROP_ORDER) {
    if (key === keep) continue;
    shown.delete(key);
    line = render(BAR_WIDTH);
    if (line.length <= width) return line;
  }
  return line.slice(0, Math.max(width, 0));
}

// The columns the bar may use: one less than the terminal's, since a line that fills the last
// column leaves some terminals wrapping at the next character. Undefined when unknown.
function barColumns(stream: NodeJS.WritableStream): number | undefined {
  const columns = (stream as { columns?: number }).columns;
  return columns ? columns - 1 : undefined;
}

/**
 * The progress output for `stream`: a bar when it is a terminal that can redraw a line, plain
 * lines when it is not, nothing when there is no stream or `quiet` is set. `term` is the
 * terminal's type (TERM): a `dumb` one (an editor's shell or compilation buffer) moves no
 * cursor, and would show the bar's `\r` and `ESC[K` as they are.
 */
export function createProgress(
  stream: NodeJS.WritableStream | null,
  options: {
    quiet?: boolean | undefined;
    label: string;
    term?: string | undefined;
    now?: () => number;
  },
): Progress {
  if (!stream || options.quiet) {
    return { start() {}, advance() {}, finish() {}, note() {}, end() {} };
  }
  const now = options.now ?? (() => performance.now());
  const drawsBar = (stream as { isTTY?: boolean }).isTTY === true && options.term !== 'dumb';
  let total: number | undefined;
  let done = 0;
  let from = 0;
  let startedAt = 0;
  let drawnAt = -Infinity;
  // A bar is on the screen and its line not ended yet.
  let open = false;
  const rate = () => {
    const seconds = Math.max((now() - startedAt) / 1000, 0.001);
    return `${formatBytes((done - from) / seconds)}/s`;
  };
  const draw = () => {
    drawnAt = now();
    const parts: BarParts = total
      ? {
          label: options.label,
          bar: done / total,
          percent: `${Math.floor((done / total) * 100)}%`,
          size: `${formatBytes(done)}/${formatBytes(total)}`,
          rate: rate(),
        }
      : { label: options.label, size: formatBytes(done), rate: rate() };
    stream.write(`\r${fitBarLine(parts, barColumns(stream))}\x1b[K`);
    open = true;
  };
  // A terminal made narrower gets a line that fits at once, not at the next chunk (a stalled
  // download may send none for a while).
  const onResize = () => {
    if (open) draw();
  };
  const close = (ending: string) => {
    if (drawsBar) stream.off('resize', onResize);
    if (open) stream.write(ending);
    open = false;
  };
  return {
    start(url, size, already) {
      total = size;
      done = already;
      from = already;
      startedAt = now();
      const resumed = already > 0 ? `, resuming at ${formatBytes(already)}` : '';
      if (drawsBar) {
        stream.off('resize', onResize);
        stream.on('resize', onResize);
        draw();
      } else
        stream.write(
          `downloading ${options.label} from ${url}${size ? ` (${formatBytes(size)}${resumed})` : resumed}\n`,
        );
    },
    advance(bytes) {
      done += bytes;
      if (drawsBar && now() - drawnAt >= REDRAW_MS) draw();
    },
    finish() {
      if (drawsBar) {
        draw();
        close('\n');
      } else {
        const seconds = ((now() - startedAt) / 1000).toFixed(1);
        stream.write(`downloaded ${formatBytes(done - from)} in ${seconds} s (${rate()})\n`);
      }
    },
    note(line) {
      // On a terminal the note takes the bar's line; the next chunk draws the bar again below.
      if (drawsBar) open = false;
      stream.write(drawsBar ? `\r\x1b[K${line}\n` : `${line}\n`);
    },
    end() {
      close('\n');
    },
  };
}
