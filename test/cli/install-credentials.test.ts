// Credentials in the index URL, end to end through the built CLI against real loopback servers:
// sent as Basic authorization to the index's origin and nowhere else.
import { afterEach, describe, expect, it } from 'vitest';
import { launcher } from '../helpers/cli.js';
import { type DistServer, startDistServer } from '../helpers/dist-server.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { type Redirector, startRedirector } from '../helpers/redirector.js';

const closers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const server of closers.splice(0)) await server.close();
});

const USER = 'alice';
const PASSWORD = 's3cretpw';
const TOKEN = 'QTOKEN';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

/** A distribution of mycc 1.4.2 that answers 401 to any request without alice's credentials. */
async function privateDist(password = PASSWORD): Promise<DistServer> {
  const server = await startDistServer({
    versions: [{ version: '1.4.2' }],
    basicAuth: { user: USER, password },
  });
  closers.push(server);
  return server;
}

async function redirector(to: (path: string) => string): Promise<Redirector> {
  const server = await startRedirector(to);
  closers.push(server);
  return server;
}

/** `http://alice:s3cretpw@127.0.0.1:<port>/index.json?token=QTOKEN` for a server's base URL. */
const secretUrl = (base: string) => {
  const url = new URL('index.json', base);
  url.username = USER;
  url.password = PASSWORD;
  url.search = `token=${TOKEN}`;
  return url.href;
};

const envFor = (distUrl: string) =>
  cleanEnv({ LAUNCHER_DIST_URL: distUrl, LAUNCHER_HTTP_RETRY_DELAY_MS: '10' });

describe('credentials in the index URL', () => {
  it('are sent as Basic authorization for the index and its relative archives', async () => {
    const server = await privateDist();
    const env = envFor(secretUrl(server.url));
    const r = await launcher(['install', '1.4.2'], { env, cwd: tempDir() });
    expect(r.stderr).not.toContain('401');
    expect(r.code).toBe(0);
    expect(server.requests.map((q) => [q.path, q.authorization])).toEqual([
      ['/index.json', BASIC],
      [server.archivePath('1.4.2'), BASIC],
    ]);
  });

  it('are sent to an archive named by an absolute URL on the same origin', async () => {
    const server = await privateDist();
    const version = (server.index.versions as Array<{ artifacts: Array<{ url: string }> }>)[0]!;
    version.artifacts[0]!.url = new URL(server.archivePath('1.4.2'), server.url).href;
    const r = await launcher(['install', '1.4.2'], {
      env: envFor(secretUrl(server.url)),
      cwd: tempDir(),
    });
    expect(r.code).toBe(0);
    expect(server.count(server.archivePath('1.4.2'))).toBe(1);
    expect(server.requests.every((q) => q.authorization === BASIC)).toBe(true);
  });

  // A server may send the launcher elsewhere (a storage host, a mirror): the credentials are for
  // the index's server only, as with curl without --location-trusted.
  it('are not sent to another origin after a redirect', async () => {
    const server = await startDistServer({ versions: [{ version: '1.4.2' }] });
    closers.push(server);
    const front = await redirector((p) => new URL(p, server.url).href);
    const r = await launcher(['install', '1.4.2'], {
      env: envFor(secretUrl(front.url)),
      cwd: tempDir(),
    });
    expect(r.code).toBe(0);
    // The index and the archive (relative to the index URL, so on the front server) were asked
    // for with the credentials there, and followed to the other server without them.
    expect(front.authorizations).toEqual([BASIC, BASIC]);
    expect(server.requests.map((q) => [q.path, q.authorization])).toEqual([
      ['/index.json', undefined],
      [server.archivePath('1.4.2'), undefined],
    ]);
  });
});
