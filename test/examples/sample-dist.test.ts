// The sample distribution: reproducible bytes, the contract's index format, and sound archives.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { list } from 'tar';
import { describe, expect, it } from 'vitest';
import { buildSampleDist, samplePlatforms } from '../../scripts/sample-dist.mjs';
import { suiteDir } from './sample-fixture.js';

const VERSIONS = ['1.4.2', '1.5.0', '2.0.0'];

describe('sample distribution build', () => {
  const root = suiteDir('mycc-dist-build-');

  it('produces byte-identical archives and index.json on every build, whatever the umask', async () => {
    const first = await buildSampleDist(path.join(root(), 'a'));
    // A builder with a stricter umask (and a second run) must not change a byte.
    const umask = process.umask(0o077);
    const second = await buildSampleDist(path.join(root(), 'b')).finally(() =>
      process.umask(umask),
    );
    const names = readdirSync(first.outDir).sort();
    expect(names).toEqual(['index.json', ...VERSIONS.map((v) => `mycc-${v}.tar.gz`)]);
    expect(readdirSync(second.outDir).sort()).toEqual(names);
    for (const name of names) {
      const a = readFileSync(path.join(first.outDir, name));
      const b = readFileSync(path.join(second.outDir, name));
      expect(a.equals(b), name).toBe(true);
    }
  });

  it('writes index.json in the contract shape with checksums and sizes of the real archives', async () => {
    const dist = await buildSampleDist(path.join(root(), 'index'));
    const index = JSON.parse(readFileSync(dist.indexPath, 'utf8'));
    expect(index).toEqual(dist.index);
    expect(Object.keys(index)).toEqual(['schema', 'tool', 'bins', 'versions']);
    expect(index).toMatchObject({ schema: 1, tool: 'mycc', bins: { mycc: 'bin/mycc' } });
    expect(index.versions.map((v: { version: string }) => v.version)).toEqual(VERSIONS);
    const platforms = samplePlatforms().map((p) => `${p.os}-${p.arch}`);
    expect(platforms).toEqual(
      expect.arrayContaining(['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64']),
    );
    expect(platforms).toContain(`${process.platform}-${process.arch}`);
    for (const entry of index.versions) {
      expect(entry.published).toMatch(/^\d{4}-\d\d-\d\dT00:00:00Z$/);
      expect(entry.artifacts.map((a: { os: string; arch: string }) => `${a.os}-${a.arch}`)).toEqual(
        platforms,
      );
      for (const artifact of entry.artifacts) {
        expect(artifact.url).toBe(`mycc-${entry.version}.tar.gz`);
        expect(artifact.strip).toBe(1);
        const bytes = readFileSync(path.join(dist.outDir, artifact.url));
        expect(artifact.sha256).toMatch(/^[0-9a-f]{64}$/);
        expect(artifact.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
        expect(artifact.size).toBe(bytes.length);
      }
    }
  });

  it('packs each version under one top directory with fixed, portable metadata', async () => {
    const dist = await buildSampleDist(path.join(root(), 'meta'));
    for (const { version, archive } of dist.versions) {
      const file = path.join(dist.outDir, archive);
      const gzip = readFileSync(file);
      // The gzip header: no modification time (bytes 4-7), no file name flag, OS "unknown".
      expect([...gzip.subarray(4, 8)]).toEqual([0, 0, 0, 0]);
      expect(gzip[3]! & 0x08).toBe(0);
      expect(gzip[9]).toBe(255);
      // Raw headers: only plain files and directories (no PAX or GNU extension records), and no
      // owner names or ids of whoever built it.
      for (const header of rawHeaders(gunzipSync(gzip))) {
        expect(header.type === '0' || header.type === '5', header.name).toBe(true);
        expect([header.uid, header.gid, header.uname, header.gname]).toEqual([0, 0, '', '']);
      }
      const entries: Array<{
        path: string;
        mode: number;
        uid: number;
        gid: number;
        mtime?: Date;
        type: string;
      }> = [];
      await list({
        file,
        onReadEntry: (e) =>
          entries.push({
            path: e.path,
            mode: e.mode!,
            uid: e.uid ?? 0,
            gid: e.gid ?? 0,
            mtime: e.mtime,
            type: e.type,
          }),
      });
      const top = `mycc-${version}/`;
      expect(entries.map((e) => e.path)).toEqual([
        top,
        `${top}bin/`,
        `${top}bin/mycc`,
        `${top}package.json`,
      ]);
      for (const entry of entries) {
        expect([entry.uid, entry.gid]).toEqual([0, 0]);
        expect(entry.mode & 0o777).toBe(
          entry.type === 'File' && !entry.path.endsWith('mycc') ? 0o644 : 0o755,
        );
        if (entry.type === 'File')
          expect(entry.mtime?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
      }
    }
  });
});

/** The ustar headers of an uncompressed archive, read straight from the bytes. */
function rawHeaders(tar: Buffer) {
  const text = (from: number, length: number) =>
    tar.toString('latin1', from, from + length).replace(/\0.*$/s, '');
  const octal = (from: number, length: number) =>
    Number.parseInt(text(from, length).trim() || '0', 8);
  const headers = [];
  for (let at = 0; at + 512 <= tar.length && tar[at] !== 0; ) {
    const size = octal(at + 124, 12);
    headers.push({
      name: text(at, 100),
      type: text(at + 156, 1),
      uid: octal(at + 108, 8),
      gid: octal(at + 116, 8),
      uname: text(at + 265, 32),
      gname: text(at + 297, 32),
    });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return headers;
}
