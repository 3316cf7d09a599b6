// The directories launcher makes for itself in its home: never writable by other users.
import { mkdirSync } from 'node:fs';

// Read and search for all, write for the owner alone. mkdir(2) still applies the umask, which
// may make them stricter (0700 under umask 077) but no longer looser: without a mode, umask 000
// made `versions/<v>`, `shims/` and `cache/` 0777, and another user could swap a compiler.
const OWN_DIR_MODE = 0o755;

/** `mkdir -p dir` (only `dir` itself when `recursive` is false), each new directory 0755 at most. */
export function makeOwnDir(dir: string, recursive = true): void {
  mkdirSync(dir, { recursive, mode: OWN_DIR_MODE });
}
