// Writing and removing pins: the project's `.tool-version` and the global default file.
import { rmSync, statSync } from 'node:fs';
import { errnoCode, LauncherError } from '../errors.js';
import { type AtomicWriteOptions, writeFileAtomic } from '../util/atomic-write.js';
import { parseRequest, type Request } from './request.js';

/**
 * Validate a request for storing in a version file. Files hold one word, so a range with spaces
 * (`>=1.2.0 <2`) would be read back as something else: it is refused, not silently cut.
 */
export function requestForFile(input: string): Request {
  const request = parseRequest(input);
  if (/\s/.test(request.raw)) {
    throw new LauncherError(
      'E_BAD_REQUEST',
      `the request "${request.raw}" cannot be stored in a version file`,
      {
        hint:
          'A version file holds one word. Use a range without spaces, such as ^1.2.0, ~1.4 or 1.x, ' +
          'or set LAUNCHER_VERSION for ranges that need spaces.',
      },
    );
  }
  return request;
}

/**
 * The directory `launcher local` acts in must exist already: a typo in LAUNCHER_DIR would
 * otherwise pin a project nobody has, in directories made up for it.
 */
export function requireProjectDirectory(dir: string, env: NodeJS.ProcessEnv): void {
  const named = env.LAUNCHER_DIR ? ' named by LAUNCHER_DIR' : '';
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch (error) {
    const code = errnoCode(error);
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
    throw new LauncherError('E_NO_DIR', `the directory ${dir}${named} does not exist`, {
      hint:
        'launcher local pins an existing directory and creates none: check the path for a typo, ' +
        'or create that directory first (mkdir -p), then run the command again.',
    });
  }
  if (!isDirectory) {
    throw new LauncherError('E_NO_DIR', `${dir}${named} is not a directory`, {
      hint: 'Point LAUNCHER_DIR at the project directory (the one to hold .tool-version), or unset it.',
    });
  }
}

/**
 * Write the request to `file` atomically: the old content stays until the new one is complete.
 * `createParents: false` for a project's file, whose directory must exist (the global default's
 * directory is launcher's own, created on demand).
 */
export function writePin(file: string, request: Request, options: AtomicWriteOptions = {}): void {
  try {
    writeFileAtomic(file, `${request.raw}\n`, 0o644, options);
  } catch (error) {
    throw new LauncherError('E_IO', `cannot write ${file}: ${(error as Error).message}`, {
      hint: 'Check that the directory exists and is writable.',
      cause: error,
    });
  }
}

/** Remove a pin file; true when there was one. */
export function removePin(file: string): boolean {
  try {
    rmSync(file);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw new LauncherError('E_IO', `cannot remove ${file}: ${(error as Error).message}`, {
      hint: 'Check the permissions of the file and its directory.',
      cause: error,
    });
  }
}
