// Checking an archive against the index's sha256 and size, and the errors when it does not match.
import type { Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { LauncherError } from '../errors.js';
import { nodeCrypto } from '../util/random.js';

/** What was measured of a file or stream. */
export interface Measured {
  readonly sha256: string;
  readonly size: number;
  /**
   * Reading stopped once the bytes passed the declared size, before they could fill the disk:
   * `size` and `sha256` then cover only what was read.
   */
  readonly overflowed?: boolean;
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

/** What the index promises about an archive. */
export interface Expected {
  readonly sha256: string;
  readonly size: number | undefined;
  /** "mycc 1.4.2 (https://…)", for messages. */
  readonly what: string;
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
      `the download of ${expected.what} has ${measured.size} bytes, but the index says ${expected.size}`,
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
