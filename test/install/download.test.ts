// Downloads against a real loopback server that misbehaves on demand: resume, retries, timeouts,
// wrong bytes, refused ranges, and the verified cache.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  watch,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/index/http-client.js';
import { obtainArchive } from '../../src/install/download.js';
import { archiveFile, partialFiles } from '../../src/install/layout.js';
import { createProgress } from '../../src/install/progress.js';
import { byteLimit, MAX_UNSIZED_BYTES } from '../../src/install/verify.js';
import { launcherPaths } from '../../src/paths.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { sha256, startDistServerForTest } from '../helpers/dist-server.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { asUserWithoutPrivileges } from '../helpers/other-user.js';
import { placeLoosePartial } from '../helpers/store.js';
import { within } from '../helpers/within.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

// Incompressible content, so the archive is large enough to cut in half meaningfully.
const bigFile = randomBytes(200_000);

// `onLine` sees each progress line as it is written, while the download runs.
async function setup(env: NodeJS.ProcessEnv = {}, onLine: (line: string) => void = () => {}) {
  const server = await startDistServerForTest({
    versions: [{ version: '1.0.0', files: { 'bin/mycc': { content: bigFile, mode: 0o755 } } }],
  });
  const fullEnv = cleanEnv({
    LAUNCHER_HTTP_RETRY_DELAY_MS: '5',
    LAUNCHER_HTTP_TIMEOUT_MS: '2000',
    ...env,
  });
  const client = new HttpClient(fullEnv);
  // In afterEach, so before the server, which closes when the test ends.
  cleanups.push(() => client.close());
  const paths = launcherPaths(fullEnv);
  const archivePath = server.archivePath('1.0.0');
  const url = new URL(archivePath, server.url);
  const bytes = server.archive('1.0.0');
  const artifact = (
    server.index.versions as Array<{ artifacts: Array<{ sha256: string; size: number }> }>
  )[0]!.artifacts[0]!;
  const lines: string[] = [];
  const output = {
    write: (s: string) => {
      lines.push(s);
      onLine(s);
    },
  } as unknown as NodeJS.WritableStream;
  const archive = archiveFile(paths, '1.0.0', artifact.sha256, url);
  const partial = partialFiles(archive);
  // `from`: another URL of the same file name (so the same place in the cache), a `file:` one.
  const download = (
    expected: { sha256?: string; size?: number | undefined } = {},
    { signal, from = url }: { signal?: AbortSignal; from?: URL } = {},
  ) =>
    obtainArchive(
      {
        url: from,
        archive,
        expected: {
          sha256: expected.sha256 ?? artifact.sha256,
          size: 'size' in expected ? expected.size : artifact.size,
          what: 'mycc 1.0.0',
        },
      },
      {
        env: fullEnv,
        client: async () => client,
        progress: createProgress(output, { label: 'mycc 1.0.0' }),
        signal,
      },
    );
  /**
   * The same download in a process of its own, run as `user`, which prints how it failed and
   * then lives on with its HTTP client open (as a long-lived process that installs does) until
   * the test ends, its environment changed by `extra`. Resolves to what it printed.
   */
  const downloadElsewhere = async (
    user: { uid?: number; gid?: number },
    extra: NodeJS.ProcessEnv = {},
  ) => {
    const script = `
      const dist = process.argv[1];
      const { obtainArchive } = await import(dist + '/install/download.js');
      const { HttpClient } = await import(dist + '/index/http-client.js');
      const { createProgress } = await import(dist + '/install/progress.js');
      const client = new HttpClient(process.env);
      try {
        await obtainArchive(
          { url: new URL(process.argv[2]), archive: process.argv[3], expected: JSON.parse(process.argv[4]) },
          { env: process.env, client: async () => client, progress: createProgress(process.stderr, { label: 'x' }) },
        );
        console.log('downloaded');
      } catch (error) {
        console.log(JSON.stringify({ code: error.code, message: error.message }));
      }
      setInterval(() => {}, 1 << 30);
    `;
    const expected = { sha256: artifact.sha256, size: artifact.size, what: 'mycc 1.0.0' };
    const args = [path.join(REPO_ROOT, 'dist'), url.href, archive, JSON.stringify(expected)];
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...fullEnv, ...extra },
      ...user,
    });
    cleanups.push(async () => void child.kill('SIGKILL'));
    let errors = '';
    child.stderr!.on('data', (d) => (errors += d));
    const printed = await within(once(child.stdout!, 'data'), 10_000, null);
    return printed ? JSON.parse(String(printed[0])) : `nothing printed; stderr: ${errors}`;
  };
  return {
    server,
    paths,
    archivePath,
    bytes,
    artifact,
    download,
    downloadElsewhere,
    lines,
    env: fullEnv,
    partial,
    url,
  };
}

describe('downloading an artifact', () => {
  it('resumes with a Range request after the connection is cut half-way', async () => {
    const { server, archivePath, bytes, download } = await setup();
    const half = bytes.length >> 1;
    server.misbehave(archivePath, { dropAfter: half });
    const result = await download();
    expect(result.downloaded).toBe(true);
    const hits = server.requests.filter((r) => r.path === archivePath);
    expect(hits).toHaveLength(2);
    expect(hits[0]!.range).toBeUndefined();
    expect(hits[1]!.range).toMatch(/^bytes=\d+-$/);
    expect(Number(hits[1]!.range!.slice(6, -1))).toBeGreaterThan(0);
    expect(hits[1]!.ifRange).toBeDefined();
    expect(hits[1]!.status).toBe(206);
  });

  it('keeps the partial download of a cut connection only when it can be resumed', async () => {
    const { server, archivePath, bytes, download, paths } = await setup({
      LAUNCHER_HTTP_RETRIES: '0',
    });
    const dir = path.join(paths.cache, 'downloads', '1.0.0');
    // Without ETag and Last-Modified no Range request can continue it: it would only take space.
    server.misbehave(archivePath, { dropAfter: bytes.length >> 1, noValidators: true });
    await expect(download()).rejects.toMatchObject({ code: 'E_NETWORK', exitCode: 5 });
    expect(existsSync(dir)).toBe(false);
    server.misbehave(archivePath, { dropAfter: bytes.length >> 1 });
    await expect(download()).rejects.toMatchObject({ code: 'E_NETWORK', exitCode: 5 });
    expect(readdirSync(dir).sort()).toEqual([
      expect.stringMatching(/\.part$/),
      expect.stringMatching(/\.part\.json$/),
    ]);
  });

  it('starts over when the server refuses the Range request', async () => {
    const { server, archivePath, bytes, download } = await setup();
    server.misbehave(archivePath, { dropAfter: bytes.length >> 1 }, { ignoreRange: true });
    await download();
    const hits = server.requests.filter((r) => r.path === archivePath);
    expect(hits.map((h) => h.status)).toEqual([200, 200]);
    expect(hits[1]!.range).toBeDefined();
  });

  it('starts over when the file changed since the partial download (validator mismatch)', async () => {
    const { server, archivePath, bytes, download, paths, artifact } = await setup();
    const url = new URL(archivePath, server.url);
    const { part, meta } = partialFiles(archiveFile(paths, '1.0.0', artifact.sha256, url));
    mkdirSync(path.dirname(part), { recursive: true });
    writeFileSync(part, bytes.subarray(0, 1000));
    writeFileSync(
      meta,
      JSON.stringify({ url: url.href, etag: '"an-older-build"', lastModified: null }),
    );
    await download();
    const hit = server.requests.find((r) => r.path === archivePath)!;
    expect(hit).toMatchObject({ range: 'bytes=1000-', ifRange: '"an-older-build"', status: 200 });
  });

  it('starts over once when a resumed download grows past the declared size', async () => {
    const { server, archivePath, bytes, download } = await setup({ LAUNCHER_HTTP_RETRIES: '0' });
    // A first run cut half-way leaves a partial download to resume.
    server.misbehave(archivePath, { dropAfter: bytes.length >> 1 });
    await expect(download()).rejects.toMatchObject({ code: 'E_NETWORK' });
    // The resumed request is answered 206 "from where you stopped", but with the whole file.
    server.misbehave(archivePath, { wholeBodyIn206: true });
    const result = await download();
    expect(result.downloaded).toBe(true);
    const hits = server.requests.filter((r) => r.path === archivePath);
    expect(hits.map((h) => [h.status, h.range !== undefined])).toEqual([
      [200, false],
      [206, true],
      [200, false],
    ]);
  });

  // An older launcher made them 0666 under umask 000. A chmod would not be enough: another user
  // who opened the partial file meanwhile could still write through that descriptor, after its
  // bytes were hashed. So the bytes move into a new file of launcher's own.
  it('continues a partial download others may write only in a new file of its own', async () => {
    const previous = process.umask(0);
    try {
      const during: Record<string, string> = {};
      const mode = (file: string) => (statSync(file).mode & 0o777).toString(8);
      const { server, archivePath, bytes, download, partial, artifact } = await setup(
        { LAUNCHER_HTTP_RETRIES: '0' },
        (line) => {
          if (!line.includes('resuming at')) return;
          during.part = mode(partial.part);
          during.meta = mode(partial.meta);
        },
      );
      server.misbehave(archivePath, { dropAfter: bytes.length >> 1 });
      await expect(download()).rejects.toMatchObject({ code: 'E_NETWORK' });
      chmodSync(partial.part, 0o666);
      chmodSync(partial.meta, 0o666);
      const othersDescriptor = openSync(partial.part, 'r+');
      try {
        const result = await download();
        expect(result.downloaded).toBe(true);
        expect(during).toEqual({ part: '644', meta: '644' });
        expect(server.requests.filter((r) => r.path === archivePath).at(-1)).toMatchObject({
          range: expect.stringMatching(/^bytes=[1-9]\d*-$/),
          status: 206,
        });
        // What the other user writes now changes nothing launcher keeps.
        writeSync(othersDescriptor, Buffer.alloc(1000), 0, 1000, 0);
        expect(sha256(readFileSync(result.file))).toBe(artifact.sha256);
        expect(mode(result.file)).toBe('644');
        expect(readdirSync(path.dirname(result.file))).toEqual([path.basename(result.file)]);
      } finally {
        closeSync(othersDescriptor);
      }
    } finally {
      process.umask(previous);
    }
  });

  // Copying gigabytes takes seconds: Ctrl-C must not wait for the copy, nor find it half made.
  it('stops copying a partial download others may write when the install is aborted', async () => {
    const { download, partial, url, lines } = await setup();
    const size = 2 ** 30;
    placeLoosePartial(partial, url, size);
    const { copy } = partial;
    const controller = new AbortController();
    // Aborted once the copy has bytes: in the middle of it, not before it starts.
    const watcher = watch(path.dirname(partial.part), () => {
      if (existsSync(copy) && statSync(copy).size > 0) controller.abort();
    });
    try {
      await expect(
        download({ size: 2 * size }, { signal: controller.signal }),
      ).rejects.toMatchObject({
        name: 'AbortError',
      });
    } finally {
      watcher.close();
    }
    expect(controller.signal.aborted).toBe(true);
    // The copy is gone; the partial file is as it was, for the next install to copy again.
    expect(existsSync(copy)).toBe(false);
    const kept = statSync(partial.part);
    expect([kept.size, kept.mode & 0o777]).toEqual([size, 0o666]);
    // Said before the copy, which no progress line announces.
    expect(lines.join('')).toContain(
      "copying the partial download (1.0 GiB), which others may write, into a file of launcher's own",
    );
  });

  // Launcher's own cache: whatever is in the partial files' place is deleted like them.
  it.each(['http:', 'file:'])(
    'downloads (%s) in place of a directory where the partial download goes',
    async (protocol) => {
      const { download, partial, artifact, bytes, archivePath } = await setup();
      let from: URL | undefined;
      if (protocol === 'file:') {
        const source = path.join(tempDir(), path.posix.basename(archivePath));
        writeFileSync(source, bytes);
        from = pathToFileURL(source);
      }
      mkdirSync(path.join(partial.part, 'inside'), { recursive: true });
      mkdirSync(path.join(partial.meta, 'inside'), { recursive: true });
      const result = await download({}, { from });
      expect(sha256(readFileSync(result.file))).toBe(artifact.sha256);
      expect(readdirSync(path.dirname(result.file))).toEqual([path.basename(result.file)]);
    },
  );

  // The sweep spares the partial download of the version being installed, and with it this copy.
  it('deletes the copy a killed run left beside the partial download, though none is made now', async () => {
    const { server, archivePath, bytes, download, partial } = await setup({
      LAUNCHER_HTTP_RETRIES: '0',
    });
    server.misbehave(archivePath, { dropAfter: bytes.length >> 1 });
    await expect(download()).rejects.toMatchObject({ code: 'E_NETWORK' });
    // As `kill -9` leaves it in the middle of copying a partial others could write.
    writeFileSync(partial.copy, bytes.subarray(0, 1000));
    const result = await download();
    // The partial, the user's own, is continued as it is.
    expect(server.requests.filter((r) => r.path === archivePath).at(-1)).toMatchObject({
      status: 206,
    });
    expect(readdirSync(path.dirname(result.file))).toEqual([path.basename(result.file)]);
  });

  it('starts over, without copying it, a partial download larger than the whole file', async () => {
    const { server, archivePath, download, partial, url, lines, artifact } = await setup();
    placeLoosePartial(partial, url, artifact.size + 1000);
    const result = await download();
    expect(sha256(readFileSync(result.file))).toBe(artifact.sha256);
    // One request, for the whole file: no Range the server could only refuse (416).
    expect(server.requests.filter((r) => r.path === archivePath)).toMatchObject([
      { range: undefined, status: 200 },
    ]);
    expect(lines.join('')).not.toContain('copying the partial download');
  });

  it("starts over rather than continue a partial download that is not launcher's own file", async () => {
    const { server, archivePath, bytes, download, partial, artifact } = await setup({
      LAUNCHER_HTTP_RETRIES: '0',
    });
    server.misbehave(archivePath, { dropAfter: bytes.length >> 1 });
    await expect(download()).rejects.toMatchObject({ code: 'E_NETWORK' });
    // Another user's: as root, a file given away; anyone else cannot give one away, so a link
    // to one, which is no file of launcher's either.
    const elsewhere = path.join(path.dirname(partial.part), 'elsewhere');
    if (process.getuid?.() === 0) {
      chownSync(partial.part, 12345, 12345);
    } else {
      renameSync(partial.part, elsewhere);
      symlinkSync(elsewhere, partial.part);
    }
    const result = await download();
    expect(sha256(readFileSync(result.file))).toBe(artifact.sha256);
    const hits = server.requests.filter((r) => r.path === archivePath);
    expect(hits.at(-1)).toMatchObject({ range: undefined, status: 200 });
    const cached = lstatSync(result.file);
    expect([cached.isFile(), cached.uid]).toEqual([true, process.getuid?.()]);
  });

  // A process that lives on after a failed install (`launcher lsp --start` installs) must not
  // keep the answer's connection busy once it gave up on it. The server trickles the body, so
  // it cannot all have been sent when the connection closes within the bound.
  it.each([
    ['answers 200 to the Range request, and the partial download cannot be replaced', 'meta'],
    ['answers 206, and the partial download cannot be read', 'part'],
  ] as const)(
    'closes the connection of an answer it gives up on: the server %s',
    async (_, refused) => {
      const { server, archivePath, bytes, download, downloadElsewhere, paths, partial, env } =
        await setup({ LAUNCHER_HTTP_RETRIES: '0' });
      server.misbehave(archivePath, { dropAfter: bytes.length >> 1 });
      await expect(download()).rejects.toMatchObject({ code: 'E_NETWORK' });
      const dir = path.dirname(partial.part);
      const user = asUserWithoutPrivileges(env.LAUNCHER_HOME!, paths.cache, path.dirname(dir), dir);
      // The partial download is the user's own, so it is resumed.
      if (user.uid !== undefined) {
        chownSync(partial.part, user.uid, user.gid!);
        chownSync(partial.meta, user.uid, user.gid!);
      }
      const trickle = { bytes: 100, everyMs: 50 };
      if (refused === 'meta') {
        server.misbehave(archivePath, { ignoreRange: true, trickle });
        chmodSync(dir, 0o555);
      } else {
        server.misbehave(archivePath, { trickle });
        chmodSync(partial.part, 0o200);
      }
      try {
        // The body timeout must not be what closes the connection.
        const failure = await downloadElsewhere(user, { LAUNCHER_HTTP_TIMEOUT_MS: '60000' });
        const syscall = refused === 'meta' ? 'unlink' : 'open';
        expect(failure).toEqual({
          code: 'E_IO',
          message: `cannot use ${partial[refused]} (${syscall}): permission denied`,
        });
      } finally {
        chmodSync(dir, 0o755);
      }
      const hit = server.requests.at(-1)!;
      expect(hit).toMatchObject({
        range: expect.stringMatching(/^bytes=[1-9]\d*-$/),
        status: refused === 'meta' ? 200 : 206,
      });
      expect(await within(server.answerClosed(hit), 5000, 'still open')).toBeUndefined();
    },
  );

  it('retries 5xx answers with backoff and succeeds on the third attempt', async () => {
    const { server, archivePath, download, lines } = await setup();
    server.misbehave(archivePath, { status: 500 }, { status: 503 });
    await download();
    expect(server.requests.filter((r) => r.path === archivePath).map((r) => r.status)).toEqual([
      500, 503, 200,
    ]);
    expect(lines.join('')).toContain('retrying in');
  });

  it('gives up with E_NETWORK (exit 5) when the server never answers, after finite retries', async () => {
    const { server, archivePath, download } = await setup({
      LAUNCHER_HTTP_TIMEOUT_MS: '200',
      LAUNCHER_HTTP_RETRIES: '1',
    });
    server.misbehave(archivePath, { hang: true }, { hang: true });
    await expect(download()).rejects.toMatchObject({
      code: 'E_NETWORK',
      exitCode: 5,
      message: expect.stringContaining('no answer within 200 ms (after 2 attempts)'),
    });
    expect(server.count(archivePath)).toBe(2);
  });

  it('gives up at once on a 404 (not retried)', async () => {
    const { server, archivePath, download } = await setup();
    server.misbehave(archivePath, { status: 404 });
    await expect(download()).rejects.toMatchObject({ code: 'E_NETWORK', exitCode: 5 });
    expect(server.count(archivePath)).toBe(1);
  });

  it('says an archive the server does not have (404, 410) is missing there, not a network problem', async () => {
    const { server, archivePath, download } = await setup();
    for (const status of [404, 410]) {
      server.misbehave(archivePath, { status });
      await expect(download()).rejects.toMatchObject({
        code: 'E_NETWORK',
        exitCode: 5,
        message: `cannot download mycc 1.0.0: the server answered ${status}`,
        hint:
          'The index names an archive that its server does not have. Run the command again later ' +
          '(a release may still be uploading); if it keeps failing, tell whoever publishes the index.',
      });
    }
  });

  it('rejects bytes that do not match the checksum (exit 6) and keeps no cache entry', async () => {
    const { server, archivePath, download, paths } = await setup();
    server.misbehave(archivePath, { corrupt: true });
    await expect(download()).rejects.toMatchObject({ code: 'E_CHECKSUM', exitCode: 6 });
    expect(existsSync(path.join(paths.cache, 'downloads', '1.0.0'))).toBe(false);
  });

  it('stops a download that grows past the declared size (exit 6)', async () => {
    const { server, archivePath, bytes, download, paths, lines } = await setup();
    // Without a Content-Length: one that announces too much is refused before the body.
    server.misbehave(archivePath, { endless: true });
    await expect(download({ size: bytes.length - 10 })).rejects.toMatchObject({
      code: 'E_SIZE',
      exitCode: 6,
    });
    expect(existsSync(path.join(paths.cache, 'downloads', '1.0.0'))).toBe(false);
    // Said as stopped, not as "downloaded" (of the bytes it did not keep).
    expect(lines.join('')).toContain('stopped: the download is larger than the index says');
    expect(lines.join('')).not.toContain('downloaded');
  });

  it('caps a download without a declared size; a test may lower the cap, never raise it', () => {
    const expected = { sha256: 'x', size: undefined, what: 'mycc 1.0.0' };
    expect(byteLimit(expected)).toBe(4 * 1024 ** 3);
    expect(byteLimit({ ...expected, unsizedLimit: 1000 })).toBe(1000);
    expect(byteLimit({ ...expected, unsizedLimit: 2 ** 40 })).toBe(MAX_UNSIZED_BYTES);
    // A declared size is the limit, even above the cap: the index vouches for it.
    expect(byteLimit({ ...expected, size: 2 ** 33, unsizedLimit: 1000 })).toBe(2 ** 33);
  });

  it('rejects a download shorter than the declared size (exit 6) and keeps no cache entry', async () => {
    const { server, archivePath, bytes, download, paths } = await setup();
    await expect(download({ size: bytes.length + 10 })).rejects.toMatchObject({
      code: 'E_SIZE',
      exitCode: 6,
      message: expect.stringContaining(
        `has ${bytes.length} bytes, but the index says ${bytes.length + 10} (as the server announces; refused before reading it)`,
      ),
    });
    // The server sent all it has: one request, not a resume for bytes that do not exist.
    expect(server.count(archivePath)).toBe(1);
    expect(existsSync(path.join(paths.cache, 'downloads', '1.0.0'))).toBe(false);
  });

  it('keeps no empty cache directory when the download started over still fails', async () => {
    const { server, archivePath, bytes, download, paths } = await setup({
      LAUNCHER_HTTP_RETRIES: '0',
    });
    server.misbehave(archivePath, { dropAfter: bytes.length >> 1 });
    await expect(download()).rejects.toMatchObject({ code: 'E_NETWORK' });
    // The directory now holds the partial download, made by the run before this one.
    server.misbehave(archivePath, { wholeBodyIn206: true }, { corrupt: true });
    await expect(download()).rejects.toMatchObject({ code: 'E_CHECKSUM', exitCode: 6 });
    expect(server.count(archivePath)).toBe(3);
    expect(existsSync(path.join(paths.cache, 'downloads', '1.0.0'))).toBe(false);
  });

  it('reuses a verified archive from the cache without any request', async () => {
    const { server, download } = await setup();
    await download();
    const before = server.requests.length;
    const again = await download();
    expect(again.downloaded).toBe(false);
    expect(server.requests.length).toBe(before);
  });

  it('discards a cached archive that no longer verifies and downloads it again', async () => {
    const { server, archivePath, download } = await setup();
    const first = await download();
    writeFileSync(first.file, 'damaged in the cache');
    const again = await download();
    expect(again.downloaded).toBe(true);
    expect(server.count(archivePath)).toBe(2);
  });

  it('refuses to download when offline and the archive is not cached (exit 7)', async () => {
    const { server, download } = await setup({ LAUNCHER_OFFLINE: '1' });
    await expect(download()).rejects.toMatchObject({ code: 'E_OFFLINE', exitCode: 7 });
    expect(server.requests).toEqual([]);
  });

  it('writes plain progress lines when the output is not a terminal', async () => {
    const { download, lines } = await setup();
    await download();
    expect(lines[0]).toMatch(
      /^downloading mycc 1\.0\.0 from http:\/\/127\.0\.0\.1:\d+\/archives\/.+ \(.+ KiB\)\n$/,
    );
    expect(lines[1]).toMatch(/^downloaded .+ in .+ s \(.+\/s\)\n$/);
    expect(lines).toHaveLength(2);
  });

  it('leaves only the verified archive in the cache', async () => {
    const { download, paths } = await setup();
    const { file } = await download();
    expect(existsSync(file)).toBe(true);
    expect(readdirSync(path.dirname(file))).toEqual([path.basename(file)]);
    expect(path.dirname(file)).toBe(path.join(paths.cache, 'downloads', '1.0.0'));
  });
});
