// Replacing a file all at once (src/util/atomic-write.ts): a failed write leaves no temporary
// file behind, and its error names the file being replaced, not the temporary one.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/util/atomic-write.js';
import { tempDir } from '../helpers/env.js';

describe('writeFileAtomic', () => {
  it('leaves no temporary file when the rename fails, and names the file it replaces', () => {
    const dir = tempDir();
    // A directory with something in it cannot be renamed over.
    const file = path.join(dir, 'version');
    mkdirSync(path.join(file, 'inside'), { recursive: true });
    let thrown: unknown;
    try {
      writeFileAtomic(file, '1.4.2\n');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'EISDIR', syscall: 'rename', path: file });
    expect(readdirSync(dir)).toEqual(['version']);
  });

  it('leaves no temporary file when told not to replace the file', () => {
    const dir = tempDir();
    const file = path.join(dir, 'version');
    writeFileSync(file, '1.4.2\n');
    expect(writeFileAtomic(file, '1.5.0\n', 0o644, { beforeRename: () => false })).toBe(false);
    expect(readdirSync(dir)).toEqual(['version']);
    expect(readFileSync(file, 'utf8')).toBe('1.4.2\n');
  });
});
