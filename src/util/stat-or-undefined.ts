// A file's stats when it can be had, for comparing identities over time.
import { type Stats, statSync } from 'node:fs';

/** `statSync(file)`, or undefined when it is gone or cannot be looked at. */
export function statOrUndefined(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}
