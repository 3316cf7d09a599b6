// Fetching the index against a real loopback server: ETag revalidation, the cache, offline mode,
// retries and fallbacks.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LauncherContext } from '../../src/context.js';
import { loadIndex } from '../../src/index/load-index.js';
import { startDistServerForTest } from '../helpers/dist-server.js';
import { cleanEnv, tempDir } from '../helpers/env.js';

async function setup() {
  const server = await startDistServerForTest({
    versions: [{ version: '1.0.0' }, { version: '1.1.0' }],
  });
  const env = cleanEnv({ LAUNCHER_DIST_URL: server.indexUrl, LAUNCHER_HTTP_RETRY_DELAY_MS: '5' });
  const ctx = (extra: NodeJS.ProcessEnv = {}) =>
    new LauncherContext({ ...env, ...extra }, tempDir());
  const notes: string[] = [];
  const load = (extra: NodeJS.ProcessEnv = {}) =>
    loadIndex(ctx(extra), { note: (line) => notes.push(line) });
  return { server, env, ctx, load, notes };
}

describe('loading the index', () => {
  it('revalidates the cached index with If-None-Match and uses the cache on 304', async () => {
    const { server, load } = await setup();
    const first = await load();
    expect(first.origin).toBe('network');
    expect(server.requests[0]!.ifNoneMatch).toBeUndefined();
    const second = await load();
    expect(second.origin).toBe('revalidated');
    expect(server.requests[1]).toMatchObject({
      ifNoneMatch: expect.stringMatching(/^".+"$/),
      status: 304,
    });
    expect(second.index.versions.map((v) => v.version)).toEqual(['1.1.0', '1.0.0']);
  });

  it('replaces the cached index when the server has a new one', async () => {
    const { server, load } = await setup();
    await load();
    server.setIndex({ ...server.index, versions: [] });
    const again = await load();
    expect(again.origin).toBe('network');
    expect(again.index.versions).toEqual([]);
  });

  it('uses only the cache when offline, without any request', async () => {
    const { server, load } = await setup();
    await load();
    const before = server.requests.length;
    const offline = await load({ LAUNCHER_OFFLINE: '1' });
    expect(offline.origin).toBe('cache');
    expect(server.requests.length).toBe(before);
  });

  it('says so (exit 7) when offline and the index was never fetched', async () => {
    const { server, load } = await setup();
    await expect(load({ LAUNCHER_OFFLINE: '1' })).rejects.toMatchObject({
      code: 'E_OFFLINE',
      exitCode: 7,
      message: expect.stringContaining(server.indexUrl),
    });
    expect(server.requests).toEqual([]);
  });

  it('retries 5xx answers for the index', async () => {
    const { server, load } = await setup();
    server.misbehave('/index.json', { status: 500 }, { status: 502 });
    expect((await load()).origin).toBe('network');
    expect(server.requests.map((r) => r.status)).toEqual([500, 502, 200]);
  });

  it('says an index URL the server has nothing at (404) is to be checked, not the network (exit 5)', async () => {
    const { server, load } = await setup();
    const url = `${server.url}typo/index.json`;
    await expect(load({ LAUNCHER_DIST_URL: url })).rejects.toMatchObject({
      code: 'E_NETWORK',
      exitCode: 5,
      message: `cannot download the index ${url}: the server answered 404`,
      hint:
        'The server has no index at that URL: check LAUNCHER_DIST_URL (or distUrl in ' +
        'config.json) for a typo; it is the URL of the index.json file itself.',
    });
    expect(server.requests).toHaveLength(1);
  });

  it('fails with exit 5 when the index never answers and nothing is cached', async () => {
    const { server, load } = await setup();
    server.misbehave('/index.json', { hang: true });
    await expect(
      load({ LAUNCHER_HTTP_TIMEOUT_MS: '100', LAUNCHER_HTTP_RETRIES: '0' }),
    ).rejects.toMatchObject({ code: 'E_NETWORK', exitCode: 5 });
  });

  it('falls back to the cached index with a warning when the server cannot be reached', async () => {
    const { server, load, notes } = await setup();
    await load();
    server.misbehave('/index.json', { status: 503 }, { status: 503 });
    const fallback = await load({ LAUNCHER_HTTP_RETRIES: '1' });
    expect(fallback.origin).toBe('cache');
    expect(notes.join('\n')).toContain('using the index cached at');
  });

  it('never caches a bad index: the last good one stays', async () => {
    const { server, load } = await setup();
    await load();
    server.setIndex({ schema: 9, tool: 'mycc', versions: [] });
    await expect(load()).rejects.toMatchObject({ code: 'E_BAD_INDEX', exitCode: 2 });
    expect((await load({ LAUNCHER_OFFLINE: '1' })).index.versions).toHaveLength(2);
  });

  it('decodes an index served with a Content-Encoding (as S3 serves objects stored compressed)', async () => {
    for (const encode of ['gzip', 'deflate', 'br'] as const) {
      const { server, load } = await setup();
      server.misbehave('/index.json', { encode });
      const loaded = await load();
      expect([encode, loaded.origin]).toEqual([encode, 'network']);
      expect(loaded.index.versions.map((v) => v.version)).toEqual(['1.1.0', '1.0.0']);
      // What is cached is the decoded index: offline it parses as well.
      expect((await load({ LAUNCHER_OFFLINE: '1' })).index.tool).toBe('mycc');
    }
  });

  it('names a Content-Encoding it cannot decode (exit 2), instead of calling the index not UTF-8', async () => {
    const { server, load } = await setup();
    server.misbehave('/index.json', { headers: { 'content-encoding': 'zstd' } });
    await expect(load()).rejects.toMatchObject({
      code: 'E_BAD_INDEX',
      exitCode: 2,
      message: expect.stringMatching(/Content-Encoding: zstd.*gzip, deflate and br/),
    });
  });

  it('names a list of encodings sent as repeated header lines, refusing it (exit 2)', async () => {
    const { server, load } = await setup();
    server.misbehave('/index.json', { headers: { 'content-encoding': ['gzip', 'gzip'] } });
    await expect(load()).rejects.toMatchObject({
      code: 'E_BAD_INDEX',
      message: expect.stringContaining('Content-Encoding: gzip, gzip'),
    });
  });

  it('says which encoding is damaged when the bytes do not decode (exit 2)', async () => {
    const { server, load } = await setup();
    server.misbehave('/index.json', { headers: { 'content-encoding': 'gzip' } });
    await expect(load()).rejects.toMatchObject({
      code: 'E_BAD_INDEX',
      exitCode: 2,
      message: expect.stringContaining(`${server.indexUrl}: its gzip Content-Encoding`),
    });
  });

  it('refuses a gzip bomb once its decoded size passes the 32 MiB limit', async () => {
    const { server, load } = await setup();
    // 64 MiB of spaces, which gzip to about 64 KiB on the wire.
    server.setIndex(Buffer.alloc(64 * 1024 * 1024, ' '));
    server.misbehave('/index.json', { encode: 'gzip' });
    await expect(load()).rejects.toMatchObject({
      code: 'E_BAD_INDEX',
      exitCode: 2,
      message: expect.stringContaining(`${server.indexUrl} is larger than 33554432 bytes`),
    });
  });

  it('refuses a compressed body past the limit even when it decodes to next to nothing', async () => {
    const { server, load } = await setup();
    // A zlib header, then empty stored blocks (5 bytes each) that never end: 33 MiB on the wire.
    const blocks = 7_000_000;
    const body = Buffer.alloc(2 + blocks * 5);
    body.set([0x78, 0x01]);
    for (let i = 0; i < blocks; i++) body.set([0xff, 0xff], 2 + i * 5 + 3);
    server.setIndex(body);
    server.misbehave('/index.json', { headers: { 'content-encoding': 'deflate' } });
    await expect(load()).rejects.toMatchObject({
      code: 'E_BAD_INDEX',
      message: expect.stringContaining(`${server.indexUrl} is larger than 33554432 bytes`),
    });
  });

  it('reads a file: index directly, also offline', async () => {
    const { server, load } = await setup();
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'index.json'), JSON.stringify(server.index));
    const url = pathToFileURL(path.join(dir, 'index.json')).href;
    const loaded = await load({ LAUNCHER_DIST_URL: url, LAUNCHER_OFFLINE: '1' });
    expect(loaded.origin).toBe('file');
    expect(loaded.index.url).toBe(url);
  });

  it("gives the context the tool's name from the cached index", async () => {
    const { ctx, load } = await setup();
    expect(ctx().tool).toBeUndefined();
    await load();
    expect(ctx().tool).toBe('mycc');
  });
});
