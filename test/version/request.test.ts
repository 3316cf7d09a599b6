import { describe, expect, it } from 'vitest';
import { isLauncherError } from '../../src/errors.js';
import { highestSatisfying, parseRequest } from '../../src/version/request.js';

describe('parseRequest', () => {
  it.each([
    ['latest', { kind: 'latest', raw: 'latest' }],
    ['system', { kind: 'system', raw: 'system' }],
    ['1.4.2', { kind: 'exact', raw: '1.4.2', version: '1.4.2' }],
    ['v1.4.2', { kind: 'exact', raw: '1.4.2', version: '1.4.2' }],
    ['2.0.0-rc.1', { kind: 'exact', raw: '2.0.0-rc.1', version: '2.0.0-rc.1' }],
    ['1', { kind: 'range', raw: '1', range: '>=1.0.0 <2.0.0-0', partial: { major: 1 } }],
    [
      '1.4',
      { kind: 'range', raw: '1.4', range: '>=1.4.0 <1.5.0-0', partial: { major: 1, minor: 4 } },
    ],
    [
      'v1.4',
      { kind: 'range', raw: '1.4', range: '>=1.4.0 <1.5.0-0', partial: { major: 1, minor: 4 } },
    ],
    ['^1.4.0', { kind: 'range', raw: '^1.4.0', range: '>=1.4.0 <2.0.0-0' }],
    ['~1.4', { kind: 'range', raw: '~1.4', range: '>=1.4.0 <1.5.0-0' }],
    ['>=1.2.0 <2', { kind: 'range', raw: '>=1.2.0 <2', range: '>=1.2.0 <2.0.0-0' }],
    ['1.4.x', { kind: 'range', raw: '1.4.x', range: '>=1.4.0 <1.5.0-0' }],
    ['  1.4.2  ', { kind: 'exact', raw: '1.4.2', version: '1.4.2' }],
  ])('accepts %j', (input, expected) => {
    expect(parseRequest(input)).toEqual(expected);
  });

  it.each([
    ['..'],
    ['a/b'],
    ['1.4.2.7'],
    [''],
    ['   '],
    ['||'],
    ['1.4\u0007'],
    ['../../etc'],
    ['1.4;rm'],
    ['01.4.2'],
    ['latest2'],
    ['x'.repeat(300)],
    // Ranges semver itself would take: the tab and the vertical tab are whitespace to it.
    ['>=1.2.0\t<2'],
    ['>=1.2.0\v<2'],
  ])('refuses %j as invalid input (exit 2)', (input) => {
    let caught: unknown;
    try {
      parseRequest(input, '/p/.tool-version:1');
    } catch (error) {
      caught = error;
    }
    expect(isLauncherError(caught)).toBe(true);
    if (!isLauncherError(caught)) return;
    expect(caught.code).toBe('E_BAD_REQUEST');
    expect(caught.exitCode).toBe(2);
    expect(caught.message).toContain('/p/.tool-version:1');
    expect(caught.hint).toBeTruthy();
  });

  it('quotes an over-long request by its first 80 characters, so the error stays short', () => {
    const input = `1${'0'.repeat(99_999)}`;
    expect(() => parseRequest(input, 'LAUNCHER_VERSION')).toThrow(
      `invalid version request "1${'0'.repeat(79)}"… in LAUNCHER_VERSION: it is longer than 256 characters`,
    );
    expect(() => parseRequest('1.4.2.7')).toThrow('invalid version request "1.4.2.7" in');
  });

  it.each([['>=1.2.0\t<2'], ['>=1.2.0\v<2']])(
    'refuses %j for its characters, though semver reads it as a range',
    (input) => {
      expect(() => parseRequest(input)).toThrow('it contains characters a version cannot have');
    },
  );
});

describe('highestSatisfying', () => {
  const versions = ['1.3.9', '1.4.0', '1.4.2', '1.5.0', '2.0.0-rc.1', '2.0.0-rc.2', '1.5.1-beta.1'];

  it.each([
    ['a partial picks the highest of its line', '1.4', '1.4.2'],
    ['a major partial picks the highest of the major', '1', '1.5.0'],
    ['a caret range picks the highest compatible', '^1.4.0', '1.5.0'],
    ['a tilde range stays on its minor', '~1.4', '1.4.2'],
    ['an x-range works like a partial', '1.4.x', '1.4.2'],
    ['a range with spaces is an intersection', '>=1.2.0 <1.4.1', '1.4.0'],
    ['an exact request picks exactly that version', '1.4.0', '1.4.0'],
    ['latest never picks a prerelease', 'latest', '1.5.0'],
    ['a partial does not pick a prerelease', '2', null],
    ['an exact prerelease request picks it', '2.0.0-rc.1', '2.0.0-rc.1'],
    [
      'a range naming a prerelease may pick prereleases of that version',
      '>=2.0.0-rc.1',
      '2.0.0-rc.2',
    ],
    ['nothing satisfies a missing line', '3', null],
  ])('%s (%s → %s)', (_name, request, expected) => {
    expect(highestSatisfying(parseRequest(request), versions)).toBe(expected);
  });

  it('never satisfies system from installed versions', () => {
    expect(highestSatisfying(parseRequest('system'), versions)).toBeNull();
  });
});
