// Security regressions: a server that sends too slowly or without end can neither hold an install
// (or a shim call waiting on it) for ever nor fill the disk. Real servers on port 0 trickle and
// flood; the built CLI must give up with the contract's exit code and leave nothing installed.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { launcher } from '../helpers/cli.js';
import {
  type DistServer,
  type DistServerOptions,
  startDistServerForTest,
} from '../helpers/dist-server.js';
import { cleanEnv, tempDir } from '../helpers/env.js';

// An archive of 100 KB (incompressible): at 10 bytes a second it would take hours.
const BIG: DistServerOptions = {
  versions: [
    { version: '1.0.0', files: { 'bin/mycc': { content: randomBytes(100_000), mode: 0o755 } } },
  ],
};

// A one-second window: a body averaging under 1 KiB/s over it has stalled.
async function setup(options: DistServerOptions = BIG, extra: NodeJS.ProcessEnv = {}) {
  const server = await startDistServerForTest(options);
  const env = cleanEnv({
    LAUNCHER_DIST_URL: server.indexUrl,
    LAUNCHER_HTTP_TIMEOUT_MS: '1000',
    LAUNCHER_HTTP_RETRIES: '0',
    LAUNCHER_HTTP_RETRY_DELAY_MS: '10',
    ...extra,
  });
  const home = env.LAUNCHER_HOME!;
  return {
    server,
    env,
    cwd: tempDir('launcher-project-'),
    versions: path.join(home, 'versions'),
    downloads: path.join(home, 'cache', 'downloads', '1.0.0'),
  };
}

// Large enough that reading up to it shows: the connection's buffers hold a few MiB at most.
const CAP = 128 << 20;

/** The one answer for `archive` was cut off long before the body could have been streamed. */
function expectFewBytesSent(server: DistServer, archive: string) {
  expect(server.count(archive)).toBe(1);
  const sent = server.requests.find((q) => q.path === archive)!.sent;
  expect(sent).toBeLessThan(CAP / 4);
}

describe('an index that arrives too slowly', () => {
  it('fails list-remote with exit 5 naming the URL when it trickles a byte at a time', async () => {
    const { server, env, cwd } = await setup();
    server.misbehave('/index.json', { trickle: { bytes: 1, everyMs: 100 } });
    const r = await launcher(['list-remote'], { env, cwd });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`cannot download the index ${server.indexUrl}: too slow`);
    expect(r.stderr).toContain('LAUNCHER_HTTP_TIMEOUT_MS');
    expect(r.stdout).toBe('');
  });

  it('fails once the index is not complete within four windows, even above the speed limit', async () => {
    const { server, env, cwd } = await setup();
    // 400 KB of padding (unknown fields are ignored) at 20 KB/s: 20 s, far past the 4 s allowed.
    server.setIndex({ ...server.index, padding: 'x'.repeat(400_000) });
    server.misbehave('/index.json', { trickle: { bytes: 1024, everyMs: 50 } });
    const r = await launcher(['list-remote'], { env, cwd });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`cannot download the index ${server.indexUrl}: too slow`);
    expect(r.stderr).toContain('not complete after 4 s');
  });
});

// The body of an answer launcher does not take (an error to retry, a redirect) is read away to
// keep the connection, but not for long: a server that trickles it would hold every attempt.
describe('an answer whose body nobody wants, trickled', () => {
  // 23 bytes, one every 500 ms: 11 s an answer if its body were awaited.
  const trickled = { trickle: { bytes: 1, everyMs: 500 } };

  it.each([
    ['a 500 to retry', { status: 500, ...trickled }],
    ['a redirect', { status: 302, headers: { location: '/index.json' }, ...trickled }],
  ])('does not hold list-remote: %s', async (_name, misbehaviour) => {
    const { server, env, cwd } = await setup(BIG, { LAUNCHER_HTTP_RETRIES: '2' });
    server.misbehave('/index.json', misbehaviour, misbehaviour);
    const started = Date.now();
    const r = await launcher(['list-remote'], { env, cwd, timeout: 60_000 });
    expect(r).toMatchObject({ code: 0, stdout: expect.stringContaining('1.0.0') });
    expect(server.count('/index.json')).toBe(3);
    // Two bodies of about a second each at most, and the rest of a CLI run.
    expect(Date.now() - started).toBeLessThan(8000);
  });
});

describe('an archive that arrives too slowly', () => {
  it('fails the install with exit 5 after its retries, keeping only the resumable partial', async () => {
    const { server, env, cwd, versions, downloads } = await setup(undefined, {
      LAUNCHER_HTTP_RETRIES: '1',
    });
    const archive = server.archivePath('1.0.0');
    const slow = { trickle: { bytes: 1, everyMs: 100 } };
    server.misbehave(archive, slow, slow);
    const r = await launcher(['install', '1.0.0'], { env, cwd });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`cannot download mycc 1.0.0 (${server.url}${archive.slice(1)})`);
    expect(r.stderr).toContain('too slow');
    expect(r.stderr).toContain('(after 2 attempts)');
    expect(server.count(archive)).toBe(2);
    expect(readdirSync(versions)).toEqual([]);
    // The server gives validators: what arrived is kept, and the next install continues it.
    expect(readdirSync(downloads).filter((n) => n.endsWith('.part'))).toHaveLength(1);
    const again = await launcher(['install', '1.0.0'], { env, cwd });
    expect(again.code).toBe(0);
    expect(server.requests.at(-1)).toMatchObject({ path: archive, status: 206 });
  });

  it('keeps no partial download that cannot be resumed (no ETag, no Last-Modified)', async () => {
    const { server, env, cwd, versions, downloads } = await setup();
    const archive = server.archivePath('1.0.0');
    server.misbehave(archive, { trickle: { bytes: 1, everyMs: 100 }, noValidators: true });
    const r = await launcher(['install', '1.0.0'], { env, cwd });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('too slow');
    expect(readdirSync(versions)).toEqual([]);
    expect(existsSync(downloads)).toBe(false);
  });
});

describe('an archive without a size in the index', () => {
  it('is stopped at the cap when the server sends without end (exit 6), and nothing is kept', async () => {
    const { server, env, cwd, versions, downloads } = await setup(
      { versions: [{ version: '1.0.0', artifact: { size: undefined } }] },
      // A test hook: the cap (4 GiB) lowered to 1 MiB so the test floods for a moment only.
      { LAUNCHER_TEST_MAX_UNSIZED_BYTES: String(1 << 20) },
    );
    const archive = server.archivePath('1.0.0');
    server.misbehave(archive, { endless: true });
    const r = await launcher(['install', '1.0.0'], { env, cwd });
    expect(r.code).toBe(6);
    expect(r.stderr).toContain(
      `the download of mycc 1.0.0 (${server.url}${archive.slice(1)}) passed 1048576 bytes`,
    );
    expect(r.stderr).toContain('size');
    expect(server.count(archive)).toBe(1);
    expect(readdirSync(versions)).toEqual([]);
    expect(existsSync(downloads)).toBe(false);
  });

  it('is refused before its body when the Content-Length announces more than the cap (exit 6)', async () => {
    const { server, env, cwd, versions, downloads } = await setup(
      { versions: [{ version: '1.0.0', artifact: { size: undefined } }] },
      { LAUNCHER_TEST_MAX_UNSIZED_BYTES: String(CAP) },
    );
    const archive = server.archivePath('1.0.0');
    server.misbehave(archive, { endless: true, headers: { 'content-length': String(CAP + 1) } });
    const r = await launcher(['install', '1.0.0'], { env, cwd });
    expect(r.code).toBe(6);
    expectFewBytesSent(server, archive);
    expect(r.stderr).toContain(
      `the download of mycc 1.0.0 (${server.url}${archive.slice(1)}) has ${CAP + 1} bytes as the server announces, over the ${CAP} bytes`,
    );
    expect(readdirSync(versions)).toEqual([]);
    expect(existsSync(downloads)).toBe(false);
  });

  it('installs as usual when the archive stays under the cap', async () => {
    const { env, cwd, versions } = await setup(
      { versions: [{ version: '1.0.0', artifact: { size: undefined } }] },
      { LAUNCHER_TEST_MAX_UNSIZED_BYTES: String(1 << 20) },
    );
    const r = await launcher(['install', '1.0.0'], { env, cwd });
    expect(r.code).toBe(0);
    expect(readdirSync(versions)).toEqual(['1.0.0']);
  });
});

describe('an archive with a size in the index', () => {
  it('is refused before its body when the Content-Length announces another size (exit 6)', async () => {
    const { server, env, cwd, versions, downloads } = await setup({
      versions: [{ version: '1.0.0', artifact: { size: CAP } }],
    });
    const archive = server.archivePath('1.0.0');
    server.misbehave(archive, { endless: true, headers: { 'content-length': String(2 * CAP) } });
    const r = await launcher(['install', '1.0.0'], { env, cwd });
    expect(r.code).toBe(6);
    expectFewBytesSent(server, archive);
    expect(r.stderr).toContain(
      `has ${2 * CAP} bytes, but the index says ${CAP} (as the server announces; refused before reading it)`,
    );
    expect(readdirSync(versions)).toEqual([]);
    expect(existsSync(downloads)).toBe(false);
  });
});
