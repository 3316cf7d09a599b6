// Follow a project's kept diagnostics on disk: survives compiler restarts and new sessions alike.
import { type FSWatcher, watch } from 'node:fs';
import path from 'node:path';
import { LauncherError } from '../errors.js';
import { ensureStateDir, type LauncherPaths } from '../paths.js';
import type { FileDiagnostics } from './diagnostic.js';
import { type KeptDiagnostics, keptDiagnosticsFile, listFiles, loadKeptFile } from './kept-file.js';

export interface WatchKeptOptions {
  /** How long to gather file events before reading the file again (default 50 ms). */
  readonly delayMs?: number;
  /**
   * Errors of the file watcher after it started, and of reading the kept file (an E_IO error
   * naming it; the listener hears again once the file can be read). Without it, a first read
   * that fails is thrown, and later ones are passed over.
   */
  readonly onError?: (error: unknown) => void;
}

/** Called with the full current set: once at the start, then after each change of content. */
export type KeptListener = (files: FileDiagnostics[], kept: KeptDiagnostics | null) => void;

/**
 * Watch the directory (the file is replaced by rename on every write, so watching the file
 * itself would lose track of it), re-read the file after a burst of events, and report only
 * when the content really changed. Returns a function that stops watching.
 */
export function watchKept(
  paths: LauncherPaths,
  projectRoot: string,
  listener: KeptListener,
  options: WatchKeptOptions = {},
): () => void {
  const dir = ensureStateDir(paths, 'diagnostics');
  const name = path.basename(keptDiagnosticsFile(paths, projectRoot));
  let last: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  const report = (first = false) => {
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
  let watcher: FSWatcher;
  try {
    // Started before the first read, so no write can fall between the two.
    watcher = watch(dir, { persistent: true }, (_event, changed) => {
      // Some platforms give no name; then any event may be ours. Events are gathered, not
      // postponed, so a steady stream of writes still produces regular reports.
      if ((changed !== null && changed !== name) || timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        report();
      }, options.delayMs ?? 50);
    });
  } catch (error) {
    throw new LauncherError('E_IO', `cannot watch ${dir} for changes`, {
      hint: 'On Linux, raise fs.inotify.max_user_watches (sysctl) and run again.',
      cause: error,
    });
  }
  watcher.on('error', (error) => options.onError?.(error));
  const stop = () => {
    if (timer) clearTimeout(timer);
    watcher.close();
  };
  report(true);
  return stop;
}
