// PATH read as Windows reads it: `;`, quoted entries, names without case; as before elsewhere.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LauncherContext } from '../../src/context.js';
import { checkPath } from '../../src/doctor/path-check.js';
import { pathEntries, samePath } from '../../src/util/search-path.js';
import { findSystemBin } from '../../src/version/system.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { onPlatform } from '../helpers/platform.js';

describe('PATH entries', () => {
  it('splits at ; outside double quotes on Windows, and drops the quotes', () => {
    expect(pathEntries('"C:\\Program Files\\mycc";C:\\Windows;;"C:\\a;b"', 'win32')).toEqual([
      'C:\\Program Files\\mycc',
      'C:\\Windows',
      '',
      'C:\\a;b',
    ]);
    expect(pathEntries('/usr/bin:"/opt/x";/y::', 'linux')).toEqual([
      '/usr/bin',
      '"/opt/x";/y',
      '',
      '',
    ]);
    expect(pathEntries(undefined, 'win32')).toEqual(['']);
  });

  it('compares names without case and trailing separators on Windows only', () => {
    const shims = 'C:\\Users\\Bob\\AppData\\Local\\launcher\\Data\\shims';
    expect(
      samePath(shims, 'c:\\users\\bob\\appdata\\local\\launcher\\data\\shims\\', 'win32'),
    ).toBe(true);
    expect(samePath(shims, 'C:\\Users\\Bob\\AppData\\Local\\launcher\\Data', 'win32')).toBe(false);
    expect(samePath('/home/bob/shims', '/home/Bob/shims', 'linux')).toBe(false);
    expect(samePath('/home/bob/shims/', '/home/bob/shims', 'linux')).toBe(true);
  });
});

// A directory holding an executable `name`.
function dirWith(name: string): string {
  const dir = tempDir();
  writeFileSync(path.join(dir, name), '', { mode: 0o755 });
  return dir;
}

describe('on Windows', () => {
  it('doctor finds the shims directory on PATH quoted or spelt in another case', async () => {
    const env = cleanEnv();
    const shims = new LauncherContext(env).paths.shims;
    for (const first of [`"${shims}"`, shims.toUpperCase(), `"${shims.toUpperCase()}\\"`]) {
      const ctx = new LauncherContext({ ...env, PATH: `${first};/usr/bin` });
      const [finding] = await onPlatform('win32', () => checkPath(ctx));
      expect(finding).toMatchObject({ status: 'ok' });
    }
  });

  it('the system lookup takes a quoted PATH entry, and skips the shims spelt in another case', async () => {
    const bin = dirWith('mycc.EXE');
    const shims = dirWith('mycc.EXE');
    const env = { PATH: `${shims.toUpperCase()};"${bin}"`, PATHEXT: '.EXE' };
    const found = await onPlatform('win32', () => findSystemBin('mycc', env, shims));
    expect(found).toBe(path.join(bin, 'mycc.EXE'));
  });
});
