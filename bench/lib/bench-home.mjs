// Shared by the benchmarks: a temporary LAUNCHER_HOME with one installed version of `mycc`, a
// project pinned to it, and an environment holding only the launcher variables a bench sets.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Lay out `versions/1.0.0/` under `<work>/home` the way the installer leaves it (receipt included),
 * with `bin/mycc` written by `writeBin(file)`, and a project whose `.tool-version` pins 1.0.0.
 */
export function benchHome(work, writeBin, extraEnv = {}) {
  const home = path.join(work, 'home');
  const binDir = path.join(home, 'versions', '1.0.0', 'bin');
  mkdirSync(binDir, { recursive: true });
  writeBin(path.join(binDir, 'mycc'));
  writeFileSync(
    path.join(home, 'versions', '1.0.0', '.launcher-install.json'),
    JSON.stringify({
      version: '1.0.0',
      url: 'file:///bench',
      sha256: '0'.repeat(64),
      installedAt: new Date().toISOString(),
      tool: 'mycc',
      bins: { mycc: 'bin/mycc' },
    }),
  );
  const project = path.join(work, 'project');
  mkdirSync(project);
  writeFileSync(path.join(project, '.tool-version'), '1.0.0\n');
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('LAUNCHER_')) delete env[key];
  Object.assign(env, { LAUNCHER_HOME: home }, extraEnv);
  return { home, binDir, project, env };
}
