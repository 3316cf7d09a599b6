// Proxies from the environment: a real forward proxy on loopback sees the launcher's requests
// unless NO_PROXY exempts the host.
import { once } from 'node:events';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LauncherContext } from '../../src/context.js';
import { loadIndex } from '../../src/index/load-index.js';
import { type DistServer, startDistServer } from '../helpers/dist-server.js';
import { cleanEnv, tempDir } from '../helpers/env.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A forward proxy that tunnels CONNECT requests and plain absolute-URI requests, and records them. */
async function startProxy(): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.url ?? '');
    const target = new URL(req.url ?? '');
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
    const upstream = net.connect(Number(port), host, () => {
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

async function dist(): Promise<DistServer> {
  const server = await startDistServer({ versions: [{ version: '1.0.0' }] });
  closers.push(() => server.close());
  return server;
}

describe('proxies', () => {
  it('sends requests through HTTP_PROXY', async () => {
    const server = await dist();
    const proxy = await startProxy();
    const env = cleanEnv({ LAUNCHER_DIST_URL: server.indexUrl, HTTP_PROXY: proxy.url });
    const { index } = await loadIndex(new LauncherContext(env, tempDir()));
    expect(index.versions).toHaveLength(1);
    expect(proxy.seen.length).toBeGreaterThan(0);
    expect(proxy.seen.join(' ')).toContain(new URL(server.url).host);
  });

  it('goes direct for hosts listed in NO_PROXY', async () => {
    const server = await dist();
    const proxy = await startProxy();
    const env = cleanEnv({
      LAUNCHER_DIST_URL: server.indexUrl,
      HTTP_PROXY: proxy.url,
      NO_PROXY: '127.0.0.1',
    });
    await loadIndex(new LauncherContext(env, tempDir()));
    expect(proxy.seen).toEqual([]);
    expect(server.count('/index.json')).toBe(1);
  });
});
