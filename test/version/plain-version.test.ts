// Plain versions (1.4.2) and partials (1, 1.4) are read, matched and ordered without semver, on
// the shim's hot path: exactly as semver would.
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import {
  highestSatisfying,
  parseRequest,
  satisfies,
  sortDescending,
} from '../../src/version/request.js';

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

describe('a partial version request', () => {
  it.each([
    ['0'],
    ['1'],
    ['0.0'],
    ['0.4'],
    ['1.0'],
    ['1.4'],
    ['v1.4'],
    ['999999999'],
    ['999999999.999999999'],
  ])('%j stands for the range semver makes of it', (input) => {
    const text = input.replace(/^v/, '');
    expect(parseRequest(input)).toMatchObject({
      kind: 'range',
      raw: text,
      range: semver.validRange(text),
    });
  });

  it.each([['01'], ['1.04'], ['1.4.']])(
    '%j with a leading zero or a stray dot is refused',
    (input) => {
      expect(() => parseRequest(input)).toThrow(expect.objectContaining({ code: 'E_BAD_REQUEST' }));
    },
  );
});

describe('matching and ordering without semver', () => {
  // Plain versions, and others that still go through semver, mixed.
  const versions = [
    '0.0.1',
    '0.0.9',
    '0.1.0',
    '0.4.7',
    '1.0.0',
    '1.3.10',
    '1.3.9',
    '1.4.0',
    '1.4.2',
    '1.4.10',
    '1.5.0',
    '2.0.0',
    '10.0.0',
    '1.4.3-rc.1',
    '2.0.0-rc.1',
    '1.4.5+build.7',
    '.lock-1.4.2',
    '.staging-1.4.2-0123456789ab',
    'not-a-version',
  ];
  const requests = [
    'latest',
    '0',
    '0.0',
    '0.4',
    '1',
    '1.3',
    '1.4',
    '2',
    '3',
    '1.4.2',
    '1.4.3-rc.1',
  ];

  it.each(requests)('%j matches exactly the versions semver lets it', (text) => {
    const request = parseRequest(text);
    for (const version of versions) {
      const expected =
        semver.valid(version) === null
          ? false
          : text === 'latest'
            ? semver.prerelease(version) === null
            : semver.satisfies(version, text);
      expect([version, satisfies(request, version)]).toEqual([version, expected]);
    }
  });

  it.each(requests)('%j picks the version semver picks as the highest', (text) => {
    const valid = versions.filter((v) => semver.valid(v) !== null);
    const expected =
      text === 'latest'
        ? semver.maxSatisfying(
            valid.filter((v) => semver.prerelease(v) === null),
            '*',
          )
        : semver.maxSatisfying(valid, text);
    expect(highestSatisfying(parseRequest(text), versions)).toBe(expected);
  });

  it('orders versions as semver does, dropping what is not one', () => {
    expect(sortDescending(versions)).toEqual(
      versions.filter((v) => semver.valid(v) !== null).sort(semver.rcompare),
    );
  });
});
