// Reading the live sessions: every session file whose launcher still runs; the rest is pruned.
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { errnoCode, LauncherError } from '../errors.js';
import { type LauncherPaths, stateSubdir } from '../paths.js';
import { isOrphanedTemporary } from '../util/orphaned-temporary.js';
import { readSmallFile } from '../util/read-small-file.js';
import { isSameProcessAlive } from './process-identity.js';
import { canonicalProjectRoot } from './project-root.js';
import { isSessionId, publicSession, type Session } from './session.js';
import { decodeSession, SESSION_FILE_SUFFIX, sessionFile } from './session-file.js';

const MAX_SESSION_FILE_BYTES = 1024 * 1024;
// writeFileAtomic's temporary name: `<file>.<pid>.<random hex>.tmp`.
const TEMP_FILE = /\.(\d+)\.[0-9a-f]+\.tmp$/;

/**
 * The live sessions, oldest first. A session is live while its launcher runs: same pid AND same
 * process start time (a reused pid does not count). Files of dead launchers, garbage and
 * half-written files are deleted on the way; nothing here throws for a bad file.
 */
export function listSessions(paths: LauncherPaths): Session[] {
  const dir = stateSubdir(paths, 'sessions');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw new LauncherError('E_IO', `cannot read the sessions directory ${dir}`, {
      hint: `Check the permissions of ${dir} (it should be yours, mode 0700).`,
      cause: error,
    });
  }
  const live: Session[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    if (TEMP_FILE.test(name)) {
      // Left by a writer that died between write and rename.
      if (isOrphanedTemporary(name)) prune(file);
      continue;
    }
    if (!name.endsWith(SESSION_FILE_SUFFIX)) continue;
    const session = readLiveSession(file, name.slice(0, -SESSION_FILE_SUFFIX.length));
    if (session) live.push(session);
  }
  return live.sort(
    (a, b) => a.startedAt.localeCompare(b.startedAt) || a.session.localeCompare(b.session),
  );
}

/** The newest live session of a project, or null; both sides compared in canonical form. */
export function findProjectSession(paths: LauncherPaths, projectRoot: string): Session | null {
  const root = canonicalProjectRoot(projectRoot);
  const sessions = listSessions(paths).filter((s) => canonicalProjectRoot(s.projectRoot) === root);
  return sessions.at(-1) ?? null;
}

/** One session by id, when it is live. */
export function readSession(paths: LauncherPaths, id: string): Session | null {
  return isSessionId(id) ? readLiveSession(sessionFile(paths, id), id) : null;
}

function readLiveSession(file: string, id: string): Session | null {
  const content = readSmallFile(file, MAX_SESSION_FILE_BYTES);
  if (content.status === 'absent') return null;
  const record =
    content.status === 'text' && isSessionId(id) ? decodeSession(content.text, id) : null;
  // A session record keeps no uptime (its fields are the contract's): only its clock time tells.
  if (
    record &&
    isSameProcessAlive(record.pid, record.launcherStartTime, { at: record.startedAt })
  ) {
    return publicSession(record);
  }
  prune(file);
  return null;
}

function prune(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    // Another reader pruned it first, or we may not: either way it is not listed.
  }
}
