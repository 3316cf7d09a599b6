// The session object of spec §8: what one supervised run tells the world about itself.
import { randomHex } from '../util/random.js';

/** Every state a session goes through (spec §8). */
export const SESSION_STATES = [
  'starting',
  'ready',
  'backoff',
  'stopping',
  'exited',
  'failed',
] as const;
export type SessionState = (typeof SESSION_STATES)[number];

/** The session object exactly as `status --json` and `launcher/state` show it (spec §8). */
export interface Session {
  /** The session id (also `LAUNCHER_SESSION` and the record's file name). */
  readonly session: string;
  /** The launcher's own pid: the session lives as long as this process. */
  readonly pid: number;
  /** The current child's pid, null between children. */
  readonly childPid: number | null;
  readonly tool: string | null;
  readonly bin: string;
  readonly version: string;
  readonly cwd: string;
  /** The directory of the version file in use, else the cwd. */
  readonly projectRoot: string;
  readonly state: SessionState;
  /** The port of `launcher/ready`, null until the child's server is up. */
  readonly port: number | null;
  readonly restarts: number;
  /** ISO 8601 time the launcher started the session. */
  readonly startedAt: string;
  /** Path of the control socket, null until it listens. */
  readonly control: string | null;
}

/** The fields of the session object, in the spec's order; nothing else is ever shown. */
export const SESSION_FIELDS = [
  'session',
  'pid',
  'childPid',
  'tool',
  'bin',
  'version',
  'cwd',
  'projectRoot',
  'state',
  'port',
  'restarts',
  'startedAt',
  'control',
] as const satisfies readonly (keyof Session)[];

/** What the writer may change after creation; the identity fields never change. */
export type SessionUpdate = Partial<Omit<Session, 'session' | 'pid' | 'startedAt'>>;

const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A new random session id: 16 hex characters, safe as a file name on every platform. */
export function newSessionId(): string {
  return randomHex(8);
}

/** Whether a string can be a session id (and so a file name under `state/sessions/`). */
export function isSessionId(id: string): boolean {
  return SESSION_ID.test(id);
}

/** A copy holding only the spec's fields, in the spec's order (drops private bookkeeping). */
export function publicSession(record: Session): Session {
  const out: Record<string, unknown> = {};
  for (const field of SESSION_FIELDS) out[field] = record[field];
  return out as unknown as Session;
}
