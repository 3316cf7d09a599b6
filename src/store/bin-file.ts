// Where a declared bin lives inside an install: at its declared path, or on Windows its `.exe`.
import { existsSync } from 'node:fs';
import path from 'node:path';

// Names of programs, taken as declared (Windows compares names without regard to case).
const STARTABLE = /\.(exe|com)$/i;

/**
 * The file of the bin declared at `rel` inside the install at `root`. A Windows program is a
 * `.exe` (libuv tries `<name>.com` and `<name>.exe` for a name without an extension, never the
 * bare name), so there a declared path that does not exist as it is means `<path>.exe`, and
 * one index entry (`bin/mycc`) serves every platform (docs/index-format.md). Whatever the
 * path's extension: a dot in a name (`bin/python3.12`) does not make it a program's name.
 */
export function binFile(
  root: string,
  rel: string,
  platform: NodeJS.Platform = process.platform,
): string {
  const file = path.join(root, rel);
  if (platform !== 'win32' || STARTABLE.test(file) || existsSync(file)) return file;
  return `${file}.exe`;
}
