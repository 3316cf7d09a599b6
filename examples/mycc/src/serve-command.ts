// `mycc serve [DIR]`: compile the project, serve it over HTTP, recompile and republish on change.
import { type FSWatcher, watch } from 'node:fs';
import type { Diagnostic } from './diagnostics.js';
import { type ServedProject, type Snapshot, startHttpServer } from './http-server.js';
import { compileProject, isSourceName } from './project.js';
import { type Features, MYCC_VERSION } from './version.js';

/** How `serve` reports to whoever runs it: the launcher when supervised, or nobody. */
export interface ServeHooks {
  say: (line: string) => void;
  publish?: (uri: string, diagnostics: Diagnostic[]) => void;
  log?: (level: 'info' | 'warn', message: string) => void;
  ready?: (info: { port: number; host: string; url: string }) => void;
}

/** A running `serve`: its address, its latest compilation, and a graceful stop. */
export interface Serving {
  url: string;
  snapshot(): Snapshot;
  stop(): Promise<void>;
}

// Editors save in bursts (truncate, write, rename); one compilation per burst is enough.
const DEBOUNCE_MS = 40;

/** Starts serving `root`; resolves once the server listens and the first diagnostics are out. */
export async function serve(root: string, features: Features, hooks: ServeHooks): Promise<Serving> {
  let generation = 0;
  const header = { tool: 'mycc', version: MYCC_VERSION } as const;
  let current: Snapshot = { ...header, generation, root, files: [], errors: 0, warnings: 0 };
  const waiters: Array<() => void> = [];

  const recompile = () => {
    let result: ReturnType<typeof compileProject>;
    try {
      result = compileProject(root, features);
    } catch (error) {
      // The directory itself went away or became unreadable: keep serving the last result.
      warn(`cannot compile ${root}: ${(error as Error).message}`);
      return;
    }
    const previous = new Set(current.files.map((f) => f.uri));
    current = { ...header, generation: ++generation, ...result };
    for (const file of current.files) {
      previous.delete(file.uri);
      hooks.publish?.(file.uri, file.diagnostics);
    }
    // A file that went away takes its diagnostics with it.
    for (const gone of previous) hooks.publish?.(gone, []);
    hooks.log?.(
      'info',
      `compiled ${current.files.length} file(s): ${current.errors} error(s), ${current.warnings} warning(s)`,
    );
    for (const wake of waiters.splice(0)) wake();
  };
  const warn = (message: string) => {
    hooks.say(`mycc: ${message}`);
    hooks.log?.('warn', message);
  };

  const project: ServedProject = {
    snapshot: () => current,
    changedSince: (after, timeoutMs) =>
      new Promise<void>((resolve) => {
        if (!Number.isFinite(after) || generation > after) return resolve();
        waiters.push(resolve);
        setTimeout(resolve, timeoutMs).unref();
      }),
  };

  recompile();
  const http = await startHttpServer(project, hooks.say);
  let timer: NodeJS.Timeout | undefined;
  const watcher: FSWatcher = watch(root, (_event, name) => {
    if (name !== null && !isSourceName(name)) return;
    clearTimeout(timer);
    timer = setTimeout(recompile, DEBOUNCE_MS);
  });
  watcher.on('error', (error) => warn(`watching ${root} failed: ${error.message}`));

  hooks.say(`mycc ${MYCC_VERSION}: listening on ${http.url}`);
  hooks.ready?.({ port: http.port, host: '127.0.0.1', url: http.url });
  return {
    url: http.url,
    snapshot: () => current,
    stop: async () => {
      clearTimeout(timer);
      watcher.close();
      for (const wake of waiters.splice(0)) wake();
      await http.close();
    },
  };
}
