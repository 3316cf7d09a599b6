// A real loopback server that answers every request with a redirect, for tests of where the
// launcher goes next and what it sends there.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeWhenTestEnds } from './test-scope.js';

export interface Redirector {
  /** `<base>/index.json`. */
  readonly url: string;
  /** How many requests it answered. */
  hits(): number;
  /** The Authorization header of each request, in arrival order (undefined when absent). */
  readonly authorizations: Array<string | undefined>;
  close(): Promise<void>;
}

/** Answer every request with a 302 to `to(path, base)`; `base` is `http://127.0.0.1:<port>`. */
export async function startRedirector(
  to: (path: string, base: string) => string,
): Promise<Redirector> {
  const authorizations: Array<string | undefined> = [];
  const server = http.createServer((req, res) => {
    authorizations.push(req.headers.authorization);
    res.writeHead(302, { location: to(req.url ?? '/', base) }).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/index.json`,
    hits: () => authorizations.length,
    authorizations,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** startRedirector for one test: the server is closed when the current test ends. */
export async function startRedirectorForTest(
  to: (path: string, base: string) => string,
): Promise<Redirector> {
  const redirector = await startRedirector(to);
  closeWhenTestEnds(() => redirector.close(), {
    opener: 'startRedirectorForTest()',
    shared: 'start it with startRedirector() in beforeAll() and close it in afterAll()',
  });
  return redirector;
}
