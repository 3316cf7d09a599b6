// Unpacking on its own: good archives land in staging with strip applied; damaged ones fail
// with E_BAD_ARCHIVE (exit 6) and the call settles only once nothing more will be written.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractArchive } from '../../src/install/extract.js';
import { tempDir } from '../helpers/env.js';
import { installTree, tarBuffer, tarGz } from '../helpers/tar-archive.js';

function archiveFile(bytes: Buffer): string {
  const file = path.join(tempDir(), 'archive');
  writeFileSync(file, bytes);
  return file;
}

const extract = (archive: string, staging: string, strip = 0) =>
  extractArchive(archive, staging, { strip, what: 'mycc 1.0.0 (test)', env: {} });

describe('extractArchive', () => {
  it('unpacks a .tar.gz with strip applied, keeping modes', async () => {
    const staging = tempDir();
    const entries = installTree('mycc-1.0.0', {
      'bin/mycc': { content: '#!/bin/sh\n', mode: 0o755 },
      'share/doc.txt': 'hello',
    });
    await extract(archiveFile(tarGz(entries)), staging, 1);
    expect(readdirSync(staging).sort()).toEqual(['bin', 'share']);
    expect(statSync(path.join(staging, 'bin', 'mycc')).mode & 0o111).not.toBe(0);
    expect(readFileSync(path.join(staging, 'share', 'doc.txt'), 'utf8')).toBe('hello');
  });

  it('unpacks a plain .tar', async () => {
    const staging = tempDir();
    await extract(archiveFile(tarBuffer([{ path: 'a.txt', content: 'a' }])), staging);
    expect(readFileSync(path.join(staging, 'a.txt'), 'utf8')).toBe('a');
  });

  it('fails with E_BAD_ARCHIVE on a truncated archive', async () => {
    const staging = tempDir();
    const whole = tarBuffer([{ path: 'big', content: randomBytes(64 * 1024) }]);
    await expect(extract(archiveFile(whole.subarray(0, 20_000)), staging)).rejects.toMatchObject({
      code: 'E_BAD_ARCHIVE',
      exitCode: 6,
    });
  });

  it('fails with E_BAD_ARCHIVE on a file that is not an archive, saying the tar data is bad', async () => {
    const error = await extract(archiveFile(randomBytes(4096)), tempDir()).catch((e) => e);
    expect(error).toMatchObject({ code: 'E_BAD_ARCHIVE', exitCode: 6 });
    // node-tar's "checksum failure" is a tar header's, not to be taken for the sha256 check.
    expect(error.message).toMatch(/: its tar data is invalid \(/);
  });

  it('fails with E_BAD_ARCHIVE on a cut gzip stream', async () => {
    const gz = tarGz([{ path: 'big', content: randomBytes(64 * 1024) }]);
    await expect(
      extract(archiveFile(gz.subarray(0, gz.length >> 1)), tempDir()),
    ).rejects.toMatchObject({
      code: 'E_BAD_ARCHIVE',
    });
  });

  it('rejects the whole archive and writes nothing after the hostile entry', async () => {
    const staging = tempDir();
    const archive = archiveFile(
      tarGz([
        { path: 'first', content: 'ok' },
        { path: '../escape', content: 'x' },
        { path: 'after', content: 'never written' },
      ]),
    );
    await expect(extract(archive, staging)).rejects.toMatchObject({
      code: 'E_UNSAFE_ARCHIVE',
      exitCode: 6,
    });
    expect(existsSync(path.join(staging, 'after'))).toBe(false);
    expect(existsSync(path.join(path.dirname(staging), 'escape'))).toBe(false);
  });

  it('rejects a symbolic link that a later link turns outward, after the last entry', async () => {
    const staging = tempDir();
    const archive = archiveFile(
      tarGz([
        { type: 'symlink', path: 'a', target: 'b/..' },
        { type: 'symlink', path: 'b', target: '.' },
      ]),
    );
    const error = await extract(archive, staging).catch((e) => e);
    expect(error).toMatchObject({ code: 'E_UNSAFE_ARCHIVE', exitCode: 6 });
    expect(error.message).toContain('the symbolic link "a" points outside the install');
  });

  it('stops when aborted and reports the abort reason', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    const staging = tempDir();
    await expect(
      extractArchive(archiveFile(tarGz([{ path: 'a', content: 'a' }])), staging, {
        strip: 0,
        what: 'x',
        env: {},
        signal: controller.signal,
      }),
    ).rejects.toThrow('stop');
    expect(readdirSync(staging)).toEqual([]);
  });
});
