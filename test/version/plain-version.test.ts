// Plain versions (1.4.2) are read without semver, on the shim's hot path: exactly as semver would.
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { parseRequest } from '../../src/version/request.js';

describe('a plain version request', () => {
  it.each([
    ['0.0.0'],
    ['1.4.2'],
    ['v1.4.2'],
    [' 10.20.30 '],
    ['999999999.999999999.999999999'],
    ['1000000000.0.0'],
    ['1.2.3-rc.1'],
    ['1.2.3+build.7'],
  ])('%j is the exact version semver reads', (input) => {
    const text = input.trim().replace(/^v/, '');
    expect(parseRequest(input)).toEqual({
      kind: 'exact',
      raw: text,
      version: semver.parse(text)!.version,
    });
  });

  it.each([['01.2.3'], ['1.02.3'], ['1.2.03']])(
    '%j with a leading zero is still refused',
    (input) => {
      expect(() => parseRequest(input)).toThrow(expect.objectContaining({ code: 'E_BAD_REQUEST' }));
    },
  );
});
