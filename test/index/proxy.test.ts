// Proxies from the environment: a real forward proxy on loopback sees the launcher's requests
// unless NO_PROXY exempts the host.
import { once } from 'node:events';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LauncherContext } from '../../src/context.js';
import { HttpClient, httpSettings } from '../../src/index/http-client.js';
import { loadIndex } from '../../src/index/load-index.js';
import { type DistServer, startDistServerForTest } from '../helpers/dist-server.js';
import { cleanEnv, tempDir } from '../helpers/env.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

// A host name only the test proxy knows: it leads to the loopback distribution server.
const REMOTE = 'dist.example.test';

/**
 * A forward proxy that tunnels CONNECT requests and plain absolute-URI requests, and records them.
 * It resolves REMOTE to this machine: loopback URLs themselves never go through a proxy.
 */
async function startProxy(): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  const local = (host: string) => (host === REMOTE ? '127.0.0.1' : host);
  const server = http.createServer((req, res) => {
    seen.push(req.url ?? '');
    const target = new URL(req.url ?? '');
    target.hostname = local(target.hostname);
    const upstream = http.request(
      target,
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  server.on('connect', (req, socket, head) => {
    seen.push(`CONNECT ${req.url}`);
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), local(host ?? ''), () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/** A proxy like a load balancer without a backend: it takes each connection, then closes it. */
async function startClosingProxy(): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    socket.once('data', () => socket.end());
    socket.on('error', () => {});
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
  };
}

const dist = () => startDistServerForTest({ versions: [{ version: '1.0.0' }] });

/** The dist server's index under the name only the proxy resolves (plain http: allowed insecure). */
const remoteIndex = (server: DistServer) =>
  `http://${REMOTE}:${new URL(server.url).port}/index.json`;

describe('proxies', () => {
  it('sends requests through HTTP_PROXY', async () => {
    const server = await dist();
    const proxy = await startProxy();
    const env = cleanEnv({
      LAUNCHER_DIST_URL: remoteIndex(server),
      LAUNCHER_ALLOW_INSECURE: '1',
      HTTP_PROXY: proxy.url,
    });
    const { index } = await loadIndex(new LauncherContext(env, tempDir()));
    expect(index.versions).toHaveLength(1);
    expect(proxy.seen.join(' ')).toContain(REMOTE);
    expect(server.count('/index.json')).toBe(1);
  });

  it('goes direct for hosts listed in NO_PROXY', async () => {
    const server = await dist();
    const proxy = await startProxy();
    const env = cleanEnv({
      LAUNCHER_DIST_URL: remoteIndex(server),
      LAUNCHER_ALLOW_INSECURE: '1',
      HTTP_PROXY: proxy.url,
      NO_PROXY: REMOTE,
    });
    // Direct, the name resolves nowhere: the attempt fails, and the proxy saw nothing.
    await expect(
      loadIndex(new LauncherContext({ ...env, LAUNCHER_HTTP_RETRIES: '0' }, tempDir())),
    ).rejects.toMatchObject({ code: 'E_NETWORK' });
    expect(proxy.seen).toEqual([]);
  });

  // Plain http is allowed to loopback because nothing between can read or change it; through a
  // proxy it could (and the proxy's "localhost" is the proxy's own machine).
  it('never sends a loopback URL through a proxy', async () => {
    const server = await dist();
    const proxy = await startProxy();
    for (const host of ['127.0.0.1', 'localhost']) {
      const env = cleanEnv({
        LAUNCHER_DIST_URL: server.indexUrl.replace('127.0.0.1', host),
        HTTP_PROXY: proxy.url,
        HTTPS_PROXY: proxy.url,
      });
      await loadIndex(new LauncherContext(env, tempDir()));
    }
    expect(proxy.seen).toEqual([]);
    expect(server.count('/index.json')).toBe(2);
  });

  // Through a proxy a request is two answers (the proxy's to CONNECT, then the server's): each
  // within the headers timeout, together they may take twice as long, and that is no failure.
  it('waits for a slow proxy whose every step keeps within the timeouts', async () => {
    const server = await dist();
    const stepMs = 2500;
    const proxy = net.createServer((client) => {
      client.once('data', (head) => {
        const port = Number(/^CONNECT [^:]+:(\d+)/.exec(head.toString())?.[1]);
        setTimeout(() => {
          const upstream = net.connect(port, '127.0.0.1', () => {
            client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
            client.pipe(upstream);
            // The server's answer, held back as long again.
            upstream.once('data', (first) =>
              setTimeout(() => {
                client.write(first);
                upstream.pipe(client);
              }, stepMs),
            );
          });
          upstream.on('error', () => client.destroy());
        }, stepMs);
      });
      client.on('error', () => {});
    });
    proxy.listen(0, '127.0.0.1');
    await once(proxy, 'listening');
    closers.push(async () => {
      await new Promise((resolve) => proxy.close(resolve));
    });
    const env = cleanEnv({
      LAUNCHER_DIST_URL: remoteIndex(server),
      LAUNCHER_ALLOW_INSECURE: '1',
      HTTP_PROXY: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    });
    const settings = {
      ...httpSettings(env),
      connectTimeoutMs: 200,
      headersTimeoutMs: stepMs + 500,
      retries: 0,
    };
    const client = new HttpClient(env, settings);
    try {
      const { index } = await loadIndex(new LauncherContext(env, tempDir()), { client });
      expect(index.versions).toHaveLength(1);
    } finally {
      await client.close();
    }
  }, 20_000);

  // undici 7 reconnects in a tight loop to such a proxy, past its own timeouts and abort signal.
  it('gives up on a proxy that closes every connection, within the timeouts, and at once when aborted', async () => {
    const proxy = await startClosingProxy();
    const env = cleanEnv({
      LAUNCHER_DIST_URL: `https://${REMOTE}/index.json`,
      HTTPS_PROXY: proxy.url,
      LAUNCHER_HTTP_TIMEOUT_MS: '200',
      LAUNCHER_HTTP_RETRIES: '0',
    });
    const started = Date.now();
    await expect(loadIndex(new LauncherContext(env, tempDir()))).rejects.toMatchObject({
      code: 'E_NETWORK',
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(proxy.connections()).toBeGreaterThan(0);

    const controller = new AbortController();
    const slow = { ...env, LAUNCHER_HTTP_TIMEOUT_MS: '600000' };
    const aborting = loadIndex(new LauncherContext(slow, tempDir()), {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('stopped by the test')), 300);
    await expect(aborting).rejects.toThrow('stopped by the test');
  });
});
