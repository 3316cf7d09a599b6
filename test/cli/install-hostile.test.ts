// Security regressions: hostile archives, built byte by byte in the test, are refused whole
// (exit 6) before anything lands outside the staging directory, and nothing stays in versions/;
// the modes of an accepted archive are kept only as plain permissions.

import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { launcher, launcherWithUmask } from '../helpers/cli.js';
import { startDistServerForTest, type TarEntry } from '../helpers/dist-server.js';
import { cleanEnv, tempDir } from '../helpers/env.js';

const GOOD: TarEntry[] = [
  { type: 'dir', path: 'bin/' },
  { path: 'bin/mycc', content: '#!/bin/sh\necho ok\n', mode: 0o755 },
];

/**
 * Serve an archive of `entries` (after a good bin, so the first entries really are written),
 * run `launcher install`, and return what the test needs to look around.
 */
async function installHostile(entries: (outside: string) => TarEntry[]) {
  const env = cleanEnv();
  const home = env.LAUNCHER_HOME!;
  // A directory beside versions/: "../../outside" from a staging directory in versions/.
  const outside = path.join(home, 'outside');
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'secret'), 'do not touch');
  const server = await startDistServerForTest({
    versions: [{ version: '1.0.0', entries: [...GOOD, ...entries(outside)] }],
  });
  const result = await launcher(['install', '1.0.0'], {
    env: { ...env, LAUNCHER_DIST_URL: server.indexUrl },
    cwd: tempDir('launcher-project-'),
  });
  const versions = path.join(home, 'versions');
  return { result, home, outside, versions, cache: path.join(home, 'cache', 'downloads', '1.0.0') };
}

function expectRefused(r: Awaited<ReturnType<typeof installHostile>>) {
  expect(r.result.code).toBe(6);
  expect(r.result.stderr).toContain('refusing to unpack mycc 1.0.0');
  expect(readdirSync(r.versions)).toEqual([]);
  expect(readdirSync(r.outside)).toEqual(['secret']);
  expect(statSync(path.join(r.outside, 'secret')).nlink).toBe(1);
  expect(readdirSync(r.home).sort()).toEqual(['cache', 'outside', 'versions']);
}

describe('hostile archives', () => {
  it('refuses an entry with an absolute path', async () => {
    const r = await installHostile((outside) => [
      { path: path.join(outside, 'absolute'), content: 'x' },
    ]);
    expectRefused(r);
    expect(r.result.stderr).toContain('is an absolute path');
  });

  it('refuses an entry that climbs out with ../', async () => {
    const r = await installHostile(() => [
      { path: '../../outside/dotdot', content: 'x' },
      { path: '../escaped', content: 'x' },
    ]);
    expectRefused(r);
    expect(r.result.stderr).toContain('contains ..');
  });

  it('refuses a symbolic link to /etc and the file written through it', async () => {
    const name = `launcher-test-${randomBytes(6).toString('hex')}`;
    const r = await installHostile(() => [
      { type: 'symlink', path: 'etc', target: '/etc' },
      { path: `etc/${name}`, content: 'x' },
    ]);
    expectRefused(r);
    expect(existsSync(`/etc/${name}`)).toBe(false);
    expect(r.result.stderr).toContain('points outside the install');
  });

  it('refuses a relative symbolic link that leads outside, and the file written through it', async () => {
    const r = await installHostile(() => [
      { type: 'symlink', path: 'out', target: '../../outside' },
      { path: 'out/through-link', content: 'x' },
    ]);
    expectRefused(r);
  });

  it('refuses a file written through a symbolic link even when the link points inside', async () => {
    const r = await installHostile(() => [
      { type: 'dir', path: 'p/' },
      { type: 'symlink', path: 'p/q', target: '..' },
      { type: 'symlink', path: 'p/q/r', target: '..' },
      { path: 'p/q/r/outside/chained', content: 'x' },
    ]);
    expectRefused(r);
    expect(r.result.stderr).toContain('written through the symbolic link p/q');
  });

  it('refuses a symbolic link that a later link turns outward (a -> b/.., then b -> .)', async () => {
    // Judged alone, "a" stays inside (b is not a link yet); once b -> . exists, a resolves to
    // the parent of the install, so only the check after the last entry catches it.
    const r = await installHostile(() => [
      { type: 'symlink', path: 'a', target: 'b/..' },
      { type: 'symlink', path: 'b', target: '.' },
    ]);
    expectRefused(r);
    expect(r.result.stderr).toContain('the symbolic link "a" points outside the install');
  });

  it('refuses a hard link to a file outside the install', async () => {
    const r = await installHostile(() => [
      { type: 'hardlink', path: 'stolen', target: '../../outside/secret' },
    ]);
    expectRefused(r);
    expect(r.result.stderr).toContain('hard link');
  });

  it('refuses a hard link with an absolute target', async () => {
    const r = await installHostile((outside) => [
      { type: 'hardlink', path: 'stolen', target: path.join(outside, 'secret') },
    ]);
    expectRefused(r);
  });

  it('refuses a character device node', async () => {
    const r = await installHostile(() => [
      { type: 'chardev', path: 'bin/null', major: 1, minor: 3 },
    ]);
    expectRefused(r);
    expect(r.result.stderr).toContain('is a character device');
  });

  it('refuses a block device node', async () => {
    const r = await installHostile(() => [{ type: 'blockdev', path: 'disk', major: 8, minor: 0 }]);
    expectRefused(r);
    expect(r.result.stderr).toContain('is a block device');
  });

  it('refuses a fifo', async () => {
    const r = await installHostile(() => [{ type: 'fifo', path: 'pipe' }]);
    expectRefused(r);
    expect(r.result.stderr).toContain('is a fifo');
  });

  it('drops the cached archive of a refused install, and its empty directory', async () => {
    const r = await installHostile(() => [{ type: 'fifo', path: 'pipe' }]);
    expectRefused(r);
    expect(existsSync(r.cache)).toBe(false);
  });
});

describe('modes from the archive', () => {
  // Entries whose modes ask for what an install must never get: set-uid, set-gid and sticky
  // bits, and write permission for everyone.
  const RISKY: TarEntry[] = [
    ...GOOD,
    { path: 'bin/setuid', content: '#!/bin/sh\nid\n', mode: 0o4777 },
    { path: 'bin/setgid', content: '#!/bin/sh\nid\n', mode: 0o2755 },
    { type: 'dir', path: 'shared/', mode: 0o3777 },
    { path: 'shared/open', content: 'x', mode: 0o777 },
    { path: 'shared/sticky', content: 'x', mode: 0o1644 },
    // A directory the archive does not list, which node-tar creates with its default mode.
    { path: 'implied/file', content: 'x', mode: 0o644 },
  ];

  // This suite runs as root on CI, where node-tar alone would create a set-uid root program.
  it.each([
    // The usual umask applies on top, as it does for any file the user creates.
    { umask: '022', exec: 0o755, dir: 0o755 },
    // No umask at all still gives no one else write permission.
    { umask: '000', exec: 0o775, dir: 0o775 },
  ])('drops set-uid, set-gid, sticky and world-write bits under umask $umask', async (expected) => {
    const env = cleanEnv();
    const server = await startDistServerForTest({
      versions: [{ version: '1.0.0', entries: RISKY }],
    });
    const r = await launcherWithUmask(expected.umask, ['install', '1.0.0'], {
      env: { ...env, LAUNCHER_DIST_URL: server.indexUrl },
      cwd: tempDir('launcher-project-'),
    });
    expect(r.code, r.stderr).toBe(0);
    const root = path.join(env.LAUNCHER_HOME!, 'versions', '1.0.0');
    const mode = (rel: string) => (statSync(path.join(root, rel)).mode & 0o7777).toString(8);
    expect({
      setuid: mode('bin/setuid'),
      setgid: mode('bin/setgid'),
      shared: mode('shared'),
      open: mode('shared/open'),
      sticky: mode('shared/sticky'),
      implied: mode('implied'),
    }).toEqual({
      setuid: expected.exec.toString(8),
      setgid: (expected.exec & ~0o020).toString(8),
      shared: expected.dir.toString(8),
      open: expected.exec.toString(8),
      sticky: '644',
      implied: expected.dir.toString(8),
    });
  });
});

describe("an archive's own receipt file", () => {
  // The receipt is launcher's word that the version is installed: the archive's file of that
  // name is deleted and a new one created, never written through or into.
  it.each([
    {
      shape: 'a symbolic link to the bin',
      entry: { type: 'symlink', path: '.launcher-install.json', target: 'bin/mycc' } as TarEntry,
      inside: [] as TarEntry[],
    },
    {
      shape: 'a directory',
      entry: { type: 'dir', path: '.launcher-install.json/' } as TarEntry,
      inside: [{ path: '.launcher-install.json/planted', content: 'x' }] as TarEntry[],
    },
  ])('is replaced by launcher’s own when it is $shape', async ({ entry, inside }) => {
    const env = cleanEnv();
    const server = await startDistServerForTest({
      versions: [{ version: '1.0.0', entries: [...GOOD, entry, ...inside] }],
    });
    const r = await launcher(['install', '1.0.0'], {
      env: { ...env, LAUNCHER_DIST_URL: server.indexUrl },
      cwd: tempDir('launcher-project-'),
    });
    expect(r.code, r.stderr).toBe(0);
    const root = path.join(env.LAUNCHER_HOME!, 'versions', '1.0.0');
    const receipt = path.join(root, '.launcher-install.json');
    expect(lstatSync(receipt).isFile()).toBe(true);
    expect(JSON.parse(readFileSync(receipt, 'utf8'))).toMatchObject({
      version: '1.0.0',
      sha256: createHash('sha256').update(server.archive('1.0.0')).digest('hex'),
    });
    expect(readFileSync(path.join(root, 'bin', 'mycc'), 'utf8')).toBe('#!/bin/sh\necho ok\n');
  });
});
