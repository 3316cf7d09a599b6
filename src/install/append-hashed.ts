// Appending a stream of bytes to a file while hashing and counting them, without losing what
// arrived when the stream fails half-way.
import type { Hash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { Progress } from './progress.js';
import type { Expected, Measured } from './verify.js';

/**
 * Append a body to the partial file while hashing and counting it. Unlike `pipeline`, a failing
 * body does not destroy the file stream: what arrived is flushed to disk, so the next attempt
 * resumes after it. A body that grows past the declared size is not read any further (nor is
 * its last chunk written): the result says `overflowed`, for the caller to judge like any
 * other mismatch.
 */
export async function appendHashed(
  body: AsyncIterable<Buffer>,
  part: string,
  hash: Hash,
  from: number,
  expected: Expected,
  progress: Pick<Progress, 'advance'>,
): Promise<Omit<Measured, 'sha256'>> {
  let size = from;
  const out = createWriteStream(part, { flags: 'a', highWaterMark: 1 << 20 });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => {});
  try {
    for await (const chunk of body) {
      size += chunk.length;
      // Leaving the loop destroys the body: nothing more is received.
      if (expected.size !== undefined && size > expected.size) return { size, overflowed: true };
      hash.update(chunk);
      progress.advance(chunk.length);
      if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed]);
    }
  } finally {
    out.end();
    await Promise.race([finished(out), failed]);
  }
  return { size };
}
