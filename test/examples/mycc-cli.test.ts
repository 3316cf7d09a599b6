// The packed mycc binaries, unpacked from the sample archives: versions, check, run, usage.
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { SAMPLES, useSampleDist } from './sample-fixture.js';

const { bin } = useSampleDist();

/** Runs an unpacked `bin/mycc` directly (its shebang), from the samples directory, unsupervised. */
function mycc(version: string, args: string[], cwd = SAMPLES) {
  return run(bin(version), args, { cwd, env: cleanEnv() });
}

describe('mycc from the sample archives', () => {
  it('prints its own version, distinct for each build', async () => {
    for (const version of ['1.4.2', '1.5.0', '2.0.0']) {
      const result = await mycc(version, ['--version']);
      expect(result).toMatchObject({ code: 0, stdout: `mycc ${version}\n` });
    }
  });

  it('reports each mistake with its 1-based line:col and code, and exits 1', async () => {
    const result = await mycc('1.4.2', ['check', 'broken.my']);
    expect(result.code).toBe(1);
    expect(
      result.stdout
        .trim()
        .split('\n')
        .map((line) => line.replace(/: [^:]*$/, '')),
    ).toEqual([
      'broken.my:3:7: error MYCC001',
      'broken.my:4:7: error MYCC002',
      'broken.my:5:5: error MYCC003',
    ]);
  });

  it('exits 0 and prints nothing for a clean file', async () => {
    for (const version of ['1.4.2', '1.5.0', '2.0.0']) {
      expect(await mycc(version, ['check', 'hello.my'])).toMatchObject({ code: 0, stdout: '' });
    }
  });

  it('warns about an unused binding from 1.5.0 on, where 1.4.2 is silent; a warning alone exits 0', async () => {
    expect(await mycc('1.4.2', ['check', 'unused.my'])).toMatchObject({ code: 0, stdout: '' });
    for (const version of ['1.5.0', '2.0.0']) {
      const result = await mycc(version, ['check', 'unused.my']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^unused\.my:3:5: warning MYCC101: /);
    }
  });

  it('accepts template strings in 2.0.0 that 1.4.2 and 1.5.0 reject', async () => {
    for (const version of ['1.4.2', '1.5.0']) {
      const result = await mycc(version, ['check', 'template.my']);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^template\.my:4:7: error MYCC003: [^\n]*\n$/);
    }
    expect(await mycc('2.0.0', ['run', 'template.my'])).toMatchObject({
      code: 0,
      stdout: 'n is 6\n6 times 7 is 42\n',
    });
  });

  it('checks several files in one run and fails if any has an error', async () => {
    const result = await mycc('2.0.0', ['check', 'hello.my', 'unused.my', 'broken.my']);
    expect(result.code).toBe(1);
    expect(
      result.stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(':')[0]),
    ).toEqual(['unused.my', 'broken.my', 'broken.my', 'broken.my']);
  });

  it('runs a program and prints its output', async () => {
    expect(await mycc('1.4.2', ['run', 'hello.my'])).toMatchObject({
      code: 0,
      stdout: 'hello, world\ntwice the length: 10\n',
    });
  });

  it('names the file it cannot read and exits 2', async () => {
    const result = await mycc('1.4.2', ['check', 'missing.my']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('missing.my');
  });

  it('explains its usage and exits 2 on an unknown command', async () => {
    const result = await mycc('1.4.2', ['compile']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command 'compile'[\s\S]*usage: mycc check/);
  });

  it('works from any directory, with paths as given', async () => {
    const dir = tempDir('mycc-cwd-');
    copyFileSync(path.join(SAMPLES, 'broken.my'), path.join(dir, 'b.my'));
    const result = await mycc('1.5.0', ['check', path.join(dir, 'b.my')], tempDir());
    expect(result.stdout.split('\n')[0]).toBe(
      `${path.join(dir, 'b.my')}:3:7: error MYCC001: undefined name 'totl'`,
    );
  });
});
