// Text from outside (an index, a server's headers, a configured URL) made safe to print: a
// terminal acts on control characters, so one in a message could clear the screen, retitle the
// window or move the cursor over what the user reads.

// C0 controls but tab and line feed, DEL, and C1 controls (U+0080–U+009F: a terminal may read
// U+009B as the start of a sequence, as it does ESC [).
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** `text` with every control character but tab and line feed written as `\uXXXX`. */
export function printable(text: string): string {
  return text.replace(CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `value` as JSON, quoted, with no control character left raw (JSON leaves DEL and C1 so). */
export function quoted(value: unknown): string {
  return printable(String(JSON.stringify(value)));
}

/**
 * `text` as `quoted` gives it, cut to its first `max` characters with an ellipsis after the
 * quotes when longer: a 100 KB line is shown by its start, and the error stays a few lines long.
 */
export function quotedStart(text: string, max = 80): string {
  return text.length > max ? `${quoted(text.slice(0, max))}…` : quoted(text);
}
