// A working directory whose path is not valid UTF-8: Node reads it with U+FFFD in place of the
// bytes, so that string names another directory. The directories are made with Buffer paths and
// entered by a shell through `printf`, since no JavaScript string can name them.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAUNCHER_BIN, launcher, run } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { placeVersion } from '../helpers/store.js';

// `café` in Latin-1: 0xE9 alone is no UTF-8.
const LATIN1_NAME = Buffer.from('caf\xe9', 'latin1');
// How a shell names it: printf turns the octal escape into that byte.
const ENTER = `cd "$(printf 'caf\\351')"`;

/**
 * A project pinned to 1.5.0 holding a directory `caf\xe9` pinned to 1.4.2, both installed; the
 * compiler prints the file `marker` of the directory it runs in.
 */
function world() {
  const env = cleanEnv();
  const home = env.LAUNCHER_HOME!;
  const project = tempDir('launcher-project-');
  writeFileSync(path.join(project, '.tool-version'), '1.5.0\n');
  const inner = Buffer.concat([Buffer.from(`${project}/`), LATIN1_NAME]);
  mkdirSync(inner);
  const inside = (name: string) => Buffer.concat([inner, Buffer.from(`/${name}`)]);
  writeFileSync(inside('.tool-version'), '1.4.2\n');
  writeFileSync(inside('marker'), 'the marker of caf\\351\n');
  for (const version of ['1.4.2', '1.5.0']) {
    placeVersion(home, version, { script: `#!/bin/sh\necho "mycc ${version}"; cat marker\n` });
  }
  return { env, home, project, inside };
}

/** Run `launcher <args>` (or, with `shim`, the shim) from inside `caf\xe9`. */
function fromInside(
  w: ReturnType<typeof world>,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; shim?: boolean } = {},
) {
  const program = options.shim
    ? [path.join(w.home, 'shims', 'mycc')]
    : [process.execPath, LAUNCHER_BIN];
  return run('/bin/sh', ['-c', `${ENTER} && exec "$@"`, 'sh', ...program, ...args], {
    env: { ...w.env, ...options.env },
    cwd: w.project,
  });
}

function expectRefused(r: { code: number | null; stdout: string; stderr: string }) {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^launcher: the current directory's path is not valid UTF-8 \(/);
  expect(r.stderr).toContain('Rename the directory');
  expect(r.stderr).toContain('LAUNCHER_VERSION');
}

describe('a working directory whose path is not valid UTF-8', () => {
  it("is refused (exit 2) by current, which, exec and the shim, rather than answered with a parent's pin", async () => {
    const w = world();
    expect((await launcher(['rehash'], { env: w.env, cwd: w.project })).code).toBe(0);
    for (const args of [['current'], ['which', 'mycc'], ['exec', 'mycc']]) {
      expectRefused(await fromInside(w, args));
    }
    expectRefused(await fromInside(w, [], { shim: true }));
  });

  it('is refused by local, which writes no pin anywhere', async () => {
    const w = world();
    for (const args of [['local'], ['local', '1.9.0'], ['local', '--unset']]) {
      expectRefused(await fromInside(w, args));
    }
    expect(readFileSync(w.inside('.tool-version'), 'utf8')).toBe('1.4.2\n');
    expect(readFileSync(path.join(w.project, '.tool-version'), 'utf8')).toBe('1.5.0\n');
  });

  it('is refused by stop, restart and diagnostics given a relative --dir, not an absolute one', async () => {
    const w = world();
    mkdirSync(w.inside('sub'));
    // What Node's string for the directory names: a sibling whose name holds U+FFFD.
    mkdirSync(path.join(w.project, 'caf\uFFFD', 'sub'), { recursive: true });
    for (const args of [
      ['stop', '--dir', 'sub'],
      ['restart', '--dir', 'sub'],
      ['diagnostics', '--dir', '.'],
    ]) {
      expectRefused(await fromInside(w, args));
    }
    const absolute = await fromInside(w, ['diagnostics', '--dir', w.project]);
    expect(absolute).toMatchObject({ code: 0, stderr: '' });
  });

  it('runs the compiler in that very directory when LAUNCHER_VERSION makes the search needless', async () => {
    const w = world();
    expect((await launcher(['rehash'], { env: w.env, cwd: w.project })).code).toBe(0);
    const env = { LAUNCHER_VERSION: '1.4.2' };
    const current = await fromInside(w, ['current'], { env });
    expect(current).toMatchObject({ code: 0, stderr: '' });
    expect(current.stdout).toContain('1.4.2 (set by LAUNCHER_VERSION)');
    // The compiler reads `marker` relative to its working directory: the real `caf\xe9`.
    const expected = { code: 0, stdout: 'mycc 1.4.2\nthe marker of caf\\351\n', stderr: '' };
    expect(await fromInside(w, ['exec', 'mycc'], { env })).toMatchObject(expected);
    expect(await fromInside(w, [], { env, shim: true })).toMatchObject(expected);
  });

  it('is searched as usual when its name holds U+FFFD itself, which is valid UTF-8', async () => {
    const w = world();
    const replacement = path.join(w.project, 'caf\uFFFD');
    mkdirSync(replacement);
    writeFileSync(path.join(replacement, '.tool-version'), '1.4.2\n');
    const current = await launcher(['current'], { env: w.env, cwd: replacement });
    expect(current.code).toBe(0);
    expect(current.stdout).toContain(`1.4.2 (set by ${path.join(replacement, '.tool-version')})`);
  });
});
