// A directory's entries where not being able to list it only means there is nothing to do.
import { readdirSync } from 'node:fs';

/** The names in `dir`, or none when it is gone or cannot be read (for best-effort cleanups). */
export function namesIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
