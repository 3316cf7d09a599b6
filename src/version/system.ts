// The `system` request: the first executable of the bin's name on PATH, skipping our own shims.
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** Absolute path of the first `name` on PATH outside `shimsDir`, or null. */
export function findSystemBin(
  name: string,
  env: NodeJS.ProcessEnv,
  shimsDir: string,
): string | null {
  const shims = path.resolve(shimsDir);
  const exts = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir || !path.isAbsolute(dir) || path.resolve(dir) === shims) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here; keep looking
      }
    }
  }
  return null;
}
