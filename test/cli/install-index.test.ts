// End to end: `launcher list-remote`, and what `install` and `list-remote` do with a bad index.
import { once } from 'node:events';
import { existsSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { launcher } from '../helpers/cli.js';
import { thisMachineArtifact as artifact, startDistServerForTest } from '../helpers/dist-server.js';
import { cleanEnv, tempDir } from '../helpers/env.js';

async function setup() {
  const server = await startDistServerForTest({
    versions: [
      { version: '1.3.0', published: '2025-11-01T00:00:00Z' },
      { version: '2.0.0-rc.1' },
      { version: '1.4.2', published: '2026-01-10T00:00:00Z' },
      { version: '1.10.0', platforms: [{ os: 'plan9', arch: 'mips' }] },
    ],
  });
  const env = cleanEnv({ LAUNCHER_DIST_URL: server.indexUrl });
  return { server, env, cwd: tempDir('launcher-project-'), home: env.LAUNCHER_HOME! };
}

describe('launcher list-remote', () => {
  it('prints the JSON shape of the contract, highest first, marking installed versions', async () => {
    const { env, cwd } = await setup();
    expect((await launcher(['install', '1.4.2', '--quiet'], { env, cwd })).code).toBe(0);
    const r = await launcher(['list-remote', '--json'], { env, cwd });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      { version: '2.0.0-rc.1', installed: false },
      { version: '1.10.0', installed: false },
      { version: '1.4.2', installed: true, published: '2026-01-10T00:00:00Z' },
      { version: '1.3.0', installed: false, published: '2025-11-01T00:00:00Z' },
    ]);
  });

  it('lists only the versions that satisfy a request', async () => {
    const { env, cwd } = await setup();
    const r = await launcher(['list-remote', '1', '--json'], { env, cwd });
    expect(JSON.parse(r.stdout).map((e: { version: string }) => e.version)).toEqual([
      '1.10.0',
      '1.4.2',
      '1.3.0',
    ]);
  });

  it('prints one line per version, saying which have no build for this machine', async () => {
    const { env, cwd } = await setup();
    const r = await launcher(['list-remote'], { env, cwd });
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['2.0.0-rc.1', '1.10.0', '1.4.2', '1.3.0']);
    expect(lines[1]).toContain(`no ${process.platform}-${process.arch} build`);
    expect(lines[2]).toContain('2026-01-10');
  });

  it.each([[[]], [['--json']]])(
    'exits 4 when no version satisfies the request, naming the index and the request (%j)',
    async (json) => {
      const { server, env, cwd } = await setup();
      const r = await launcher(['list-remote', '9', ...json], { env, cwd });
      expect(r).toMatchObject({
        code: 4,
        stdout: '',
        stderr:
          `launcher: no version of mycc in ${server.indexUrl} satisfies 9\n\n` +
          'The newest are 2.0.0-rc.1, 1.10.0, 1.4.2, 1.3.0; see them all with `launcher list-remote` (without a request).\n',
      });
      // A prerelease matches only a request that names one: 2 is not satisfied by 2.0.0-rc.1.
      expect((await launcher(['list-remote', '2', ...json], { env, cwd })).code).toBe(4);
    },
  );

  it('lists nothing, with exit 0, when the index lists no versions and nothing was asked', async () => {
    const server = await startDistServerForTest({ versions: [] });
    const env = cleanEnv({ LAUNCHER_DIST_URL: server.indexUrl });
    const cwd = tempDir('launcher-project-');
    const json = await launcher(['list-remote', '--json'], { env, cwd });
    expect(json).toMatchObject({ code: 0, stdout: '[]\n', stderr: '' });
    const text = await launcher(['list-remote'], { env, cwd });
    expect(text).toMatchObject({
      code: 0,
      stdout: '',
      stderr: `no version of mycc in ${server.indexUrl}\n`,
    });
    const asked = await launcher(['list-remote', '1', '--json'], { env, cwd });
    expect(asked).toMatchObject({ code: 4, stdout: '' });
    expect(asked.stderr).toBe(
      `launcher: no version of mycc in ${server.indexUrl} satisfies 1\n\n` +
        'The index lists no versions at all: check that LAUNCHER_DIST_URL (or distUrl in ' +
        'config.json) names the right index, or ask its publisher (the compiler vendor).\n',
    );
  });

  it('works offline from the cached index, and exits 7 when there is none', async () => {
    const { server, env, cwd } = await setup();
    const offline = { ...env, LAUNCHER_OFFLINE: '1' };
    const cold = await launcher(['list-remote'], { env: offline, cwd });
    expect(cold.code).toBe(7);
    expect(cold.stderr).toContain(server.indexUrl);
    expect((await launcher(['list-remote'], { env, cwd })).code).toBe(0);
    const before = server.requests.length;
    const warm = await launcher(['list-remote', '--json'], { env: offline, cwd });
    expect(warm.code).toBe(0);
    expect(JSON.parse(warm.stdout)).toHaveLength(4);
    expect(server.requests.length).toBe(before);
  });
});

describe('a bad index', () => {
  const cases: Array<[string, Record<string, unknown> | string, string]> = [
    [
      'a newer schema',
      { schema: 2, tool: 'mycc', versions: [{ version: '1.0.0', artifacts: [artifact()] }] },
      'is in schema 2, newer than this launcher reads (schema 1)\n\nUpgrade launcher',
    ],
    [
      'a missing sha256',
      {
        schema: 1,
        tool: 'mycc',
        versions: [{ version: '1.0.0', artifacts: [artifact({ sha256: undefined })] }],
      },
      'version "1.0.0"',
    ],
    [
      'an invalid version',
      { schema: 1, tool: 'mycc', versions: [{ version: '1.0.0.7', artifacts: [artifact()] }] },
      'version "1.0.0.7"',
    ],
    [
      'a bin path ../x',
      {
        schema: 1,
        tool: 'mycc',
        versions: [{ version: '1.0.0', bins: { mycc: '../x' }, artifacts: [artifact()] }],
      },
      'version "1.0.0"',
    ],
    // Strings that are printed, refused with their control characters shown escaped.
    [
      'text that is not JSON, carrying escape sequences (V8 quotes it in its message)',
      '\u001b[2J\u001b[H\u001b]0;PWNED\u0007',
      'it is not JSON',
    ],
    [
      'an os carrying escape sequences',
      {
        schema: 1,
        tool: 'mycc',
        versions: [{ version: '1.0.0', artifacts: [artifact({ os: 'lin\u001b[2Kux\rEVIL' })] }],
      },
      'version "1.0.0": artifact #1: "os" must be',
    ],
    [
      'an arch carrying a C1 control',
      {
        schema: 1,
        tool: 'mycc',
        versions: [{ version: '1.0.0', artifacts: [artifact({ arch: 'x64\u009b2K' })] }],
      },
      'version "1.0.0": artifact #1: "arch" must be',
    ],
    [
      'a published date carrying escape sequences',
      {
        schema: 1,
        tool: 'mycc',
        versions: [
          {
            version: '1.0.0',
            published: '\u001b]0;X\u0007\u001b[1A\u001b[2K',
            artifacts: [artifact()],
          },
        ],
      },
      'version "1.0.0": "published" must be',
    ],
    [
      'a url carrying an escape sequence',
      {
        schema: 1,
        tool: 'mycc',
        versions: [{ version: '1.0.0', artifacts: [artifact({ url: 'a.tar.gz\u001b[2K' })] }],
      },
      'version "1.0.0": artifact #1: "url" must be',
    ],
    [
      'a bin path carrying an escape sequence',
      {
        schema: 1,
        tool: 'mycc',
        versions: [
          { version: '1.0.0', bins: { mycc: 'bin/\u001b[2Kmycc' }, artifacts: [artifact()] },
        ],
      },
      'version "1.0.0": bin mycc',
    ],
    [
      'a version carrying a C1 control',
      {
        schema: 1,
        tool: 'mycc',
        versions: [{ version: '1.0.0\u009b2K', artifacts: [artifact()] }],
      },
      'version "1.0.0\\u009b2K"',
    ],
  ];

  it('that is not UTF-8: list-remote and install exit 2 naming the URL, over HTTP and from a file', async () => {
    const { server, env, cwd, home } = await setup();
    // A byte that is not UTF-8 in a free-text field: read leniently, it would be a U+FFFD there,
    // and the index would pass for a good one.
    const good = Buffer.from(
      JSON.stringify({
        schema: 1,
        tool: 'mycc',
        bins: { othercc: 'bin/othercc' },
        versions: [{ version: '1.0.0', published: 'X', artifacts: [artifact()] }],
      }),
    );
    const bytes = Buffer.from(good);
    bytes[bytes.indexOf('X')] = 0xff;
    server.setIndex(bytes);
    const file = path.join(tempDir(), 'index.json');
    writeFileSync(file, bytes);
    for (const url of [server.indexUrl, pathToFileURL(file).href]) {
      for (const args of [['list-remote'], ['install', '1.0.0']]) {
        const r = await launcher(args, { env: { ...env, LAUNCHER_DIST_URL: url }, cwd });
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(`invalid distribution index ${url}: it is not UTF-8 text`);
      }
    }
    expect(existsSync(path.join(home, 'versions', '1.0.0'))).toBe(false);
    // Nor does rehash write the shims of such a local index's bins, as it does of a good one's.
    const shim = path.join(home, 'shims', 'othercc');
    const rehash = (url: string) =>
      launcher(['rehash'], { env: { ...env, LAUNCHER_DIST_URL: url }, cwd });
    expect((await rehash(pathToFileURL(file).href)).code).toBe(0);
    expect(existsSync(shim)).toBe(false);
    writeFileSync(file, good);
    expect((await rehash(pathToFileURL(file).href)).code).toBe(0);
    expect(existsSync(shim)).toBe(true);
  });

  it.each(cases)(
    'with %s: list-remote and install exit 2 naming the URL and the version',
    async (_what, doc, words) => {
      const { server, env, cwd, home } = await setup();
      server.setIndex(doc);
      for (const args of [['list-remote'], ['install', '1.0.0']]) {
        const r = await launcher(args, { env, cwd });
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(`distribution index ${server.indexUrl}`);
        expect(r.stderr).toContain(words);
        expect(r.stderr).not.toContain('internal error');
        // Nothing from the index reaches the terminal as a control character (newlines apart).
        expect(r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
      }
      expect(server.requests.filter((r) => r.path !== '/index.json')).toEqual([]);
      expect(existsSync(path.join(home, 'versions', '1.0.0'))).toBe(false);
    },
  );

  it('served with a Content-Encoding carrying a C1 control: exit 2, the value shown escaped', async () => {
    // A header value is bytes: U+009B (CSI, ESC [ to many terminals) gets through HTTP.
    const server = http.createServer((_req, res) => {
      res.setHeader('content-encoding', 'x\u009b2J');
      res.end('{}');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const env = cleanEnv({ LAUNCHER_DIST_URL: `http://127.0.0.1:${port}/index.json` });
      const r = await launcher(['list-remote'], { env, cwd: tempDir() });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('which launcher cannot decode');
      expect(r.stderr).toContain('\\u009b2J');
      expect(r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    } finally {
      server.close();
    }
  });
});
