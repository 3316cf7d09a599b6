import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LauncherError } from '../../src/errors.js';
import { HttpStatusError } from '../../src/index/http-settings.js';
import { isRetryable, withRetries } from '../../src/index/retry.js';
import { tempDir } from '../helpers/env.js';

const withCode = (code: string) => Object.assign(new Error(code), { code });

describe('isRetryable', () => {
  it.each([
    ['a reset connection', withCode('ECONNRESET')],
    ['a refused connection', withCode('ECONNREFUSED')],
    ['a connect timeout', withCode('UND_ERR_CONNECT_TIMEOUT')],
    ['a body cut off', withCode('UND_ERR_SOCKET')],
    ['a 503', new HttpStatusError(new URL('http://127.0.0.1/x'), 503)],
    ['a 429', new HttpStatusError(new URL('http://127.0.0.1/x'), 429)],
  ])('retries %s', (_name, error) => {
    expect(isRetryable(error)).toBe(true);
  });

  it.each([
    ['a 404', new HttpStatusError(new URL('http://127.0.0.1/x'), 404)],
    ['an abort', Object.assign(new Error('aborted'), { name: 'AbortError', code: 'ABORT_ERR' })],
    ['a launcher error', new LauncherError('E_CHECKSUM', 'bad bytes')],
    ['a bug of ours (TypeError)', new TypeError('cannot read properties of undefined')],
    ['a malformed redirect (invalid URL)', new TypeError('Invalid URL')],
    ['an untrusted certificate', withCode('UNABLE_TO_VERIFY_LEAF_SIGNATURE')],
    ['an expired certificate', withCode('CERT_HAS_EXPIRED')],
    ["another host's certificate", withCode('ERR_TLS_CERT_ALTNAME_INVALID')],
  ])('does not retry %s', (_name, error) => {
    expect(isRetryable(error)).toBe(false);
  });
});

describe('the hint of a final network failure', () => {
  const settings = { retries: 0, retryDelayMs: 0 } as Parameters<typeof withRetries>[2]['settings'];
  const hintFor = async (error: Error) => {
    const failure = await withRetries('the index', () => Promise.reject(error), { settings }).then(
      () => undefined,
      (e: unknown) => e as LauncherError,
    );
    expect(failure?.code).toBe('E_NETWORK');
    return failure?.hint ?? '';
  };

  it.each([
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', /NODE_EXTRA_CA_CERTS/],
    ['SELF_SIGNED_CERT_IN_CHAIN', /NODE_EXTRA_CA_CERTS/],
    ['CERT_HAS_EXPIRED', /date and time/],
    ['ERR_TLS_CERT_ALTNAME_INVALID', /another host name/],
    ['ECONNREFUSED', /proxy settings/],
  ])('for %s says what applies', async (code, hint) => {
    expect(await hintFor(withCode(code))).toMatch(hint);
  });

  it("gives the caller's fix for a definite refusal of the URL, and not for credentials, the proxy or pacing", async () => {
    const answered = async (status: number) => {
      const error = new HttpStatusError(new URL('http://127.0.0.1/x'), status);
      const failure = await withRetries('the index', () => Promise.reject(error), {
        settings,
        refused: 'Check the URL.',
      }).catch((e: unknown) => e as LauncherError);
      return failure.hint;
    };
    for (const status of [400, 404, 405, 410])
      expect(await answered(status)).toBe('Check the URL.');
    for (const status of [401, 403, 407, 429, 503])
      expect(await answered(status)).not.toBe('Check the URL.');
  });
});

// What the file system throws while a download is written (its directory replaced by a file, a
// link loop put in its way): real errors, not the network's, whose retries could not help.
function fileSystemErrors(): Array<[string, string, unknown]> {
  const dir = tempDir();
  const file = path.join(dir, 'a-file');
  writeFileSync(file, '');
  const loop = path.join(dir, 'loop');
  symlinkSync(loop, loop);
  const thrown = (read: () => unknown) => {
    try {
      read();
    } catch (error) {
      return error;
    }
    throw new Error('expected the read to fail');
  };
  return [
    ['ENOTDIR', path.join(file, 'x'), thrown(() => readFileSync(path.join(file, 'x')))],
    ['ELOOP', loop, thrown(() => readFileSync(loop))],
    ['EISDIR', dir, thrown(() => writeFileSync(dir, ''))],
  ];
}

describe('a file system error during a download', () => {
  it.each(fileSystemErrors())(
    '(%s) is not retried, and is told as one naming %s',
    async (code, file, error) => {
      expect(isRetryable(error)).toBe(false);
      let attempts = 0;
      const failure = await withRetries(
        'mycc 1.0.0',
        () => {
          attempts++;
          return Promise.reject(error);
        },
        {
          settings: { retries: 3, retryDelayMs: 0 } as Parameters<
            typeof withRetries
          >[2]['settings'],
        },
      ).catch((e: unknown) => e as LauncherError);
      expect(attempts).toBe(1);
      expect(failure).toMatchObject({
        code: 'E_IO',
        message: expect.stringContaining(`cannot use ${file} (`),
      });
      expect((failure as { cause?: { code?: string } }).cause?.code).toBe(code);
    },
  );
});
