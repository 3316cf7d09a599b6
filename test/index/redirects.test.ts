// Redirects of a real loopback server: followed to http(s) URLs the rules allow, and no further.
// Relative artifact URLs resolve against the configured index URL, wherever redirects led.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LauncherContext } from '../../src/context.js';
import { loadIndex } from '../../src/index/load-index.js';
import { launcher } from '../helpers/cli.js';
import { startDistServerForTest } from '../helpers/dist-server.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { startRedirectorForTest } from '../helpers/redirector.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A server that answers the paths of `table` with their bytes, and anything else with 404. */
async function lookupServer(table: Record<string, string | Buffer>) {
  const server = http.createServer((req, res) => {
    const body = table[req.url ?? ''];
    if (body === undefined) res.writeHead(404).end();
    else res.writeHead(200).end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const dist = () => startDistServerForTest({ versions: [{ version: '1.0.0' }] });

const load = (url: string) =>
  loadIndex(new LauncherContext(cleanEnv({ LAUNCHER_DIST_URL: url }), tempDir()));

describe('redirects', () => {
  it('are followed to another loopback server', async () => {
    const server = await dist();
    const moved = await startRedirectorForTest((path) => new URL(path, server.url).href);
    const { index } = await load(moved.url);
    expect(index.versions.map((v) => v.version)).toEqual(['1.0.0']);
    expect(server.count('/index.json')).toBe(1);
  });

  it('in a loop end after 10 hops as a network failure (exit 5)', async () => {
    const loop = await startRedirectorForTest((path, base) => `${base}${path}`);
    await expect(load(loop.url)).rejects.toMatchObject({
      code: 'E_NETWORK',
      message: expect.stringContaining('too many redirects'),
    });
    expect(loop.hits()).toBe(11);
  });

  it.each([
    ['a file', 'file:///etc/passwd'],
    ['another kind of URL', 'ftp://127.0.0.1/index.json'],
    ['plain http to another machine', 'http://192.0.2.1/index.json'],
  ])('to %s are refused as a bad URL (exit 2), naming it', async (_what, target) => {
    const bad = await startRedirectorForTest(() => target);
    const error = await load(bad.url).then(
      () => null,
      (e: { code: string; exitCode: number; message: string }) => e,
    );
    expect(error).toMatchObject({ code: 'E_BAD_URL', exitCode: 2 });
    expect(error!.message).toContain(target);
    expect(bad.hits()).toBe(1);
  });

  // A releases store: every asset of latest/download/ redirects to an opaque signed object URL,
  // which names neither the asset nor a directory it could sit next to.
  it('leave relative artifact URLs relative to the configured index URL (a redirecting store)', async () => {
    const server = await dist();
    const archive = server.archivePath('1.0.0');
    const objects = await lookupServer({
      '/o/7f3a9c?sig=1': JSON.stringify(server.index),
      '/o/e21b04?sig=2': server.archive('1.0.0'),
    });
    const opaque: Record<string, string> = {
      '/latest/download/index.json': '/o/7f3a9c?sig=1',
      [`/latest/download${archive}`]: '/o/e21b04?sig=2',
    };
    const store = await startRedirectorForTest((path) => `${objects}${opaque[path] ?? '/missing'}`);
    const releases = store.url.replace('/index.json', '/latest/download');
    const env = cleanEnv({ LAUNCHER_DIST_URL: `${releases}/index.json` });
    const r = await launcher(['install', '1.0.0'], { env, cwd: tempDir() });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`downloading mycc 1.0.0 from ${releases}${archive} `);
    expect(store.hits()).toBe(2);
    const list = await launcher(['list'], { env, cwd: tempDir() });
    expect(list.stdout).toContain('1.0.0');
  });
});
