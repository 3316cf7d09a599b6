// A bin declared without `.exe` runs, on Windows, from its `.exe`: at install and at each call.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LauncherContext } from '../../src/context.js';
import { checkVersions } from '../../src/doctor/versions-check.js';
import { checkBins } from '../../src/install/place.js';
import { locateBin } from '../../src/shim/locate-bin.js';
import { binFile } from '../../src/store/bin-file.js';
import { requireRequest } from '../../src/version/requested.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { onPlatform } from '../helpers/platform.js';
import { placeVersion } from '../helpers/store.js';

// An install root holding `files` (paths relative to it), each an executable.
function installWith(...files: string[]): string {
  const root = tempDir();
  for (const rel of files) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), '', { mode: 0o755 });
  }
  return root;
}

describe('the file of a declared bin', () => {
  it('is <path>.exe on Windows when the path is not there as declared', () => {
    const root = installWith('bin/mycc.exe', 'bin/both', 'bin/both.exe', 'bin/python3.12.exe');
    expect(binFile(root, 'bin/mycc', 'win32')).toBe(path.join(root, 'bin/mycc.exe'));
    // A dot in the name is no extension Windows starts a program by.
    expect(binFile(root, 'bin/python3.12', 'win32')).toBe(path.join(root, 'bin/python3.12.exe'));
    expect(binFile(root, 'bin/mycc.js', 'win32')).toBe(path.join(root, 'bin/mycc.js.exe'));
    // As declared: the file exists, or ends in .exe or .com, or the system is not Windows.
    expect(binFile(root, 'bin/both', 'win32')).toBe(path.join(root, 'bin/both'));
    expect(binFile(root, 'bin/gone.exe', 'win32')).toBe(path.join(root, 'bin/gone.exe'));
    expect(binFile(root, 'bin/gone.COM', 'win32')).toBe(path.join(root, 'bin/gone.COM'));
    expect(binFile(root, 'bin/mycc', 'linux')).toBe(path.join(root, 'bin/mycc'));
    expect(binFile(root, 'bin/mycc', 'darwin')).toBe(path.join(root, 'bin/mycc'));
  });

  it('lets an install declaring bin/mycc pass its bin check with bin/mycc.exe on Windows', async () => {
    const staging = installWith('bin/mycc.exe');
    await onPlatform('win32', () => checkBins(staging, { mycc: 'bin/mycc' }, 'mycc 1.0.0'));
    expect(() => checkBins(staging, { mycc: 'bin/mycc' }, 'mycc 1.0.0')).toThrow(
      'the archive has no such file',
    );
    const empty = installWith();
    await expect(
      onPlatform('win32', () => checkBins(empty, { mycc: 'bin/mycc' }, 'mycc 1.0.0')),
    ).rejects.toMatchObject({
      code: 'E_MISSING_BIN',
      message:
        'mycc 1.0.0 declares the bin mycc at bin/mycc, but the archive has no such file (nor bin/mycc.exe)',
    });
  });

  it('runs bin/mycc.exe for a receipt declaring bin/mycc on Windows', async () => {
    const env = cleanEnv({ LAUNCHER_VERSION: '1.0.0' });
    const dir = placeVersion(env.LAUNCHER_HOME!, '1.0.0', { bins: { mycc: 'bin/mycc' } });
    renameSync(path.join(dir, 'bin/mycc'), path.join(dir, 'bin/mycc.exe'));
    const ctx = new LauncherContext(env, tempDir());
    const sourced = requireRequest(ctx);
    const file = await onPlatform('win32', () => locateBin(ctx, 'mycc', '1.0.0', sourced));
    expect(file).toBe(path.join(dir, 'bin/mycc.exe'));
    expect(() => locateBin(ctx, 'mycc', '1.0.0', sourced)).toThrow(/bin\/mycc is missing/);
    // And doctor finds the version intact.
    const [finding] = await onPlatform('win32', () => checkVersions(ctx.paths));
    expect(finding).toMatchObject({ status: 'ok' });
  });
});
