// Telling a shim launcher wrote from a user's own file in the shims directory: rehash and doctor.
import { readSmallFile } from '../util/read-small-file.js';

/** A shim is about 1 KB; a larger file in the shims directory is not one. */
const MAX_SHIM_BYTES = 64 * 1024;

// The marker line near the top of every shim (`# launcher shim for mycc: …`, `rem` in .cmd
// files), the same in every template since the first. Only a line of that form counts: a user's
// script that merely mentions "launcher shim for" stays the user's own, which rehash never deletes.
const MARKER = /^(?:#|rem) launcher shim for (.+?): /m;

/** One of our shims: the bin its marker line names, and its text. */
export interface OurShim {
  readonly bin: string;
  readonly text: string;
}

/**
 * The file as one of our shims, or undefined when it is not one (no marker line, too large, not
 * text, unreadable). Read as a version file is (`readSmallFile`): a FIFO left there would
 * otherwise block the read, and with it every install's rehash, for good.
 */
export function readOurShim(file: string): OurShim | undefined {
  const content = readSmallFile(file, MAX_SHIM_BYTES);
  if (content.status !== 'text') return undefined;
  const bin = MARKER.exec(content.text.slice(0, 300))?.[1];
  return bin === undefined ? undefined : { bin, text: content.text };
}
