// Appending a stream of bytes to a file while hashing and counting them, without losing what
// arrived when the stream fails half-way.
import type { Hash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { fileSystemRefusal, type WriteContext } from '../errors.js';
import type { Progress } from './progress.js';
import { byteLimit, type Expected, type Measured } from './verify.js';

/** The partial file a body is appended to, and the running hash of its bytes. */
export interface AppendTarget {
  readonly part: string;
  readonly hash: Hash;
  /** The partial file's size before this body (the bytes already hashed). */
  readonly from: number;
  /**
   * Whether the next install can continue the partial file: a download over HTTP whose server
   * gave a validator can; any other is deleted when it fails.
   */
  readonly resumable: boolean;
}

/**
 * Append a body to the partial file while hashing and counting it. Unlike `pipeline`, a failing
 * body does not destroy the file stream: what arrived is flushed to disk, so the next attempt
 * resumes after it. A body that grows past the declared size (without one, past the cap of
 * `byteLimit`) is not read any further (nor is its last chunk written): the result says
 * `overflowed`, for the caller to judge like any other mismatch.
 */
export async function appendHashed(
  body: AsyncIterable<Buffer>,
  target: AppendTarget,
  expected: Expected,
  progress: Pick<Progress, 'advance'>,
): Promise<Omit<Measured, 'sha256'>> {
  let size = target.from;
  const limit = byteLimit(expected);
  const out = createWriteStream(target.part, { flags: 'a', highWaterMark: 1 << 20 });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => {});
  try {
    try {
      for await (const chunk of body) {
        size += chunk.length;
        // Leaving the loop destroys the body: nothing more is received.
        if (size > limit) return { size, overflowed: true };
        target.hash.update(chunk);
        progress.advance(chunk.length);
        if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed]);
      }
    } finally {
      out.end();
      await Promise.race([finished(out), failed]);
    }
  } catch (error) {
    // A refused write (a full disk) names no file: say which, and what can be done with it.
    throw (out.errored && fileSystemRefusal(out.errored, refusedWrite(target))) || error;
  }
  return { size };
}

/** Where a refused write went, and what became of the bytes that did arrive. */
function refusedWrite({ part, resumable }: AppendTarget): WriteContext {
  const noRoom = resumable
    ? `What arrived is kept in ${part}: the next install of this version continues it ` +
      '(when the server allows resuming), or delete that file to free its space.'
    : 'Nothing of the partial file is kept: the next install starts it over.';
  return { file: part, noRoom };
}
