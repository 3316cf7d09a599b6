// config.json: every entry checked, and an invalid one is an error naming the file.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config/config.js';
import { launcherPaths } from '../../src/paths.js';
import { tempDir } from '../helpers/env.js';

function withConfig(text: string) {
  const paths = launcherPaths({ LAUNCHER_HOME: tempDir() });
  mkdirSync(path.dirname(paths.configFile), { recursive: true });
  writeFileSync(paths.configFile, text);
  return paths;
}

describe('readConfig', () => {
  it('reads every setting it knows and ignores the rest', () => {
    const settings = {
      distUrl: 'https://example.com/index.json',
      tool: 'mycc',
      restart: 'always',
      maxRestarts: 3_000_000_000,
      restartWindowMs: 10,
      readyTimeoutMs: 2 ** 31 - 1,
      stopTimeoutMs: 0,
    };
    expect(readConfig(withConfig(JSON.stringify({ ...settings, other: 1 })))).toEqual(settings);
  });

  it('is empty when there is no file', () => {
    expect(readConfig(launcherPaths({ LAUNCHER_HOME: tempDir() }))).toEqual({});
  });

  it.each([
    ['a negative delay', { stopTimeoutMs: -1 }, 'non-negative'],
    [
      'a delay no timer keeps (Node would fire it after 1 ms)',
      { readyTimeoutMs: 2 ** 31 },
      'at most 2147483647',
    ],
    ['a string for a number', { maxRestarts: '5' }, 'non-negative number'],
    ['a number for a string', { distUrl: 5 }, 'must be a string'],
  ])('refuses %s, naming the file and the key (exit 2)', (_name, settings, reason) => {
    const paths = withConfig(JSON.stringify(settings));
    let error: unknown;
    try {
      readConfig(paths);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'E_BAD_CONFIG', exitCode: 2 });
    expect((error as Error).message).toContain(paths.configFile);
    expect((error as Error).message).toContain(Object.keys(settings)[0]);
    expect((error as Error).message).toContain(reason);
  });
});
