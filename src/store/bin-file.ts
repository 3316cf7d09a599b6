// Where a declared bin lives inside an install: at its declared path, or on Windows its `.exe`.
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The file of the bin declared at `rel` inside the install at `root`. Windows starts a program
 * only by a name with an extension (libuv tries `<name>.com` and `<name>.exe`, never the bare
 * name), so there a declared path without one that does not exist as it is means `<path>.exe`,
 * and one index entry (`bin/mycc`) serves every platform (docs/index-format.md).
 */
export function binFile(
  root: string,
  rel: string,
  platform: NodeJS.Platform = process.platform,
): string {
  const file = path.join(root, rel);
  if (platform !== 'win32' || path.win32.extname(file) !== '' || existsSync(file)) return file;
  return `${file}.exe`;
}
