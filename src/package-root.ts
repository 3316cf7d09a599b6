// Where launcher's own files are (package.json, shims/, bin/), from compiled or bundled code alike.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * The directory of launcher's package.json. Found by walking up from this module, because the
 * module sits at different depths in `dist/` and in the shim bundle.
 */
export function packageRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name?: string;
      };
      if (pkg.name === 'launcher') {
        root = dir;
        return dir;
      }
    } catch {
      // no package.json here; keep walking up
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the launcher package directory');
    dir = parent;
  }
}

/** The version in package.json (`launcher --version`). */
export function packageVersion(): string {
  return (
    JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
}
