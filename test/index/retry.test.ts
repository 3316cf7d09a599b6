import { describe, expect, it } from 'vitest';
import { LauncherError } from '../../src/errors.js';
import { HttpStatusError } from '../../src/index/http-settings.js';
import { isRetryable } from '../../src/index/retry.js';

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
  ])('does not retry %s', (_name, error) => {
    expect(isRetryable(error)).toBe(false);
  });
});
