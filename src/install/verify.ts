// Checking an archive against the index's sha256 and size (or, without a size, launcher's cap),
// and the errors when it does not match.
import type { Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { LauncherError } from '../errors.js';
import { nodeCrypto } from '../util/random.js';

/** What was measured of a file or stream. */
export interface Measured {
  readonly sha256: string;
  readonly size: number;
  /**
   * Reading stopped once the bytes passed the declared size (or, without one, the cap), before
   * they could fill the disk: `size` and `sha256` then cover only what was read.
   */
  readonly overflowed?: boolean;
  /**
   * The answer's headers announced a length that could not match (`size`, with what a resumed
   * download already had), so its body was refused unread: `sha256` is of nothing.
   */
  readonly announced?: boolean;
  /**
   * The Content-Encoding the server sent the bytes with. It is never undone: the checksum is
   * over the file as published, as `sha256sum` computes it.
   */
  readonly contentEncoding?: string;
}

/** Feed a file's bytes into `hash`; returns how many there were. */
export async function hashInto(file: string, hash: Hash): Promise<number> {
  let size = 0;
  for await (const chunk of createReadStream(file, {
    highWaterMark: 1 << 20,
  }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return size;
}

/** sha256 and size of a file, read once. */
export async function measureFile(file: string): Promise<Measured> {
  const hash = nodeCrypto().createHash('sha256');
  const size = await hashInto(file, hash);
  return { sha256: hash.digest('hex'), size };
}

/**
 * The most bytes launcher takes for an archive whose size the index does not give (spec §3
 * allows that): more than any toolchain's archive, but a server that sends without end stops
 * there instead of filling the disk.
 */
export const MAX_UNSIZED_BYTES = 4 * 1024 ** 3;

/** What the index promises about an archive. */
export interface Expected {
  readonly sha256: string;
  readonly size: number | undefined;
  /** "mycc 1.4.2 (https://…)", for messages. */
  readonly what: string;
  /** A lower cap than MAX_UNSIZED_BYTES when `size` is absent (a test hook); never a higher one. */
  readonly unsizedLimit?: number | undefined;
}

/** The most bytes a download of the archive may have: its size, else the cap. */
export function byteLimit(expected: Expected): number {
  return expected.size ?? Math.min(expected.unsizedLimit ?? MAX_UNSIZED_BYTES, MAX_UNSIZED_BYTES);
}

/** The verification error for a mismatch, or null when `measured` is what was promised. */
export function mismatch(expected: Expected, measured: Measured): LauncherError | null {
  let hint =
    'The download was damaged, or the index does not describe this file. The bad copy has been ' +
    'discarded; run the command again, and tell the vendor if it keeps failing.';
  if (measured.contentEncoding) {
    hint +=
      ` The server sent it with Content-Encoding: ${measured.contentEncoding}, which launcher ` +
      'does not undo (the checksum is over the file as published): the server should send the ' +
      'file as it is.';
  }
  if ((measured.overflowed || measured.announced) && expected.size === undefined) {
    const limit = `${byteLimit(expected)} bytes, the most launcher takes for an archive whose size the index does not give`;
    return new LauncherError(
      'E_SIZE',
      measured.announced
        ? `the download of ${expected.what} has ${measured.size} bytes as the server announces, over the ${limit}, and was refused before reading it`
        : `the download of ${expected.what} passed ${limit}, and was stopped there`,
      {
        hint:
          'The server sends more than an archive should hold: it is broken, or something else ' +
          'answers in its place. Nothing of the download was kept. If the archive really is ' +
          'that large, the index must give its "size": tell the vendor.',
      },
    );
  }
  if (measured.overflowed) {
    return new LauncherError(
      'E_SIZE',
      `the download of ${expected.what} is larger than the ${expected.size} bytes the index says`,
      { hint },
    );
  }
  if (expected.size !== undefined && measured.size !== expected.size) {
    return new LauncherError(
      'E_SIZE',
      `the download of ${expected.what} has ${measured.size} bytes, but the index says ${expected.size}` +
        (measured.announced ? ' (as the server announces; refused before reading it)' : ''),
      { hint },
    );
  }
  if (measured.sha256 !== expected.sha256) {
    return new LauncherError(
      'E_CHECKSUM',
      `the download of ${expected.what} does not match its checksum (expected sha256 ${expected.sha256}, got ${measured.sha256})`,
      { hint },
    );
  }
  return null;
}
