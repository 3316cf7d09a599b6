// The live side of kept diagnostics: every publishDiagnostics goes through here, writes coalesce.
import type { BigIntStats } from 'node:fs';
import { LauncherError } from '../errors.js';
import { type LockOwner, tryLock, type VersionLock } from '../install/install-lock.js';
import { ensureStateDir, type LauncherPaths } from '../paths.js';
import { processProgress } from '../session/process-identity.js';
import { canonicalProjectRoot } from '../session/project-root.js';
import { WriteCoalescer } from '../session/write-coalescer.js';
import { sleepSync } from '../util/sleep-sync.js';
import { statOrUndefined } from '../util/stat-or-undefined.js';
import type { Diagnostic, FileDiagnostics } from './diagnostic.js';
import {
  keptDiagnosticsFile,
  keptDiagnosticsLock,
  listFiles,
  readKeptFile,
  writeKeptFile,
} from './kept-file.js';

// A keeper holds its project's lock only while it reads, merges and writes the file (~100 ms
// for the largest projects, seconds for a huge one). An owner that works on (CPU time rising,
// not stopped) is waited for, however long its write takes; one that has done no work for longer
// than this is stuck (stopped by SIGSTOP or Ctrl-Z, frozen by a cgroup, hung on a dead disk)
// and taken over. Where a process's progress cannot be read (no /proc), a lock held this long
// is taken over. Taken over, the old owner does not put its write in place once it goes on (see
// #write).
const LOCK_ABANDONED_MS = 2000;
// A lock that stays held while its owner is stopped or cannot be judged (a lock this user cannot
// read, say) fails the write after this long.
const LOCK_GIVE_UP_MS = 3000;
// How often flush(), which must write before it returns, looks at a held lock again.
const LOCK_POLL_MS = 2;

export interface DiagnosticsKeeperOptions {
  /** Named in the file (and so in SARIF output). */
  readonly tool?: string | null;
  readonly version?: string | null;
  /** Shortest time between two writes of the file (default 100 ms). */
  readonly intervalMs?: number;
  /** Where a failed background write is reported (default: ignored, retried on next update). */
  readonly onError?: (error: unknown) => void;
}

/**
 * Keeps one project's diagnostics on disk. `update()` is cheap enough to call for every
 * `textDocument/publishDiagnostics` of a flood: the file is written at once when idle, then at
 * most once per interval, and always ends with the last state; call `flush()` before exiting.
 * Each write merges this keeper's changes into what is on disk, under a lock the keepers of a
 * project take turns by, so per URI the last write wins, also across sessions.
 */
export class DiagnosticsKeeper {
  readonly projectRoot: string;
  readonly #paths: LauncherPaths;
  #tool: string | null;
  #version: string | null;
  /** The project's diagnostics as this process last knew them, pending changes included. */
  #files: Map<string, Diagnostic[]>;
  /** Changes since the last write (`[]` means clear). */
  #pending = new Map<string, Diagnostic[]>();
  readonly #writer: WriteCoalescer;
  /**
   * The kept file as this keeper last wrote it: while it is still that file, nobody else wrote
   * since (every writer holds the lock and renames a new file into place), so it needs no re-read.
   */
  #written: BigIntStats | undefined;
  /** Since when (monotonic ms) the project's lock has been held by others, while it is. */
  #lockedOutSince: number | undefined;
  /** The lock's owner as this keeper last judged it: its CPU time, unchanged since when (ms). */
  #ownerSeen: { nonce: string; cpu: string; since: number } | undefined;
  #closed = false;

  constructor(paths: LauncherPaths, projectRoot: string, options: DiagnosticsKeeperOptions = {}) {
    this.#paths = paths;
    this.projectRoot = canonicalProjectRoot(projectRoot);
    this.#tool = options.tool ?? null;
    this.#version = options.version ?? null;
    this.#files = new Map<string, Diagnostic[]>(readKeptFile(paths, this.projectRoot)?.files);
    this.#writer = new WriteCoalescer(() => this.#write(true), {
      tryWrite: () => this.#write(false),
      intervalMs: options.intervalMs ?? 100,
      ...(options.onError ? { onError: options.onError } : {}),
    });
  }

  /**
   * Replace one document's diagnostics, as `publishDiagnostics` means it; `[]` clears it.
   * The array is kept as it is: do not change it afterwards.
   */
  update(uri: string, diagnostics: Diagnostic[]): void {
    if (this.#closed) return;
    this.#pending.set(uri, diagnostics);
    applyChange(this.#files, uri, diagnostics);
    this.#writer.touch();
  }

  /** The version to name from now on (a `system` compiler's, once it reported it). */
  setVersion(version: string): void {
    this.#version = version;
  }

  /** The current diagnostics, `[{ uri, diagnostics }]` sorted by uri (what subscribers start from). */
  current(): FileDiagnostics[] {
    return listFiles(this.#files);
  }

  /** How many times the file was written (for tests and benchmarks). */
  get writes(): number {
    return this.#writer.writes;
  }

  /** Write pending changes now. */
  flush(): void {
    this.#writer.flush();
  }

  /** Write pending changes, then ignore later updates (also when that write fails). */
  close(): void {
    try {
      this.#writer.flush();
    } finally {
      this.#writer.close();
      this.#closed = true;
    }
  }

  /**
   * Merge the changes since the last write into the file, under the project's lock: everyone
   * else's latest state is on disk then, and stays there while this keeper's changes are put on
   * top (per URI), so no write of another session is ever undone. False when another process
   * holds the lock and `wait` is false: the writer tries again soon, and the caller goes on.
   */
  #write(wait: boolean): boolean {
    ensureStateDir(this.#paths, 'diagnostics');
    for (;;) {
      const lock = this.#lock(wait);
      if (lock === null) return false;
      try {
        if (this.#writeLocked(lock)) return true;
      } finally {
        lock.release();
      }
      // Taken over while this keeper was held up (stopped): the other owner may have written
      // since, so the merge is redone from disk, the changes still pending.
      this.#written = undefined;
    }
  }

  /** The merge and write under `lock`; false (nothing written) when it was taken over meanwhile. */
  #writeLocked(lock: VersionLock): boolean {
    const file = keptDiagnosticsFile(this.#paths, this.projectRoot);
    let files: Map<string, Diagnostic[]>;
    if (sameFile(statOrUndefined(file, { bigint: true }), this.#written)) {
      files = new Map(this.#files);
    } else {
      const onDisk = readKeptFile(this.#paths, this.projectRoot);
      files = new Map<string, Diagnostic[]>(onDisk?.files);
      this.#tool ??= onDisk?.tool ?? null;
      this.#version ??= onDisk?.version ?? null;
    }
    for (const [uri, diagnostics] of this.#pending) applyChange(files, uri, diagnostics);
    const kept = {
      projectRoot: this.projectRoot,
      updatedAt: new Date().toISOString(),
      tool: this.#tool,
      version: this.#version,
      files,
    };
    // The fence: a keeper whose lock was taken over must not put back what it merged before.
    if (!writeKeptFile(this.#paths, kept, { beforeRename: () => lock.held() })) return false;
    this.#written = statOrUndefined(file, { bigint: true });
    this.#pending.clear();
    this.#files = files;
    return true;
  }

  /** The project's lock; null while another process holds it and `wait` is false. */
  #lock(wait: boolean): VersionLock | null {
    const file = keptDiagnosticsLock(this.#paths, this.projectRoot);
    for (;;) {
      let ownerRuns = false;
      const lock = tryLock(file, {
        abandoned: (owner) => {
          const verdict = this.#judge(owner);
          ownerRuns = verdict === 'running';
          return verdict === 'abandoned';
        },
      });
      if (lock !== null) {
        this.#lockedOutSince = undefined;
        this.#ownerSeen = undefined;
        return lock;
      }
      const now = performance.now();
      // An owner that runs is busy writing, however large the file: no reason to give up.
      if (ownerRuns) this.#lockedOutSince = undefined;
      else this.#lockedOutSince ??= now;
      if (this.#lockedOutSince !== undefined && now - this.#lockedOutSince > LOCK_GIVE_UP_MS) {
        this.#lockedOutSince = undefined;
        throw new LauncherError(
          'E_IO',
          `cannot write the kept diagnostics ${keptDiagnosticsFile(this.#paths, this.projectRoot)}: their lock ${file} stays held`,
          {
            hint: 'Another launcher of this project seems stuck, or the lock is not yours. If no launcher runs in this project, remove the lock.',
          },
        );
      }
      if (!wait) return null;
      sleepSync(LOCK_POLL_MS);
    }
  }

  /** What to make of the live owner of the project's lock (see LOCK_ABANDONED_MS). */
  #judge(owner: LockOwner): 'running' | 'held' | 'abandoned' {
    const seen = processProgress(owner.pid);
    if (seen === undefined) {
      const heldFor = Date.now() - Date.parse(owner.acquiredAt);
      return heldFor > LOCK_ABANDONED_MS ? 'abandoned' : 'held';
    }
    const now = performance.now();
    const last = this.#ownerSeen;
    if (last?.nonce !== owner.nonce || (!seen.stopped && last.cpu !== seen.cpu)) {
      // Another owner, or this one at work since the last look: the count starts (again).
      this.#ownerSeen = { nonce: owner.nonce, cpu: seen.cpu, since: now };
      return seen.stopped ? 'held' : 'running';
    }
    if (now - last.since > LOCK_ABANDONED_MS) return 'abandoned';
    return seen.stopped ? 'held' : 'running';
  }
}

// The same file, unchanged: an inode number can be reused once freed, so its size and change
// time (to the nanosecond) must match too. Where there are no inode numbers (0), re-read.
function sameFile(a: BigIntStats | undefined, b: BigIntStats | undefined): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    a.ino !== 0n &&
    a.ino === b.ino &&
    a.dev === b.dev &&
    a.size === b.size &&
    a.ctimeNs === b.ctimeNs &&
    a.mtimeNs === b.mtimeNs
  );
}

function applyChange(files: Map<string, Diagnostic[]>, uri: string, diagnostics: Diagnostic[]) {
  if (diagnostics.length === 0) files.delete(uri);
  else files.set(uri, diagnostics);
}
