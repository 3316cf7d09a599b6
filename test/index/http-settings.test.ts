// The network settings from the environment: defaults, overrides, and refusals that name the variable.
import { describe, expect, it } from 'vitest';
import { httpSettings } from '../../src/index/http-settings.js';

describe('httpSettings', () => {
  it('has the documented defaults', () => {
    expect(httpSettings({})).toEqual({
      connectTimeoutMs: 10_000,
      headersTimeoutMs: 30_000,
      bodyTimeoutMs: 30_000,
      retries: 4,
      retryDelayMs: 500,
    });
  });

  it('lets LAUNCHER_HTTP_TIMEOUT_MS set all three timeouts, up to the longest a timer keeps', () => {
    expect(httpSettings({ LAUNCHER_HTTP_TIMEOUT_MS: '2147483647' })).toMatchObject({
      connectTimeoutMs: 2147483647,
      headersTimeoutMs: 2147483647,
      bodyTimeoutMs: 2147483647,
    });
  });

  // Node fires a timer of more than 2^31-1 ms after 1 ms: every download would time out at once.
  it.each([
    ['LAUNCHER_HTTP_TIMEOUT_MS', '3000000000', 'a number of milliseconds from 1 to 2147483647'],
    ['LAUNCHER_HTTP_RETRY_DELAY_MS', '2147483648', 'a number of milliseconds from 0 to 2147483647'],
    ['LAUNCHER_HTTP_TIMEOUT_MS', '-5', 'a number of milliseconds from 1 to 2147483647'],
    // undici reads 0 as no timeout at all: a stalled download would hang for good.
    ['LAUNCHER_HTTP_TIMEOUT_MS', '0', 'a number of milliseconds from 1 to 2147483647'],
    ['LAUNCHER_HTTP_RETRIES', 'ten', 'a non-negative number'],
  ])('refuses %s=%s, naming it and the range (exit 2)', (name, value, range) => {
    let error: unknown;
    try {
      httpSettings({ [name]: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'E_USAGE', exitCode: 2 });
    expect((error as Error).message).toBe(`${name} must be ${range}, got ${JSON.stringify(value)}`);
  });
});
