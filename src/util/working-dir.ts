// The process's working directory, which may have been deleted under it.
import { LauncherError } from '../errors.js';

/** `process.cwd()`, or undefined when it cannot be known (the directory was removed). */
export function workingDir(): string | undefined {
  try {
    return process.cwd();
  } catch {
    return undefined;
  }
}

/** The error for a command that needs the working directory when there is none. */
export function noWorkingDir(): LauncherError {
  return new LauncherError(
    'E_NO_CWD',
    'the current directory no longer exists (it was removed, or renamed away, after this shell entered it)',
    {
      hint: '`cd` into an existing directory (`cd "$PWD"` enters it again if it was recreated). Commands that only look up the version (current, which) also accept an absolute LAUNCHER_DIR instead.',
    },
  );
}
