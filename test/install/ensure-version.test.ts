// ensureVersion, the shim path's way in: installed first without network, else auto-install,
// and the documented refusals. Also: the installed path loads neither undici nor tar.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LauncherContext } from '../../src/context.js';
import { ensureVersion } from '../../src/install/ensure-version.js';
import { parseRequest } from '../../src/version/request.js';
import type { SourcedRequest } from '../../src/version/requested.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { startDistServerForTest } from '../helpers/dist-server.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { placeVersion } from '../helpers/store.js';

async function setup(extra: NodeJS.ProcessEnv = {}) {
  const server = await startDistServerForTest({
    versions: [{ version: '1.4.1' }, { version: '1.4.2' }, { version: '1.5.0-beta.1' }],
  });
  const env = cleanEnv({ LAUNCHER_DIST_URL: server.indexUrl, ...extra });
  const cwd = tempDir('launcher-project-');
  const ctx = (more: NodeJS.ProcessEnv = {}) => new LauncherContext({ ...env, ...more }, cwd);
  const sourced = (raw: string): SourcedRequest => ({
    request: parseRequest(raw),
    source: 'file',
    origin: path.join(cwd, '.tool-version'),
    projectRoot: cwd,
  });
  const lines: string[] = [];
  const progress = { write: (s: string) => lines.push(s) } as unknown as NodeJS.WritableStream;
  return { server, env, home: env.LAUNCHER_HOME!, ctx, sourced, progress, lines, cwd };
}

describe('ensureVersion', () => {
  it('returns the highest installed version that satisfies the request, without any request to the server', async () => {
    const { server, home, ctx, sourced, progress } = await setup();
    placeVersion(home, '1.4.1');
    const got = await ensureVersion(ctx(), sourced('1.4'), { progress });
    expect(got).toEqual({
      version: '1.4.1',
      dir: path.join(home, 'versions', '1.4.1'),
      installedNow: false,
    });
    expect(server.requests).toEqual([]);
  });

  it('installs the highest satisfying version of the index when none is installed', async () => {
    const { home, ctx, sourced, progress, lines } = await setup();
    const got = await ensureVersion(ctx(), sourced('1.4'), { progress });
    expect(got).toEqual({
      version: '1.4.2',
      dir: path.join(home, 'versions', '1.4.2'),
      installedNow: true,
    });
    expect(existsSync(path.join(got.dir, '.launcher-install.json'))).toBe(true);
    expect(existsSync(path.join(home, 'shims', 'mycc'))).toBe(true);
    expect(lines.join('')).toContain('launcher: installed mycc 1.4.2');
  });

  it('prints nothing when quiet', async () => {
    const { ctx, sourced, progress, lines } = await setup();
    await ensureVersion(ctx(), sourced('1.4.2'), { progress, quiet: true });
    expect(lines).toEqual([]);
  });

  it('takes a prerelease only when the request names one', async () => {
    const { ctx, sourced, progress } = await setup();
    expect((await ensureVersion(ctx(), sourced('latest'), { progress })).version).toBe('1.4.2');
    expect((await ensureVersion(ctx(), sourced('1.5.0-beta.1'), { progress })).version).toBe(
      '1.5.0-beta.1',
    );
  });

  it('exits 7 with a hint to run launcher install when auto-install is off', async () => {
    const { server, ctx, sourced, progress, cwd } = await setup({ LAUNCHER_AUTO_INSTALL: '0' });
    await expect(ensureVersion(ctx(), sourced('1.4'), { progress })).rejects.toMatchObject({
      code: 'E_NOT_INSTALLED',
      exitCode: 7,
      message: expect.stringContaining(path.join(cwd, '.tool-version')),
      hint: expect.stringContaining('launcher install'),
    });
    expect(server.requests).toEqual([]);
  });

  it('exits 7 when offline and the index is not cached', async () => {
    const { server, ctx, sourced, progress } = await setup({ LAUNCHER_OFFLINE: '1' });
    await expect(ensureVersion(ctx(), sourced('1.4'), { progress })).rejects.toMatchObject({
      code: 'E_OFFLINE',
      exitCode: 7,
      hint: expect.stringContaining('launcher install'),
    });
    expect(server.requests).toEqual([]);
  });

  it('installs offline from the cached index and archive, without any request', async () => {
    const { server, home, ctx, sourced, progress } = await setup();
    await ensureVersion(ctx(), sourced('1.4.2'), { progress });
    rmSync(path.join(home, 'versions', '1.4.2'), { recursive: true });
    const before = server.requests.length;
    const got = await ensureVersion(ctx({ LAUNCHER_OFFLINE: '1' }), sourced('1.4.2'), { progress });
    expect(got.installedNow).toBe(true);
    expect(server.requests.length).toBe(before);
  });

  it('exits 4 naming the request and its origin when nothing in the index satisfies it', async () => {
    const { ctx, sourced, progress, cwd } = await setup();
    await expect(ensureVersion(ctx(), sourced('^3'), { progress })).rejects.toMatchObject({
      code: 'E_NO_MATCH',
      exitCode: 4,
      message: expect.stringContaining(`satisfies ^3 (set by ${path.join(cwd, '.tool-version')})`),
    });
  });

  it('exits 4 offline when nothing in the cached index satisfies the request, asking nothing', async () => {
    const { server, ctx, sourced, progress, cwd } = await setup();
    await ensureVersion(ctx(), sourced('1.4.2'), { progress }); // caches the index
    const before = server.requests.length;
    await expect(
      ensureVersion(ctx({ LAUNCHER_OFFLINE: '1' }), sourced('^3'), { progress }),
    ).rejects.toMatchObject({
      code: 'E_NO_MATCH',
      exitCode: 4,
      message: `no version of mycc in ${server.indexUrl} satisfies ^3 (set by ${path.join(cwd, '.tool-version')})`,
    });
    expect(server.requests.length).toBe(before);
  });

  it('does not count a version directory without receipt, and replaces it', async () => {
    const { home, ctx, sourced, progress } = await setup();
    placeVersion(home, '1.4.2', { receipt: false });
    const got = await ensureVersion(ctx(), sourced('1.4.2'), { progress });
    expect(got.installedNow).toBe(true);
    expect(readFileSync(path.join(got.dir, 'bin', 'mycc'), 'utf8')).toContain('mycc 1.4.2');
  });
});

/** Every module the compiled file reaches through static imports (dynamic `import()` excluded). */
function staticGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    if (!file.startsWith('/')) return;
    const code = readFileSync(file, 'utf8');
    for (const match of code.matchAll(
      /^(?:import|export)\s[^;]*?from\s+'([^']+)'|^import\s+'([^']+)'/gm,
    )) {
      const spec = (match[1] ?? match[2])!;
      visit(spec.startsWith('.') ? path.resolve(path.dirname(file), spec) : spec);
    }
  };
  visit(entry);
  return seen;
}

describe('the shim path stays lean', () => {
  const heavy = (graph: Set<string>) =>
    [...graph].filter(
      (m) => m === 'undici' || m === 'tar' || m.startsWith('undici/') || m.startsWith('tar/'),
    );

  it('reaches neither undici nor tar through static imports of ensure-version', () => {
    const graph = staticGraph(path.join(REPO_ROOT, 'dist', 'install', 'ensure-version.js'));
    expect(graph.size).toBeGreaterThan(3);
    expect(heavy(graph)).toEqual([]);
    // The install machinery is behind a dynamic import.
    expect([...graph].some((m) => m.endsWith('install-request.js'))).toBe(false);
  });

  it('loads undici and tar only in the installer that fetches and unpacks, not in one that waits', () => {
    const graph = staticGraph(path.join(REPO_ROOT, 'dist', 'install', 'install-request.js'));
    expect([...graph].some((m) => m.endsWith('install-lock.js'))).toBe(true);
    expect(heavy(graph)).toEqual([]);
  });
});
