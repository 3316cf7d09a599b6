// The install receipt: what makes a version installed, and what makes an installed one damaged.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { launcherPaths } from '../../src/paths.js';
import { isInstalled, isIntact } from '../../src/store/installed.js';
import { inspectReceipt } from '../../src/store/receipt.js';
import { cleanEnv } from '../helpers/env.js';
import { placeVersion } from '../helpers/store.js';

/** 1.5.0 installed, then its receipt replaced by `content`. */
function withReceipt(content: string) {
  const env = cleanEnv();
  const dir = placeVersion(env.LAUNCHER_HOME!, '1.5.0');
  writeFileSync(path.join(dir, '.launcher-install.json'), content);
  return launcherPaths(env);
}

describe('the install receipt', () => {
  it.each([
    ['empty', '', 'is empty'],
    ['cut short', '{"version":"1.5.0","sha', 'is not valid JSON (cut short?)'],
    ['not an object', '[]', 'is not a JSON object'],
    [
      'of another version',
      '{"version":"1.4.2","sha256":"00","bins":{}}',
      'names the version "1.4.2", not 1.5.0',
    ],
    ['without sha256', '{"version":"1.5.0","bins":{}}', 'has no "sha256"'],
    [
      'without bins',
      '{"version":"1.5.0","sha256":"00"}',
      'has no "bins" (an object of bin name → path)',
    ],
    [
      'with a bin that is no path',
      '{"version":"1.5.0","sha256":"00","bins":{"a":"bin/a","b":null}}',
      'has no "bins" (an object of bin name → path)',
    ],
  ])(
    'makes the install damaged when it is %s, though it counts as installed',
    (_name, content, damage) => {
      const paths = withReceipt(content);
      expect(inspectReceipt(paths, '1.5.0')).toEqual({ status: 'damaged', damage });
      expect(isInstalled(paths, '1.5.0')).toBe(true);
      expect(isIntact(paths, '1.5.0')).toBe(false);
    },
  );

  it('is intact with the version, sha256 and bins, even no bins at all (an index may declare none)', () => {
    const paths = withReceipt('{"version":"1.5.0","sha256":"00","bins":{}}');
    expect(inspectReceipt(paths, '1.5.0')).toMatchObject({
      status: 'intact',
      receipt: { bins: {} },
    });
    expect(isIntact(paths, '1.5.0')).toBe(true);
  });

  it('is missing, not damaged, for a version that is not installed', () => {
    const paths = launcherPaths(cleanEnv());
    expect(inspectReceipt(paths, '1.5.0')).toEqual({ status: 'missing' });
  });
});
