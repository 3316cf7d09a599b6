// The live side of kept diagnostics: every publishDiagnostics goes through here, writes coalesce.
import type { Stats } from 'node:fs';
import type { LauncherPaths } from '../paths.js';
import { canonicalProjectRoot } from '../session/project-root.js';
import { WriteCoalescer } from '../session/write-coalescer.js';
import { statOrUndefined } from '../util/stat-or-undefined.js';
import type { Diagnostic, FileDiagnostics } from './diagnostic.js';
import { keptDiagnosticsFile, listFiles, readKeptFile, writeKeptFile } from './kept-file.js';

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
 * Each write merges into what is on disk, so per URI the last write wins, also across sessions.
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
  /** The kept file as this keeper last wrote it, to skip re-reading it when nobody else wrote. */
  #written: Stats | undefined;
  #closed = false;

  constructor(paths: LauncherPaths, projectRoot: string, options: DiagnosticsKeeperOptions = {}) {
    this.#paths = paths;
    this.projectRoot = canonicalProjectRoot(projectRoot);
    this.#tool = options.tool ?? null;
    this.#version = options.version ?? null;
    this.#files = new Map<string, Diagnostic[]>(readKeptFile(paths, this.projectRoot)?.files);
    this.#writer = new WriteCoalescer(() => this.#write(), {
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

  /** Write pending changes, then ignore later updates. */
  close(): void {
    this.#writer.flush();
    this.#writer.close();
    this.#closed = true;
  }

  #write(): void {
    const file = keptDiagnosticsFile(this.#paths, this.projectRoot);
    let files = this.#files;
    // Every write renames a new file into place, so the same inode means nobody else wrote since
    // and our own view is the disk's; otherwise (another session of the project) merge into it.
    if (!sameFile(statOrUndefined(file), this.#written)) {
      const onDisk = readKeptFile(this.#paths, this.projectRoot);
      files = new Map<string, Diagnostic[]>(onDisk?.files);
      for (const [uri, diagnostics] of this.#pending) applyChange(files, uri, diagnostics);
      this.#tool ??= onDisk?.tool ?? null;
      this.#version ??= onDisk?.version ?? null;
    }
    writeKeptFile(this.#paths, {
      projectRoot: this.projectRoot,
      updatedAt: new Date().toISOString(),
      tool: this.#tool,
      version: this.#version,
      files,
    });
    this.#written = statOrUndefined(file);
    this.#pending.clear();
    this.#files = files;
  }
}

// Where the file system has no inode numbers (0), never assume: re-read.
function sameFile(a: Stats | undefined, b: Stats | undefined): boolean {
  return a !== undefined && b !== undefined && a.ino !== 0 && a.ino === b.ino && a.dev === b.dev;
}

function applyChange(files: Map<string, Diagnostic[]>, uri: string, diagnostics: Diagnostic[]) {
  if (diagnostics.length === 0) files.delete(uri);
  else files.set(uri, diagnostics);
}
