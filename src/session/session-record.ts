// The writer of one session's file: created at start, kept current cheaply, removed at the end.
import { rmSync } from 'node:fs';
import { LauncherError } from '../errors.js';
import { ensureStateDir, type LauncherPaths } from '../paths.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { ownStartTime } from './process-identity.js';
import {
  isSessionId,
  newSessionId,
  publicSession,
  type Session,
  type SessionState,
  type SessionUpdate,
} from './session.js';
import {
  encodeSession,
  SESSION_FILE_MODE,
  type StoredSession,
  sessionFile,
} from './session-file.js';
import { WriteCoalescer } from './write-coalescer.js';

/** What the supervisor knows when a session starts; the rest has defaults. */
export interface SessionInit {
  /** Defaults to a new random id. */
  readonly session?: string;
  readonly tool: string | null;
  readonly bin: string;
  readonly version: string;
  readonly cwd: string;
  readonly projectRoot: string;
  readonly state?: SessionState;
  readonly childPid?: number | null;
  readonly port?: number | null;
  readonly restarts?: number;
  /** When the run began (ISO 8601); defaults to now. A session registered late passes it. */
  readonly startedAt?: string;
  readonly control?: string | null;
}

export interface SessionRecordOptions {
  /** Shortest time between two rewrites of the file (default 50 ms). */
  readonly intervalMs?: number;
}

/**
 * The session file of the running launcher. `update()` changes the object at once and the file
 * soon (atomically, coalescing bursts); call `flush()` before exiting, or `remove()` when done.
 */
export class SessionRecord {
  readonly id: string;
  readonly file: string;
  readonly #paths: LauncherPaths;
  #record: StoredSession;
  readonly #writer: WriteCoalescer;

  private constructor(paths: LauncherPaths, record: StoredSession, options: SessionRecordOptions) {
    this.#paths = paths;
    this.#record = record;
    this.id = record.session;
    this.file = sessionFile(paths, record.session);
    this.#writer = new WriteCoalescer(() => this.#write(), {
      intervalMs: options.intervalMs ?? 50,
    });
  }

  /** Create the session file (written before this returns) for the current process. */
  static create(
    paths: LauncherPaths,
    init: SessionInit,
    options: SessionRecordOptions = {},
  ): SessionRecord {
    const id = init.session ?? newSessionId();
    if (!isSessionId(id)) {
      throw new LauncherError('E_INTERNAL', `invalid session id ${JSON.stringify(id)}`);
    }
    const record: StoredSession = {
      session: id,
      pid: process.pid,
      childPid: init.childPid ?? null,
      tool: init.tool,
      bin: init.bin,
      version: init.version,
      cwd: init.cwd,
      projectRoot: init.projectRoot,
      state: init.state ?? 'starting',
      port: init.port ?? null,
      restarts: init.restarts ?? 0,
      startedAt: init.startedAt ?? new Date().toISOString(),
      control: init.control ?? null,
      launcherStartTime: ownStartTime(),
    };
    const created = new SessionRecord(paths, record, options);
    created.#writer.touch();
    created.#writer.flush();
    return created;
  }

  /** The session object as it is now (the spec's fields only). */
  get session(): Session {
    return publicSession(this.#record);
  }

  /** How many times the file was written (for tests and benchmarks). */
  get writes(): number {
    return this.#writer.writes;
  }

  /** Change some fields; the file follows within the interval. Ignored after `remove()`. */
  update(change: SessionUpdate): void {
    this.#record = { ...this.#record, ...definedOnly(change) };
    this.#writer.touch();
  }

  /** Write any pending change now. */
  flush(): void {
    this.#writer.flush();
  }

  /** Delete the session file; later updates are ignored. */
  remove(): void {
    this.#writer.close();
    rmSync(this.file, { force: true });
  }

  #write(): void {
    // Recreated 0700 if someone removed the state directory while we ran.
    ensureStateDir(this.#paths, 'sessions');
    writeFileAtomic(this.file, encodeSession(this.#record), SESSION_FILE_MODE);
  }
}

// `{ port: undefined }` must not erase the port: only defined values are changes.
function definedOnly(change: SessionUpdate): SessionUpdate {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(change)) {
    if (value !== undefined && key !== 'session' && key !== 'pid' && key !== 'startedAt')
      out[key] = value;
  }
  return out as SessionUpdate;
}
