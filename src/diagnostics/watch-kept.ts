// Follow a project's kept diagnostics on disk: survives compiler restarts and new sessions alike.
import { type FSWatcher, type Stats, watch } from 'node:fs';
import path from 'node:path';
import { LauncherError } from '../errors.js';
import { ensureStateDir, type LauncherPaths } from '../paths.js';
import { statOrUndefined } from '../util/stat-or-undefined.js';
import type { FileDiagnostics } from './diagnostic.js';
import { type KeptDiagnostics, keptDiagnosticsFile, listFiles, loadKeptFile } from './kept-file.js';

export interface WatchKeptOptions {
  /** How long to gather file events before reading the file again (default 50 ms). */
  readonly delayMs?: number;
  /** While the directory is gone, how often to look whether it is back (default 1000 ms). */
  readonly rearmMs?: number;
  /**
   * Errors of the file watcher after it started, and of reading the kept file (an E_IO error
   * naming it; the listener hears again once the file can be read). Without it, a first read
   * that fails is thrown, and later ones are passed over.
   */
  readonly onError?: (error: unknown) => void;
}

/**
 * Reading a large kept file takes a while (~100 ms for 6 MB), and a stream of writes used to keep
 * the reader reading most of the time. After a read that took d ms, the next waits at least
 * SLOW_READ_SPACING × d ms, up to MAX_READ_SPACING_MS (bounded for the same reason as the
 * writer's spacing, see src/session/write-coalescer.ts).
 */
export const SLOW_READ_SPACING = 5;
export const MAX_READ_SPACING_MS = 250;

/** Called with the full current set: once at the start, then after each change of content. */
export type KeptListener = (files: FileDiagnostics[], kept: KeptDiagnostics | null) => void;

/**
 * Watch the directory (the file is replaced by rename on every write, so watching the file
 * itself would lose track of it), re-read the file after a burst of events, and report only
 * when the content really changed. Returns a function that stops watching.
 *
 * A watch follows the directory itself, not its path: when the directory is removed (someone
 * cleans the state directory), the watch hears its last event and nothing after. So an event
 * also checks that the path still leads to the directory watched; if not, the kept set is read
 * again (gone, so empty) and the new directory is watched once it exists, looked for every
 * `rearmMs` meanwhile (never created here, so a removal in progress is not disturbed).
 */
export function watchKept(
  paths: LauncherPaths,
  projectRoot: string,
  listener: KeptListener,
  options: WatchKeptOptions = {},
): () => void {
  const dir = ensureStateDir(paths, 'diagnostics');
  const name = path.basename(keptDiagnosticsFile(paths, projectRoot));
  // The event of the directory's own removal carries its name (kept files are `<hex>.json`).
  const self = path.basename(dir);
  let last: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  let watched: Stats | undefined;
  let stopped = false;
  /** How long the last read took, in ms. */
  let lastCost = 0;

  const report = (first = false) => {
    const start = performance.now();
    try {
      read(first);
    } finally {
      lastCost = performance.now() - start;
    }
  };

  const read = (first: boolean) => {
    let kept: KeptDiagnostics | null;
    try {
      kept = loadKeptFile(paths, projectRoot);
    } catch (error) {
      last = undefined; // so the set is reported again once the file can be read
      if (options.onError) options.onError(error);
      else if (first) {
        stop();
        throw error;
      }
      return;
    }
    const files = listFiles(kept?.files ?? new Map());
    const text = JSON.stringify(files);
    if (text === last) return;
    last = text;
    listener(files, kept);
  };

  const onEvent = (_event: string, changed: string | null) => {
    // Some platforms give no name; then any event may be ours. Events are gathered, not
    // postponed, so a steady stream of writes still produces regular reports.
    if ((changed !== null && changed !== name && changed !== self) || timer) return;
    timer = setTimeout(
      () => {
        timer = undefined;
        if (sameDirectory(statOrUndefined(dir), watched)) return report();
        // Removed (and perhaps made anew): what was kept there is gone; follow the new one.
        watcher?.close();
        watcher = undefined;
        report();
        rearm();
      },
      Math.max(options.delayMs ?? 50, Math.min(SLOW_READ_SPACING * lastCost, MAX_READ_SPACING_MS)),
    );
  };

  /** Watch the directory now at the path; false when there is none. */
  const arm = (): boolean => {
    const stats = statOrUndefined(dir);
    if (!stats?.isDirectory()) return false;
    try {
      watcher = watch(dir, { persistent: true }, onEvent);
    } catch (error) {
      throw new LauncherError('E_IO', `cannot watch ${dir} for changes`, {
        hint: 'On Linux, raise fs.inotify.max_user_watches (sysctl) and run again.',
        cause: error,
      });
    }
    watcher.on('error', (error) => options.onError?.(error));
    watched = stats;
    return true;
  };

  const rearm = () => {
    if (stopped) return;
    try {
      // Watching starts before the read, so no write can fall between the two.
      if (arm()) return report();
    } catch (error) {
      options.onError?.(error);
      return;
    }
    timer = setTimeout(() => {
      timer = undefined;
      rearm();
    }, options.rearmMs ?? 1000);
  };

  const stop = () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    watcher?.close();
  };

  // Created just above; if someone removed it already, it is looked for like any removed one.
  const armed = arm();
  report(true);
  if (!armed) rearm();
  return stop;
}

function sameDirectory(a: Stats | undefined, b: Stats | undefined): boolean {
  return (
    a !== undefined && b !== undefined && a.isDirectory() && a.ino === b.ino && a.dev === b.dev
  );
}
