// Reading the index's body as it was published: undoing a Content-Encoding (S3 serves an object
// stored with `Content-Encoding: gzip` compressed whatever the client asks), within the size
// limit of the decoded bytes, so a small compressed body cannot fill the memory.
import { pipeline, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { isLauncherError, messageOf } from '../errors.js';
import { printable } from '../util/printable.js';
import type { HttpResponse } from './http-client.js';
import { badIndex, decodeIndex, indexTooLarge, MAX_INDEX_BYTES } from './index-schema.js';

// What node:zlib undoes; `x-gzip` is the old name of gzip (RFC 9110 §8.4.1.3).
const DECODERS = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
} as const;

/**
 * The index's text from an HTTP body, decoded as its Content-Encoding says. Refused (exit 2,
 * naming the URL) over MAX_INDEX_BYTES, as received or as decoded; with an encoding that
 * cannot be undone; or when the result is not UTF-8.
 */
export async function readIndexBody(
  body: HttpResponse['body'],
  url: string,
  contentEncoding: string | null,
): Promise<string> {
  const coding = contentEncoding?.trim().toLowerCase() || 'identity';
  let decoder: Transform | undefined;
  if (coding !== 'identity') {
    if (!Object.hasOwn(DECODERS, coding)) {
      await body.dump();
      throw badIndex(
        url,
        `it is served with Content-Encoding: ${printable(contentEncoding ?? '')}, which launcher cannot decode ` +
          '(it decodes gzip, deflate and br)',
      );
    }
    decoder = DECODERS[coding as keyof typeof DECODERS]();
    // Compressed bytes are fewer than what they decode to, so the limit holds them too: an
    // endless stream of empty blocks, which decodes to nothing, ends as well.
    let received = 0;
    body.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > MAX_INDEX_BYTES) body.destroy(indexTooLarge(url));
    });
    // A failing side (a cut body, damaged data) destroys both, and the loop below sees it.
    pipeline(body, decoder, () => {});
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    // Leaving the loop early (over the limit) destroys the decoder, and with it the body.
    for await (const chunk of decoder ?? body) {
      total += chunk.length;
      if (total > MAX_INDEX_BYTES) throw indexTooLarge(url);
      chunks.push(chunk);
    }
  } catch (error) {
    // The body's own failure (cut, aborted, over the limit) is no fault of the encoding.
    if (!decoder || isLauncherError(error) || error === body.errored) throw error;
    const reason = messageOf(error);
    throw badIndex(url, `its ${coding} Content-Encoding cannot be decoded (${reason})`);
  }
  return decodeIndex(Buffer.concat(chunks), url);
}
