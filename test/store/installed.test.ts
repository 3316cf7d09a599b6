import { describe, expect, it } from 'vitest';
import { launcherPaths } from '../../src/paths.js';
import { isInstalled, listInstalled, resolveInstalled } from '../../src/store/installed.js';
import { parseRequest } from '../../src/version/request.js';
import { cleanEnv } from '../helpers/env.js';
import { placeVersion } from '../helpers/store.js';

function store(versions: string[], withoutReceipt: string[] = []) {
  const env = cleanEnv();
  const paths = launcherPaths(env);
  for (const v of versions) placeVersion(env.LAUNCHER_HOME!, v);
  for (const v of withoutReceipt) placeVersion(env.LAUNCHER_HOME!, v, { receipt: false });
  return paths;
}

describe('installed versions', () => {
  it('lists only directories with a receipt, highest first', () => {
    const paths = store(['1.4.0', '1.10.0', '1.4.2'], ['1.5.0']);
    expect(listInstalled(paths)).toEqual(['1.10.0', '1.4.2', '1.4.0']);
    expect(isInstalled(paths, '1.5.0')).toBe(false);
  });

  it('is empty when nothing was ever installed', () => {
    expect(listInstalled(launcherPaths(cleanEnv()))).toEqual([]);
  });

  it.each([
    ['a partial picks the highest installed match', '1.4', '1.4.2'],
    ['a range picks the highest installed match', '^1.4.0', '1.6.0'],
    ['a version without receipt is not a match', '1.7', null],
    ['an exact request needs exactly that version', '1.4.1', null],
    ['latest skips prereleases', 'latest', '1.6.0'],
    ['a prerelease matches when named', '2.0.0-rc.1', '2.0.0-rc.1'],
    ['a partial does not match a prerelease', '2', null],
  ])('%s', (_name, request, expected) => {
    const paths = store(['1.4.0', '1.4.2', '1.6.0', '2.0.0-rc.1'], ['1.7.0']);
    expect(resolveInstalled(paths, parseRequest(request))).toBe(expected);
  });
});
