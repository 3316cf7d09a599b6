// The HTTP face of `mycc serve`: the compiled project as JSON, a long-poll for changes, a crash.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { crash, parseSignal } from './crash.js';
import type { ProjectResult } from './project.js';

/** What the server needs from the running project. */
export interface ServedProject {
  snapshot(): Snapshot;
  /** Resolves once the generation is greater than `after`, or when `timeoutMs` passes. */
  changedSince(after: number, timeoutMs: number): Promise<void>;
}

/** The body of `GET /`: the project's compilation plus which compiler and which round made it. */
export type Snapshot = ProjectResult & { tool: 'mycc'; version: string; generation: number };

const LONG_POLL_MS = 25_000;

/**
 * Listens on 127.0.0.1 at an ephemeral port. Routes: `GET /` (`?after=N` waits until generation
 * N is superseded), `GET /diagnostics` (the launcher's `[{ uri, diagnostics }]` shape), and
 * `GET /crash[?signal=NAME]`, which answers 202 and then kills the process with that signal.
 */
export async function startHttpServer(project: ServedProject, say: (line: string) => void) {
  const server = http.createServer((request, response) => {
    // Collapsing leading slashes keeps `//x` a path rather than a host.
    const url = new URL((request.url ?? '/').replace(/^\/+/, '/'), 'http://127.0.0.1');
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      response.end(`${JSON.stringify(body, null, 2)}\n`);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(405, { error: `${request.method} is not supported; use GET` });
    } else if (url.pathname === '/') {
      const after = url.searchParams.get('after');
      const waited =
        after === null ? Promise.resolve() : project.changedSince(Number(after), LONG_POLL_MS);
      void waited.then(() => send(200, project.snapshot()));
    } else if (url.pathname === '/diagnostics') {
      send(
        200,
        project.snapshot().files.map(({ uri, diagnostics }) => ({ uri, diagnostics })),
      );
    } else if (url.pathname === '/crash') {
      const signal = parseSignal(url.searchParams.get('signal'));
      if (signal === null)
        return send(400, { error: `unknown signal ${url.searchParams.get('signal')}` });
      response.on('finish', () => crash(signal, say));
      send(202, { crashing: signal });
    } else {
      send(404, { error: `no route ${url.pathname}; try /, /diagnostics or /crash` });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
