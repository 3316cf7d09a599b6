// Credentials in the index URL, end to end through the built CLI against real loopback servers:
// sent as Basic authorization to the index's origin and nowhere else, and never printed or
// written to disk (a password, or a token in the query).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { launcher } from '../helpers/cli.js';
import { type DistServer, startDistServerForTest } from '../helpers/dist-server.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { startRedirectorForTest } from '../helpers/redirector.js';

const USER = 'alice';
const PASSWORD = 's3cretpw';
const TOKEN = 'QTOKEN';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

/** A distribution of mycc 1.4.2 that answers 401 to any request without alice's credentials. */
function privateDist(password = PASSWORD): Promise<DistServer> {
  return startDistServerForTest({
    versions: [{ version: '1.4.2' }],
    basicAuth: { user: USER, password },
  });
}

/** `http://alice:s3cretpw@127.0.0.1:<port>/index.json?token=QTOKEN` for a server's base URL. */
const secretUrl = (base: string) => {
  const url = new URL('index.json', base);
  url.username = USER;
  url.password = PASSWORD;
  url.search = `token=${TOKEN}`;
  return url.href;
};

const envFor = (distUrl: string, extra: NodeJS.ProcessEnv = {}) =>
  cleanEnv({ LAUNCHER_DIST_URL: distUrl, LAUNCHER_HTTP_RETRY_DELAY_MS: '10', ...extra });

/** Every file under `dir` whose bytes contain one of the secrets, relative to `dir`. */
function filesWithSecrets(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => {
      const text = readFileSync(file, 'latin1');
      return text.includes(PASSWORD) || text.includes(TOKEN);
    })
    .map((file) => path.relative(dir, file));
}

const expectNoSecret = (text: string) => {
  expect(text).not.toContain(PASSWORD);
  expect(text).not.toContain(TOKEN);
};

describe('credentials in the index URL', () => {
  it('are sent as Basic authorization for the index and its relative archives', async () => {
    const server = await privateDist();
    const env = envFor(secretUrl(server.url));
    const r = await launcher(['install', '1.4.2'], { env, cwd: tempDir() });
    // Not a bare '401': the port in the URLs on stderr may hold those digits.
    expect(r.stderr).not.toContain('answered 401');
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
    const server = await startDistServerForTest({ versions: [{ version: '1.4.2' }] });
    const front = await startRedirectorForTest((p) => new URL(p, server.url).href);
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

  it('appear in no message, receipt or cache file of an install, list-remote or doctor', async () => {
    const server = await privateDist();
    const env = envFor(secretUrl(server.url));
    const home = env.LAUNCHER_HOME!;
    const cwd = tempDir();
    const shown = `http://${USER}:***@127.0.0.1:${new URL(server.url).port}/index.json?token=***`;

    const install = await launcher(['install', '1.4.2'], { env, cwd });
    expect(install.code).toBe(0);
    expect(install.stderr).toContain(`downloading mycc 1.4.2 from http://${USER}:***@127.0.0.1:`);
    const list = await launcher(['list-remote'], { env, cwd });
    expect(list.code).toBe(0);
    const none = await launcher(['list-remote', '9'], { env, cwd });
    expect(none.stderr).toContain(`no version of mycc in ${shown} satisfies 9`);
    const doctor = await launcher(['doctor'], { env, cwd });
    expect(doctor.stdout).toContain(`✓ distribution index ${shown} is reachable and valid`);
    for (const r of [install, list, none, doctor]) expectNoSecret(r.stdout + r.stderr);

    const receipt = JSON.parse(
      readFileSync(path.join(home, 'versions', '1.4.2', '.launcher-install.json'), 'utf8'),
    ) as { url: string };
    expect(receipt.url).toBe(
      `http://${USER}:***@127.0.0.1:${new URL(server.url).port}/archives/${path.basename(server.archivePath('1.4.2'))}`,
    );
    expect(filesWithSecrets(home)).toEqual([]);
    // The cached index is still found (list-remote offline), keyed by the URL itself.
    const offline = await launcher(['list-remote'], {
      env: { ...env, LAUNCHER_OFFLINE: '1' },
      cwd,
    });
    expect(offline.code).toBe(0);
    expect(offline.stdout).toContain('1.4.2');
  });

  // A typo makes the configured URL unparseable; its secrets are still hidden, a password holding
  // an `@` of its own included.
  it.each([
    `https://${USER}:${PASSWORD}@example.com:999999/index.json?token=${TOKEN}`,
    `https://${USER}:x@${PASSWORD}@example.com:999999/index.json`,
  ])('are hidden when the configured URL does not parse: %s', async (distUrl) => {
    const r = await launcher(['list-remote'], { env: envFor(distUrl), cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('LAUNCHER_DIST_URL is not a URL: "https://***@example.com:999999');
    expectNoSecret(r.stderr);
  });

  it('are hidden in an archive URL the index gives that does not parse', async () => {
    const server = await startDistServerForTest({ versions: [{ version: '1.4.2' }] });
    const version = (server.index.versions as Array<{ artifacts: Array<{ url: string }> }>)[0]!;
    version.artifacts[0]!.url = `https://cdn.example.com:99999/mycc.tgz?sig=${TOKEN}`;
    const r = await launcher(['install', '1.4.2'], {
      env: envFor(server.indexUrl),
      cwd: tempDir(),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('invalid URL "https://cdn.example.com:99999/mycc.tgz?sig=***"');
    expectNoSecret(r.stderr);
  });

  it('of signed archive URLs in the index stay private: the cached index is 0600', async () => {
    const server = await startDistServerForTest({ versions: [{ version: '1.4.2' }] });
    const env = envFor(server.indexUrl);
    expect((await launcher(['list-remote'], { env, cwd: tempDir() })).code).toBe(0);
    const dir = path.join(env.LAUNCHER_HOME!, 'cache', 'index');
    const cached = readdirSync(dir).filter((name) => !name.endsWith('.meta.json'));
    expect(cached).toHaveLength(1);
    expect(statSync(path.join(dir, cached[0]!)).mode & 0o777).toBe(0o600);
  });

  it('are not written with a partial download kept for resuming', async () => {
    const server = await privateDist();
    server.misbehave(server.archivePath('1.4.2'), { dropAfter: 100 });
    const env = envFor(secretUrl(server.url), { LAUNCHER_HTTP_RETRIES: '0' });
    const r = await launcher(['install', '1.4.2'], { env, cwd: tempDir() });
    expect(r.code).toBe(5);
    expectNoSecret(r.stderr);
    const cache = path.join(env.LAUNCHER_HOME!, 'cache');
    const kept = readdirSync(cache, { recursive: true }).map(String);
    expect(kept.some((name) => name.endsWith('.part.json'))).toBe(true);
    expect(filesWithSecrets(cache)).toEqual([]);
    // The next install resumes the kept bytes: the saved URL, without secrets, still matches.
    const again = await launcher(['install', '1.4.2'], { env, cwd: tempDir() });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('resuming at');
  });

  it('that the server refuses: exit 5 with a hint about credentials, secrets not shown', async () => {
    const server = await privateDist('another password');
    const env = envFor(secretUrl(server.url));
    const r = await launcher(['install', '1.4.2'], { env, cwd: tempDir() });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(
      `cannot download the index http://${USER}:***@127.0.0.1:${new URL(server.url).port}/index.json?token=***: the server answered 401`,
    );
    expect(r.stderr).toContain('asks for credentials');
    expect(r.stderr).not.toContain('Check the network connection');
    expectNoSecret(r.stderr);
    expect(server.count('/index.json')).toBe(1);
    const doctor = await launcher(['doctor'], { env, cwd: tempDir() });
    expect(doctor.stdout).toContain('asks for credentials');
    expectNoSecret(doctor.stdout + doctor.stderr);
  });

  it('refused (403) for an archive: exit 5 with a hint about credentials, not the network', async () => {
    const server = await privateDist();
    server.misbehave(server.archivePath('1.4.2'), { status: 403 });
    const r = await launcher(['install', '1.4.2'], {
      env: envFor(secretUrl(server.url)),
      cwd: tempDir(),
    });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('the server answered 403');
    expect(r.stderr).toContain('The server refuses access: check the credentials');
    expect(r.stderr).not.toContain('Check the network connection');
    expectNoSecret(r.stderr);
    expect(server.count(server.archivePath('1.4.2'))).toBe(1);
  });
});
