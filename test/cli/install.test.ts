// End to end: `launcher install` through the built CLI against a real loopback distribution.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { launcher, launcherWithFileLimit } from '../helpers/cli.js';
import { type DistServerOptions, startDistServerForTest } from '../helpers/dist-server.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { asUserWithoutPrivileges } from '../helpers/other-user.js';

async function setup(
  options: DistServerOptions = { versions: [{ version: '1.4.2' }] },
  extra: NodeJS.ProcessEnv = {},
) {
  const server = await startDistServerForTest(options);
  const env = cleanEnv({
    LAUNCHER_DIST_URL: server.indexUrl,
    LAUNCHER_HTTP_RETRY_DELAY_MS: '10',
    ...extra,
  });
  const home = env.LAUNCHER_HOME!;
  const cwd = tempDir('launcher-project-');
  return { server, env, home, cwd, versions: path.join(home, 'versions') };
}

/** Names under versions/ other than the installed version directories. */
const leftovers = (versions: string) => readdirSync(versions).filter((n) => n.startsWith('.'));

describe('launcher install', () => {
  it('installs the highest satisfying version with its receipt, runnable bins and shims', async () => {
    const { server, env, cwd, home, versions } = await setup({
      versions: [
        { version: '1.3.0' },
        { version: '1.4.2' },
        { version: '1.4.1' },
        { version: '2.0.0' },
      ],
    });
    const r = await launcher(['install', '1.4'], { env, cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`installed mycc 1.4.2 in ${path.join(versions, '1.4.2')}\n`);
    expect(r.stderr).toContain('downloading mycc 1.4.2');
    const receipt = JSON.parse(
      readFileSync(path.join(versions, '1.4.2', '.launcher-install.json'), 'utf8'),
    );
    expect(receipt).toMatchObject({
      version: '1.4.2',
      url: new URL(server.archivePath('1.4.2'), server.url).href,
      tool: 'mycc',
      bins: { mycc: 'bin/mycc' },
    });
    expect(receipt.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Number.isNaN(Date.parse(receipt.installedAt))).toBe(false);
    expect(
      execFileSync(path.join(versions, '1.4.2', 'bin', 'mycc'), ['--hello'], { encoding: 'utf8' }),
    ).toBe('mycc 1.4.2 --hello\n');
    expect(readdirSync(path.join(home, 'shims'))).toContain('mycc');
    expect(readdirSync(versions).sort()).toEqual(['1.4.2']);
  });

  // The cache names an archive after its URL's file name, and a partial download adds to that:
  // a name near the file system's 255-byte limit must not make every install of it fail, and
  // one that fits stays whole (an archive cached under it before is found again).
  it('installs an archive whose URL file name is as long as a file name can be', async () => {
    const longest = `mycc-1.4.2-${'x'.repeat(230)}.tar.gz`;
    const fits = `mycc-1.5.0-${'y'.repeat(206)}.tar.gz`;
    const { env, cwd, home, versions } = await setup({
      versions: [
        { version: '1.4.2', archiveName: longest },
        { version: '1.5.0', archiveName: fits },
      ],
    });
    const kept = (version: string) => readdirSync(path.join(home, 'cache', 'downloads', version));
    for (const version of ['1.4.2', '1.5.0']) {
      const r = await launcher(['install', version], { env, cwd });
      expect(r).toMatchObject({
        code: 0,
        stderr: expect.stringContaining(`downloading mycc ${version}`),
      });
      expect(existsSync(path.join(versions, version, 'bin', 'mycc'))).toBe(true);
    }
    // Kept under a name that begins and ends as the URL's, short enough for a partial's suffixes.
    const [shortened, ...others] = kept('1.4.2');
    expect(others).toEqual([]);
    expect(shortened!.length).toBe(255 - '.part.own.part'.length);
    expect(shortened).toMatch(/^[0-9a-f]{16}-mycc-1\.4\.2-x+_x+\.tar\.gz$/);
    expect(kept('1.5.0')).toEqual([
      expect.stringMatching(new RegExp(`^[0-9a-f]{16}-${fits.replaceAll('.', '\\.')}$`)),
    ]);
  });

  it('installs the request in force here when none is given', async () => {
    const { env, cwd, versions } = await setup({
      versions: [{ version: '1.4.2' }, { version: '2.0.0' }],
    });
    writeFileSync(path.join(cwd, '.tool-version'), '1\n');
    const r = await launcher(['install'], { env, cwd });
    expect(r.code).toBe(0);
    expect(existsSync(path.join(versions, '1.4.2', '.launcher-install.json'))).toBe(true);
    expect(existsSync(path.join(versions, '2.0.0'))).toBe(false);
  });

  it("follows a .tool-versions in a fresh home: the index names the tool, not a parent's pin", async () => {
    const { env, cwd, versions, server } = await setup({
      versions: [{ version: '1.4.2' }, { version: '2.0.0' }],
    });
    // The parent pins 2; the project's asdf file pins 1.4 for the tool the index calls mycc.
    writeFileSync(path.join(cwd, '.tool-version'), '2\n');
    const inner = path.join(cwd, 'app');
    mkdirSync(inner);
    writeFileSync(path.join(inner, '.tool-versions'), 'nodejs 20.1.0\nmycc 1.4\n');

    // Without the network, whether that file pins mycc cannot be told: said, never skipped.
    const current = await launcher(['current'], { env, cwd: inner });
    expect(current.code).toBe(7);
    expect(current.stderr).toContain(path.join(inner, '.tool-versions'));
    expect(current.stderr).toContain('launcher list-remote');

    // exec (as a shim call) and install may fetch the index, which names the tool.
    const exec = await launcher(['exec', 'mycc', 'hi'], { env, cwd: inner });
    expect(exec.stderr).not.toContain('2.0.0');
    expect(exec.stdout).toBe('mycc 1.4.2 hi\n');
    expect(exec.code).toBe(0);
    // The index read to name the tool is the one the install uses: fetched once.
    expect(server.count('/index.json')).toBe(1);
    expect(readdirSync(versions).filter((n) => !n.startsWith('.'))).toEqual(['1.4.2']);
    const after = await launcher(['current'], { env, cwd: inner });
    expect(after.stdout).toContain(`1.4.2 (set by ${path.join(inner, '.tool-versions')})`);
  });

  it('names the .tool-versions and the index problem when the index to read it cannot be had', async () => {
    const { env, cwd, server } = await setup();
    writeFileSync(path.join(cwd, '.tool-versions'), 'mycc 1.4\n');
    const down = { ...env, LAUNCHER_HTTP_RETRIES: '0' };
    await server.close();
    const r = await launcher(['exec', 'mycc'], { env: down, cwd });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(path.join(cwd, '.tool-versions'));
    expect(r.stderr).toContain('cannot download the index');
  });

  it('fetches the index to read a .tool-versions when installing the request in force', async () => {
    const { env, cwd, versions, server } = await setup({
      versions: [{ version: '1.4.2' }, { version: '2.0.0' }],
    });
    writeFileSync(path.join(cwd, '.tool-versions'), 'mycc 1.4\n');
    const r = await launcher(['install'], { env, cwd });
    expect(r.code).toBe(0);
    expect(server.count('/index.json')).toBe(1);
    expect(r.stdout).toContain('installed mycc 1.4.2');
    expect(readdirSync(versions).filter((n) => !n.startsWith('.'))).toEqual(['1.4.2']);
  });

  it('says in one sentence why an offline shim call cannot install the pinned version (exit 7)', async () => {
    const { env, cwd } = await setup();
    writeFileSync(path.join(cwd, '.tool-version'), '1.4\n');
    // The index is cached; the archive is not.
    expect((await launcher(['list-remote'], { env, cwd })).code).toBe(0);
    const r = await launcher(['exec', 'mycc'], { env: { ...env, LAUNCHER_OFFLINE: '1' }, cwd });
    expect(r.code).toBe(7);
    const file = path.join(cwd, '.tool-version');
    expect(r.stderr).toContain(
      `launcher: no installed version satisfies 1.4 (set by ${file}); LAUNCHER_OFFLINE=1, and `,
    );
    expect(r.stderr).toContain('is not in the download cache');
  });

  it('exits 3 without a request given or set anywhere', async () => {
    const { env, cwd } = await setup();
    const r = await launcher(['install'], { env, cwd });
    expect(r.code).toBe(3);
  });

  it('does nothing (and needs no network) for an exact version that is installed', async () => {
    const { server, env, cwd } = await setup();
    expect((await launcher(['install', '1.4.2'], { env, cwd })).code).toBe(0);
    const before = server.requests.length;
    const again = await launcher(['install', '1.4.2'], { env, cwd });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already installed');
    expect(server.requests.length).toBe(before);
  });

  it('reinstalls from the verified cache with --force, without downloading again', async () => {
    const { server, env, cwd, versions } = await setup();
    expect((await launcher(['install', '1.4.2'], { env, cwd })).code).toBe(0);
    writeFileSync(path.join(versions, '1.4.2', 'bin', 'mycc'), 'tampered');
    const r = await launcher(['install', '1.4.2', '--force'], { env, cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('installed mycc 1.4.2');
    expect(readFileSync(path.join(versions, '1.4.2', 'bin', 'mycc'), 'utf8')).toContain(
      'mycc 1.4.2',
    );
    expect(server.count(server.archivePath('1.4.2'))).toBe(1);
    expect(leftovers(versions)).toEqual([]);
  });

  it('drops the older archive of a version re-published with a new checksum', async () => {
    const { env, cwd, home } = await setup();
    expect((await launcher(['install', '1.4.2'], { env, cwd })).code).toBe(0);
    const cache = path.join(home, 'cache', 'downloads', '1.4.2');
    const [first] = readdirSync(cache);
    // The vendor re-publishes 1.4.2: same version, other bytes, so another sha256.
    const republished = await startDistServerForTest({
      versions: [
        { version: '1.4.2', files: { 'bin/mycc': { content: '#!/bin/sh\n', mode: 0o755 } } },
      ],
    });
    const sha = createHash('sha256').update(republished.archive('1.4.2')).digest('hex');
    const r = await launcher(['install', '1.4.2', '--force'], {
      env: { ...env, LAUNCHER_DIST_URL: republished.indexUrl },
      cwd,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(republished.count(republished.archivePath('1.4.2'))).toBe(1);
    const kept = `${sha.slice(0, 16)}-${path.basename(republished.archivePath('1.4.2'))}`;
    expect(kept).not.toBe(first);
    expect(readdirSync(cache)).toEqual([kept]);
  });

  it('drops whatever else is in the version’s download cache, a directory too', async () => {
    const { env, cwd, home } = await setup();
    const cache = path.join(home, 'cache', 'downloads', '1.4.2');
    // Made by hand, or by a launcher of another day: the cache is launcher's own.
    mkdirSync(path.join(cache, 'unpacked-by-hand', 'bin'), { recursive: true });
    writeFileSync(path.join(cache, 'unpacked-by-hand', 'bin', 'mycc'), '');
    const r = await launcher(['install', '1.4.2'], { env, cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(cache)).toEqual([expect.stringMatching(/^[0-9a-f]{16}-/)]);
  });

  it('prints nothing with --quiet', async () => {
    const { env, cwd } = await setup();
    const r = await launcher(['install', '1.4.2', '--quiet'], { env, cwd });
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it('replaces a version directory that has no receipt, which does not count as installed', async () => {
    const { env, cwd, versions } = await setup();
    mkdirSync(path.join(versions, '1.4.2', 'bin'), { recursive: true });
    writeFileSync(path.join(versions, '1.4.2', 'half-written'), 'x');
    const r = await launcher(['install', '1.4.2'], { env, cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('installed mycc 1.4.2');
    expect(existsSync(path.join(versions, '1.4.2', 'half-written'))).toBe(false);
    expect(existsSync(path.join(versions, '1.4.2', '.launcher-install.json'))).toBe(true);
    expect(leftovers(versions)).toEqual([]);
  });

  it('installs again, without --force, a version whose receipt is damaged: it never says "already installed"', async () => {
    const { env, cwd, versions } = await setup();
    expect((await launcher(['install', '1.4.2'], { env, cwd })).code).toBe(0);
    const receipt = path.join(versions, '1.4.2', '.launcher-install.json');
    const intact = readFileSync(receipt, 'utf8');
    writeFileSync(receipt, intact.slice(0, 40));
    const r = await launcher(['install', '1.4.2'], { env, cwd });
    expect(r.stderr).toContain(
      `launcher: mycc 1.4.2 is damaged: its install receipt ${receipt} is not valid JSON (cut short?); installing it again\n`,
    );
    expect(r.stdout).not.toContain('already installed');
    expect(r.stdout).toContain('installed mycc 1.4.2');
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(receipt, 'utf8')).bins).toEqual({ mycc: 'bin/mycc' });
    expect(leftovers(versions)).toEqual([]);
  });

  it('exits 4 naming the request and where it came from when nothing satisfies it', async () => {
    const { server, env, cwd } = await setup();
    writeFileSync(path.join(cwd, '.tool-version'), '9\n');
    const r = await launcher(['install'], { env, cwd });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('satisfies 9');
    expect(r.stderr).toContain(path.join(cwd, '.tool-version'));
    expect(r.stderr).toContain(server.indexUrl);
  });

  it('exits 4 naming the platforms a version has when none is this machine', async () => {
    const { env, cwd } = await setup({
      versions: [
        {
          version: '1.4.2',
          platforms: [
            { os: 'plan9', arch: 'mips' },
            { os: 'aix', arch: 'ppc64' },
          ],
        },
      ],
    });
    const r = await launcher(['install', '1.4.2'], { env, cwd });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('plan9-mips, aix-ppc64');
  });

  it('uses prereleases only when the request names one', async () => {
    const { env, cwd, versions } = await setup({
      versions: [{ version: '1.4.2' }, { version: '1.5.0-rc.1' }],
    });
    expect((await launcher(['install', 'latest'], { env, cwd })).code).toBe(0);
    expect(readdirSync(versions)).toEqual(['1.4.2']);
    expect((await launcher(['install', '1.5.0-rc.1'], { env, cwd })).code).toBe(0);
    expect(readdirSync(versions).sort()).toEqual(['1.4.2', '1.5.0-rc.1']);
  });

  it('exits 6 and installs nothing when a declared bin is missing or not executable', async () => {
    const { env, cwd, versions } = await setup({
      versions: [
        { version: '1.0.0', files: { 'bin/other': 'x' } },
        { version: '1.1.0', files: { 'bin/mycc': { content: 'no x bit', mode: 0o644 } } },
      ],
    });
    for (const version of ['1.0.0', '1.1.0']) {
      const r = await launcher(['install', version], { env, cwd });
      expect(r.code).toBe(6);
      expect(r.stderr).toContain('bin mycc');
    }
    expect(readdirSync(versions)).toEqual([]);
  });

  it('installs a plain .tar whose bin is a symbolic link inside the install', async () => {
    const { env, cwd, versions } = await setup({
      versions: [
        {
          version: '1.0.0',
          gzip: false,
          entries: [
            { type: 'dir', path: 'libexec/' },
            { path: 'libexec/mycc-real', content: '#!/bin/sh\necho real "$@"\n', mode: 0o755 },
            { type: 'dir', path: 'bin/' },
            { type: 'symlink', path: 'bin/mycc', target: '../libexec/mycc-real' },
          ],
        },
      ],
    });
    const r = await launcher(['install', '1.0.0'], { env, cwd });
    expect(r.code).toBe(0);
    expect(
      execFileSync(path.join(versions, '1.0.0', 'bin', 'mycc'), ['x'], { encoding: 'utf8' }),
    ).toBe('real x\n');
  });

  it('exits 5 when the archive never arrives, with nothing installed', async () => {
    const { server, env, cwd, versions } = await setup(undefined, {
      LAUNCHER_HTTP_TIMEOUT_MS: '200',
      LAUNCHER_HTTP_RETRIES: '1',
    });
    server.misbehave(server.archivePath('1.4.2'), { hang: true }, { hang: true });
    const r = await launcher(['install', '1.4.2'], { env, cwd });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('after 2 attempts');
    expect(readdirSync(versions)).toEqual([]);
  });

  it('exits 6 on bytes that do not match the checksum: nothing installed, nothing cached', async () => {
    const { server, env, cwd, versions, home } = await setup();
    server.misbehave(server.archivePath('1.4.2'), { corrupt: true });
    const r = await launcher(['install', '1.4.2'], { env, cwd });
    expect(r.code).toBe(6);
    expect(r.stderr).toContain('does not match its checksum');
    expect(readdirSync(versions)).toEqual([]);
    // Not even the version's empty cache directory is left.
    expect(readdirSync(path.join(home, 'cache', 'downloads'))).toEqual([]);
  });

  it('takes an archive as published, whatever Content-Encoding the server says it has', async () => {
    const { server, env, cwd, versions } = await setup();
    // S3 metadata on a .tar.gz: the header, over the file's own bytes, which match the checksum.
    server.misbehave(server.archivePath('1.4.2'), { headers: { 'content-encoding': 'gzip' } });
    const r = await launcher(['install', '1.4.2'], { env, cwd });
    expect(r.code).toBe(0);
    expect(readdirSync(versions)).toEqual(['1.4.2']);
  });

  it('exits 6 when the server compresses the archive on the way, naming the Content-Encoding', async () => {
    const { server, env, cwd, versions } = await setup();
    server.misbehave(server.archivePath('1.4.2'), { encode: 'gzip' });
    const r = await launcher(['install', '1.4.2'], { env, cwd });
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/the download of mycc 1\.4\.2 .* the index says/);
    expect(r.stderr).toContain('The server sent it with Content-Encoding: gzip');
    expect(readdirSync(versions)).toEqual([]);
  });

  it('refuses plain http to a host that is not this machine (exit 2)', async () => {
    const { env, cwd } = await setup(undefined, {
      LAUNCHER_DIST_URL: 'http://dist.example.com/index.json',
    });
    const r = await launcher(['install', '1.4.2'], { env, cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('refusing plain http to dist.example.com');
    // The checksums come from the index: the hint may not call LAUNCHER_ALLOW_INSECURE safe
    // thanks to them when the index itself would come over plain http.
    expect(r.stderr).not.toContain('still checked by sha256');
    expect(r.stderr).toContain('LAUNCHER_ALLOW_INSECURE=1');
    expect(r.stderr).toContain('only as much as the index itself');
  });

  it('says how to configure the index when none is set (exit 2)', async () => {
    const { env, cwd } = await setup(undefined, { LAUNCHER_DIST_URL: '' });
    const r = await launcher(['install', '1.4.2'], { env, cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('LAUNCHER_DIST_URL');
  });

  it('installs from a file: index with relative archive URLs', async () => {
    const { server, env, cwd, versions } = await setup();
    const dist = tempDir('launcher-dist-');
    mkdirSync(path.join(dist, 'archives'));
    writeFileSync(path.join(dist, server.archivePath('1.4.2')), server.archive('1.4.2'));
    writeFileSync(path.join(dist, 'index.json'), JSON.stringify(server.index));
    const r = await launcher(['install', '1.4.2'], {
      env: { ...env, LAUNCHER_DIST_URL: new URL(`file://${dist}/index.json`).href },
      cwd,
    });
    expect(r.code).toBe(0);
    expect(readdirSync(versions)).toEqual(['1.4.2']);
    expect(server.requests).toEqual([]);
  });

  it('names the directory it may not write, without calling it a bug (exit 1), and leaves nothing', async () => {
    const { env, cwd, home, versions } = await setup();
    mkdirSync(versions, { recursive: true });
    // The home is open to the launcher, its versions/ directory is not.
    const user = asUserWithoutPrivileges(home, cwd);
    chmodSync(versions, 0o555);
    const r = await launcher(['install', '1.4.2'], { env, cwd, ...user });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot use ${versions}`);
    expect(r.stderr).toContain('permission denied');
    expect(r.stderr).toMatch(/\n\nCheck who owns it and its mode, or set LAUNCHER_HOME/);
    expect(r.stderr).not.toMatch(/bug|internal error|\n\s+at /);
    expect(readdirSync(versions)).toEqual([]);
  });

  it('reports a download it may not write as such (exit 1), without retrying it as a network error', async () => {
    const { env, cwd, home } = await setup();
    const downloads = path.join(home, 'cache', 'downloads', '1.4.2');
    mkdirSync(downloads, { recursive: true });
    const user = asUserWithoutPrivileges(
      home,
      path.join(home, 'cache'),
      path.join(home, 'cache', 'downloads'),
      cwd,
    );
    chmodSync(downloads, 0o555);
    const r = await launcher(['install', '1.4.2'], { env, cwd, ...user });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot use ${downloads}`);
    expect(r.stderr).toContain('permission denied');
    expect(r.stderr).not.toMatch(/network|retry|bug|internal error/i);
    // Nothing was written there, and a failed download leaves no empty directory behind.
    expect(existsSync(downloads)).toBe(false);
  });

  it('names the partial download a refused write was filling, and resumes it once it can be written', async () => {
    // Incompressible: the archive is larger than the limit below.
    const content = randomBytes(200_000);
    const { server, env, cwd, home, versions } = await setup({
      versions: [{ version: '1.4.2', files: { 'bin/mycc': { content, mode: 0o755 } } }],
    });
    const r = await launcherWithFileLimit(64, ['install', '1.4.2'], { env, cwd });
    expect(r.code).toBe(1);
    const downloads = path.join(home, 'cache', 'downloads', '1.4.2');
    const part = readdirSync(downloads).find((n) => n.endsWith('.part'));
    expect(part).toBeDefined();
    expect(r.stderr).toContain(
      `cannot write ${path.join(downloads, part!)} (write): file too large`,
    );
    expect(r.stderr).toMatch(/\n\nRaise the file size limit/);
    expect(r.stderr).toContain(`What arrived is kept in ${path.join(downloads, part!)}`);
    expect(r.stderr).not.toMatch(/network|retry|bug|internal error/i);
    expect(server.count(server.archivePath('1.4.2'))).toBe(1);
    expect(readdirSync(versions)).toEqual([]);
    // As the hint says: the next install continues the partial download.
    const again = await launcher(['install', '1.4.2'], { env, cwd });
    expect(again.code).toBe(0);
    const hits = server.requests.filter((h) => h.path === server.archivePath('1.4.2'));
    expect(hits.map((h) => h.status)).toEqual([200, 206]);
  });

  it('removes a partial download a refused write cut short when the server gives no validator', async () => {
    const content = randomBytes(200_000);
    const { server, env, cwd, home } = await setup({
      versions: [{ version: '1.4.2', files: { 'bin/mycc': { content, mode: 0o755 } } }],
    });
    server.misbehave(server.archivePath('1.4.2'), { noValidators: true });
    const r = await launcherWithFileLimit(64, ['install', '1.4.2'], { env, cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot write .*\.part \(write\): file too large/);
    // No ETag, no Last-Modified: nothing could resume it, so the hint does not promise it.
    expect(r.stderr).toContain(
      'Nothing of the partial file is kept: the next install starts it over.',
    );
    expect(existsSync(path.join(home, 'cache', 'downloads', '1.4.2'))).toBe(false);
  });

  it('removes a copy from a file: index that a refused write cut short: it is never continued', async () => {
    const content = randomBytes(200_000);
    const { server, env, cwd, home, versions } = await setup({
      versions: [{ version: '1.4.2', files: { 'bin/mycc': { content, mode: 0o755 } } }],
    });
    const dist = tempDir('launcher-dist-');
    mkdirSync(path.join(dist, 'archives'));
    writeFileSync(path.join(dist, server.archivePath('1.4.2')), server.archive('1.4.2'));
    writeFileSync(path.join(dist, 'index.json'), JSON.stringify(server.index));
    const local = { ...env, LAUNCHER_DIST_URL: new URL(`file://${dist}/index.json`).href };
    const r = await launcherWithFileLimit(64, ['install', '1.4.2'], { env: local, cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot write .*\.part \(write\): file too large/);
    expect(r.stderr).toContain(
      'Nothing of the partial file is kept: the next install starts it over.',
    );
    // Nothing of it is left to hold space on a full disk.
    expect(existsSync(path.join(home, 'cache', 'downloads', '1.4.2'))).toBe(false);
    expect(readdirSync(versions)).toEqual([]);
  });

  it('names the file being unpacked when its write is refused, and keeps the verified archive', async () => {
    // A megabyte of zeros: a small archive, a large file once unpacked.
    const content = Buffer.alloc(1 << 20);
    const { server, env, cwd, home, versions } = await setup({
      versions: [{ version: '1.4.2', files: { 'bin/mycc': { content, mode: 0o755 } } }],
    });
    const r = await launcherWithFileLimit(64, ['install', '1.4.2'], { env, cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `cannot write ${versions}/\\.staging-1\\.4\\.2-[0-9a-f]+/bin/mycc \\(write\\): file too large`,
      ),
    );
    expect(r.stderr).toContain('the verified archive stays in the download cache');
    expect(r.stderr).not.toMatch(/damaged|bug|internal error/i);
    expect(readdirSync(versions)).toEqual([]);
    const downloads = path.join(home, 'cache', 'downloads', '1.4.2');
    expect(readdirSync(downloads)).toHaveLength(1);
    // The next install unpacks the cached archive without downloading it again.
    const again = await launcher(['install', '1.4.2'], { env, cwd });
    expect(again.code).toBe(0);
    expect(server.count(server.archivePath('1.4.2'))).toBe(1);
  });
});
