// The on-disk form of a session: `state/sessions/<id>.json` (0600), and reading it back safely.
import path from 'node:path';
import { type LauncherPaths, stateSubdir } from '../paths.js';
import { SESSION_STATES, type Session, type SessionState } from './session.js';

/** A session file's content: the session object plus what only the registry needs. */
export interface StoredSession extends Session {
  /** The launcher's process start time, so a reused pid is not taken for the launcher. */
  readonly launcherStartTime: string | null;
}

/** Session files are for the user alone. */
export const SESSION_FILE_MODE = 0o600;
export const SESSION_FILE_SUFFIX = '.json';

/** The file of one session. */
export function sessionFile(paths: LauncherPaths, id: string): string {
  return path.join(stateSubdir(paths, 'sessions'), `${id}${SESSION_FILE_SUFFIX}`);
}

/** Serialize a stored session (one line of JSON plus a newline). */
export function encodeSession(record: StoredSession): string {
  return `${JSON.stringify(record)}\n`;
}

type Check = (value: unknown) => boolean;
const isString: Check = (v) => typeof v === 'string';
const isPid: Check = (v) => Number.isSafeInteger(v) && (v as number) > 0;
const orNull =
  (check: Check): Check =>
  (v) =>
    v === null || check(v);
const isCount: Check = (v) => Number.isSafeInteger(v) && (v as number) >= 0;
const isPort: Check = (v) => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) < 65536;
const isState: Check = (v) => SESSION_STATES.includes(v as SessionState);

const SHAPE: Record<keyof StoredSession, Check> = {
  session: isString,
  pid: isPid,
  childPid: orNull(isPid),
  tool: orNull(isString),
  bin: isString,
  version: isString,
  cwd: isString,
  projectRoot: isString,
  state: isState,
  port: orNull(isPort),
  restarts: isCount,
  startedAt: isString,
  control: orNull(isString),
  launcherStartTime: orNull(isString),
};

/**
 * Parse a session file's text; null for anything that is not a complete record of session `id`
 * (half-written, garbage, or renamed files), which the registry then prunes.
 */
export function decodeSession(text: string, id: string): StoredSession | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const record = data as Record<string, unknown>;
  for (const [field, check] of Object.entries(SHAPE)) {
    if (!check(record[field])) return null;
  }
  return record.session === id ? (record as unknown as StoredSession) : null;
}
