// Redirects of a real loopback server: followed to http(s) URLs the rules allow, and no further.
import { once } from 'node:events';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LauncherContext } from '../../src/context.js';
import { chooseArtifact } from '../../src/index/artifact.js';
import type { DistIndex } from '../../src/index/index-schema.js';
import { loadIndex } from '../../src/index/load-index.js';
import { launcherPaths } from '../../src/paths.js';
import { launcher } from '../helpers/cli.js';
import { type DistServer, startDistServer } from '../helpers/dist-server.js';
import { cleanEnv, tempDir } from '../helpers/env.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/**
 * A server that answers every request with a redirect to `to(path)`, counting them; a 404 where
 * `to` gives no place.
 */
async function redirector(to: (path: string, base: string) => string | undefined) {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits++;
    const location = to(req.url ?? '/', base);
    if (location === undefined) res.writeHead(404).end();
    else res.writeHead(302, { location }).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { base, url: `${base}/index.json`, hits: () => hits };
}

async function dist(): Promise<DistServer> {
  const server = await startDistServer({ versions: [{ version: '1.0.0' }] });
  closers.push(() => server.close());
  return server;
}

const load = (url: string, env: NodeJS.ProcessEnv = cleanEnv()) =>
  loadIndex(new LauncherContext({ ...env, LAUNCHER_DIST_URL: url }, tempDir()));

/** Where the artifact of `index`'s only version for this machine would be downloaded from. */
const artifactHref = (index: DistIndex) => chooseArtifact(index, index.versions[0]!, {}).url.href;

/** The meta files of the index cache of the home `env` names. */
function cacheMetaFiles(env: NodeJS.ProcessEnv): string[] {
  const dir = path.join(launcherPaths(env).cache, 'index');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.meta.json'))
    .map((name) => path.join(dir, name));
}

/** A `/latest/index.json` that redirects to `server`'s index, and nothing else there. */
async function movedIndex(server: DistServer) {
  const moved = await redirector((p) => (p === '/latest/index.json' ? server.indexUrl : undefined));
  return { ...moved, url: `${moved.base}/latest/index.json` };
}

describe('redirects', () => {
  it('are followed to another loopback server', async () => {
    const server = await dist();
    const moved = await redirector((path) => new URL(path, server.url).href);
    const { index } = await load(moved.url);
    expect(index.versions.map((v) => v.version)).toEqual(['1.0.0']);
    expect(server.count('/index.json')).toBe(1);
  });

  it('in a loop end after 10 hops as a network failure (exit 5)', async () => {
    const loop = await redirector((path, base) => `${base}${path}`);
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
    const bad = await redirector(() => target);
    const error = await load(bad.url).then(
      () => null,
      (e: { code: string; exitCode: number; message: string }) => e,
    );
    expect(error).toMatchObject({ code: 'E_BAD_URL', exitCode: 2 });
    expect(error!.message).toContain(target);
    expect(bad.hits()).toBe(1);
  });

  describe('and relative artifact URLs', () => {
    it('resolve against the address the index was fetched from, so an install downloads from there', async () => {
      const server = await dist();
      const moved = await movedIndex(server);
      const env = cleanEnv({ LAUNCHER_DIST_URL: moved.url, LAUNCHER_HTTP_RETRIES: '0' });
      const r = await launcher(['install', '1.0.0', '--quiet'], { env, cwd: tempDir() });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(server.count(server.archivePath('1.0.0'))).toBe(1);
      expect(moved.hits()).toBe(1); // the index only: nothing was looked for next to /latest/
    });

    it('resolve there too when the index is revalidated (304) or read from the cache offline', async () => {
      const server = await dist();
      const moved = await movedIndex(server);
      const env = cleanEnv();
      const expected = new URL(server.archivePath('1.0.0'), server.url).href;
      expect(artifactHref((await load(moved.url, env)).index)).toBe(expected);
      const again = await load(moved.url, env);
      expect(again.origin).toBe('revalidated');
      expect(artifactHref(again.index)).toBe(expected);
      const offline = await load(moved.url, { ...env, LAUNCHER_OFFLINE: '1' });
      expect(offline.origin).toBe('cache');
      expect(artifactHref(offline.index)).toBe(expected);
    });

    it('resolve against the configured URL from a cache entry written before the final address was kept', async () => {
      const server = await dist();
      const moved = await movedIndex(server);
      const env = cleanEnv();
      await load(moved.url, env);
      const [meta] = cacheMetaFiles(env);
      const { finalUrl, ...older } = JSON.parse(readFileSync(meta!, 'utf8'));
      expect(finalUrl).toBe(server.indexUrl);
      writeFileSync(meta!, JSON.stringify(older));
      const offline = await load(moved.url, { ...env, LAUNCHER_OFFLINE: '1' });
      expect(offline.origin).toBe('cache');
      expect(artifactHref(offline.index)).toBe(
        new URL(server.archivePath('1.0.0').slice(1), moved.url).href,
      );
    });

    it('are held to the URL rules once resolved: plain http to another machine is refused', async () => {
      const server = await dist();
      const version = (server.index.versions as Array<{ artifacts: Array<{ url: string }> }>)[0]!;
      version.artifacts[0]!.url = '//192.0.2.1/mycc.tar.gz';
      const moved = await movedIndex(server);
      const { index } = await load(moved.url);
      expect(() => artifactHref(index)).toThrow(
        expect.objectContaining({ code: 'E_BAD_URL', exitCode: 2 }),
      );
    });
  });
});
