// A private world per test: temporary LAUNCHER_HOME and project directories, and a clean environment.
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

const made: string[] = [];

afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary directory (real path), removed after the test. */
export function tempDir(prefix = 'launcher-test-'): string {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)));
  made.push(dir);
  return dir;
}

/**
 * The environment a test runs the launcher in: the host's variables minus every `LAUNCHER_*`
 * and proxy setting, plus a temporary home. Extra variables override.
 */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (
      key.startsWith('LAUNCHER_') ||
      /^(https?|no)_proxy$/i.test(key) ||
      key === 'XDG_RUNTIME_DIR'
    )
      continue;
    if (key.startsWith('VITEST') || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  return { ...env, LAUNCHER_HOME: tempDir('launcher-home-'), ...extra };
}
