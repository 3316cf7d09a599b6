// Telling the user how a download goes: a redrawn bar on a terminal, a line or two otherwise.

/** Receives the download's events; the three kinds of output implement it. */
export interface Progress {
  /** `total` is the full size when known; `from` the bytes already there (a resume). */
  start(url: string, total: number | undefined, from: number): void;
  advance(bytes: number): void;
  finish(): void;
  /** A one-line remark (a retry, a resume); dropped when quiet. */
  note(line: string): void;
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

/**
 * The progress output for `stream`: a bar when it is a terminal, plain lines when it is not,
 * nothing when there is no stream or `quiet` is set.
 */
export function createProgress(
  stream: NodeJS.WritableStream | null,
  options: { quiet?: boolean | undefined; label: string; now?: () => number },
): Progress {
  if (!stream || options.quiet) return { start() {}, advance() {}, finish() {}, note() {} };
  const now = options.now ?? (() => performance.now());
  const tty = (stream as { isTTY?: boolean }).isTTY === true;
  let total: number | undefined;
  let done = 0;
  let from = 0;
  let startedAt = 0;
  let drawnAt = -Infinity;
  const rate = () => {
    const seconds = Math.max((now() - startedAt) / 1000, 0.001);
    return `${formatBytes((done - from) / seconds)}/s`;
  };
  const draw = () => {
    drawnAt = now();
    const size = total ? `${formatBytes(done)}/${formatBytes(total)}` : formatBytes(done);
    let bar = '';
    if (total) {
      const filled = Math.min(BAR_WIDTH, Math.round((done / total) * BAR_WIDTH));
      bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${Math.floor((done / total) * 100)}% `;
    }
    stream.write(`\r${options.label} ${bar}${size} ${rate()}\x1b[K`);
  };
  return {
    start(url, size, already) {
      total = size;
      done = already;
      from = already;
      startedAt = now();
      const resumed = already > 0 ? `, resuming at ${formatBytes(already)}` : '';
      if (tty) draw();
      else
        stream.write(
          `downloading ${options.label} from ${url}${size ? ` (${formatBytes(size)}${resumed})` : resumed}\n`,
        );
    },
    advance(bytes) {
      done += bytes;
      if (tty && now() - drawnAt >= REDRAW_MS) draw();
    },
    finish() {
      if (tty) {
        draw();
        stream.write('\n');
      } else {
        const seconds = ((now() - startedAt) / 1000).toFixed(1);
        stream.write(`downloaded ${formatBytes(done - from)} in ${seconds} s (${rate()})\n`);
      }
    },
    note(line) {
      stream.write(tty ? `\r\x1b[K${line}\n` : `${line}\n`);
    },
  };
}
