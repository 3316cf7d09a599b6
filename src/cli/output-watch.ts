// What became of the CLI's stdout: a reader that went away ends a command quietly.
import type { Writable } from 'node:stream';
import { errnoCode, exitCodeOf, LauncherError, renderError } from '../errors.js';

/**
 * Keep the first write error of `stdout` from now on, and return how to read it. The listener
 * also stops Node from throwing the error, with a stack, out of the event loop; it stays for
 * good, since a failed write reports its error a turn later, possibly after the command's end.
 * Node does not keep the error itself: its stdout stream comes back to life after one.
 */
export function watchOutput(stdout: Writable): () => unknown {
  let first: unknown;
  stdout.on('error', (error) => {
    first ??= error;
  });
  // Until the next turn a failed write's error is only in `errored`.
  return () => first ?? stdout.errored ?? undefined;
}

/**
 * The exit code of a command whose output met `lost` (a write error, or undefined). The reader
 * of stdout going away (EPIPE: `launcher list | head -1`) is no failure: it has had what it
 * wanted, so the command ends with its own code and says nothing more; a failure stays one
 * (`launcher doctor | head -1` after a failed check is still 1). Output lost otherwise (a broken
 * terminal, a socket's error) fails a command that had succeeded. Where pipes are written
 * asynchronously (macOS), EPIPE may come only after the end: the command's code stands too.
 */
export function exitAfterOutput(code: number, lost: unknown, stderr: Writable): number {
  if (lost === undefined || code !== 0 || errnoCode(lost) === 'EPIPE') return code;
  const error = new LauncherError('E_IO', 'could not write the output to stdout', {
    hint: 'Check where the output goes (the file, pipe or terminal), then run the command again.',
    cause: lost,
  });
  stderr.write(renderError(error));
  return exitCodeOf(error);
}
