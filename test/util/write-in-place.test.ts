// Rewriting a file in place (src/util/write-in-place.ts, as built in dist/): in a process of its
// own, so that a file size limit (the shell's `ulimit -f`) can make a write fail part way.
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writeInPlace } from '../../src/util/write-in-place.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/env.js';
import { asUserWithoutPrivileges } from '../helpers/other-user.js';

const module = pathToFileURL(path.join(REPO_ROOT, 'dist', 'util', 'write-in-place.js')).href;

// Write `text` over `file` in place under a file size limit of `blocks` (512 bytes each in
// /bin/sh), as `user` (see asUserWithoutPrivileges); what the write threw, or 'ok'.
function writeUnderLimit(
  file: string,
  text: string,
  blocks: number | 'unlimited',
  user: { uid?: number; gid?: number } = {},
): string {
  const script = `
    import { writeInPlace } from ${JSON.stringify(module)};
    try {
      writeInPlace(process.argv[1], Buffer.from(process.argv[2]));
      process.stdout.write('ok');
    } catch (error) {
      process.stdout.write(error.code);
    }`;
  const run = spawnSync(
    '/bin/sh',
    [
      '-c',
      `ulimit -f ${blocks} && exec "$0" "$@"`,
      process.execPath,
      '--input-type=module',
      '-e',
      script,
      file,
      text,
    ],
    { encoding: 'utf8', timeout: 10_000, ...user },
  );
  expect(run.stderr).toBe('');
  return run.stdout;
}

describe('writeInPlace', () => {
  it('puts back the bytes it overwrote when a write fails part way', () => {
    const file = path.join(tempDir(), 'pin');
    const old = '# pinned\n1.4.2\n';
    writeFileSync(file, old);
    const before = statSync(file);
    // 512 bytes are allowed: the first write overwrites the old ones, the next one fails.
    expect(writeUnderLimit(file, 'x'.repeat(4000), 1)).toBe('EFBIG');
    expect(readFileSync(file, 'utf8')).toBe(old);
    expect(statSync(file).ino).toBe(before.ino);
  });

  it('leaves the file as it was when no byte may be written', () => {
    const file = path.join(tempDir(), 'pin');
    writeFileSync(file, '1.4.2\n');
    expect(writeUnderLimit(file, '1.5.0\n', 0)).toBe('EFBIG');
    expect(readFileSync(file, 'utf8')).toBe('1.4.2\n');
  });

  it('replaces a longer file by a shorter one, and a shorter by a longer one', () => {
    const file = path.join(tempDir(), 'pin');
    writeFileSync(file, `# ${'comment '.repeat(1000)}\n1.4.2\n`);
    expect(writeUnderLimit(file, '1.5.0\n', 'unlimited')).toBe('ok');
    expect(readFileSync(file, 'utf8')).toBe('1.5.0\n');
    expect(writeUnderLimit(file, '2.0.0-rc.1\n', 'unlimited')).toBe('ok');
    expect(readFileSync(file, 'utf8')).toBe('2.0.0-rc.1\n');
  });

  describe('a file this user may write but not read (mode 0222), as echo writes it', () => {
    // Root reads any file: the write runs as a user who meets the mode.
    function writeOnly(content: string) {
      const dir = tempDir();
      const file = path.join(dir, 'pin');
      writeFileSync(file, content);
      chmodSync(file, 0o222);
      return { file, user: asUserWithoutPrivileges(dir) };
    }

    it('writes it', () => {
      const { file, user } = writeOnly(`# ${'comment '.repeat(100)}\n1.4.2\n`);
      const before = statSync(file);
      expect(writeUnderLimit(file, '1.5.0\n', 'unlimited', user)).toBe('ok');
      expect(readFileSync(file, 'utf8')).toBe('1.5.0\n');
      expect(statSync(file)).toMatchObject({ ino: before.ino, mode: before.mode });
    });

    it('leaves it as it was when no byte may be written', () => {
      const { file, user } = writeOnly('1.4.2\n');
      expect(writeUnderLimit(file, '1.5.0\n', 0, user)).toBe('EFBIG');
      expect(readFileSync(file, 'utf8')).toBe('1.4.2\n');
    });

    it('empties it when a write fails part way, rather than leave new bytes before old ones', () => {
      // Its old bytes cannot be read to put them back.
      const { file, user } = writeOnly(`1.4.2\n#${'-'.repeat(1000)}\n`);
      expect(writeUnderLimit(file, 'x'.repeat(4000), 1, user)).toBe('EFBIG');
      expect(readFileSync(file, 'utf8')).toBe('');
    });
  });

  // What the caller checked may be swapped before the open, in a directory another user may
  // write: nothing but that very file is written.
  describe('a file swapped at the path after the caller checked it', () => {
    it('is not written through a symbolic link put there', () => {
      const dir = tempDir();
      const victim = path.join(dir, 'victim');
      writeFileSync(victim, 'precious\n');
      const file = path.join(dir, 'pin');
      symlinkSync(victim, file);
      expect(() => writeInPlace(file, Buffer.from('1.5.0\n'))).toThrow(
        expect.objectContaining({ code: 'ELOOP' }),
      );
      expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    });

    it('is not written when it is another file than the one checked', () => {
      const dir = tempDir();
      const checked = path.join(dir, 'checked');
      writeFileSync(checked, '1.4.2\n');
      const file = path.join(dir, 'pin');
      writeFileSync(file, 'other\n');
      expect(() => writeInPlace(file, Buffer.from('1.5.0\n'), statSync(checked))).toThrow(
        /replaced by another file/,
      );
      expect(readFileSync(file, 'utf8')).toBe('other\n');
      writeInPlace(checked, Buffer.from('1.5.0\n'), statSync(checked));
      expect(readFileSync(checked, 'utf8')).toBe('1.5.0\n');
    });

    it('does not wait for a reader of a FIFO put there, even one it may only write', () => {
      const dir = tempDir();
      const fifo = path.join(dir, 'pin');
      expect(spawnSync('mkfifo', ['-m', '0222', fifo]).status).toBe(0);
      // Opened for writing alone, a FIFO without a reader would block until one came.
      expect(writeUnderLimit(fifo, '1.5.0\n', 'unlimited', asUserWithoutPrivileges(dir))).toBe(
        'ENXIO',
      );
    });
  });
});
