// A working directory the user is in but cannot reach by its path: a directory above it may not
// be searched (a project under a private directory entered before its mode changed, or entered
// by someone who could and then handed on). A shell enters it, closes the directory above, and
// runs the launcher there.
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAUNCHER_BIN, REPO_ROOT, run } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { asUserWithoutPrivileges } from '../helpers/other-user.js';
import { placeVersion } from '../helpers/store.js';

const SUPERVISE = path.join(REPO_ROOT, 'test', 'fixtures', 'supervise.mjs');

/** `<base>/private/project`, where `private` will be closed (mode 000) once the shell is inside. */
function world() {
  const env = cleanEnv();
  const home = env.LAUNCHER_HOME!;
  const base = tempDir('launcher-project-');
  const closed = path.join(base, 'private');
  const project = path.join(closed, 'project');
  mkdirSync(project, { recursive: true });
  // Another directory behind the closed one, which nobody is in.
  const other = path.join(closed, 'other');
  mkdirSync(other);
  writeFileSync(path.join(project, 'marker'), 'the marker of the project\n');
  const user = asUserWithoutPrivileges(base, home);
  // The user's own directory, so that the user's shell may close it.
  if (user.uid !== undefined) chownSync(closed, user.uid, user.gid!);
  return { env, home, closed, project, other, user };
}

/** Run `command` from inside the project, with the directory above it closed meanwhile. */
async function inside(w: ReturnType<typeof world>, command: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    return await run(
      '/bin/sh',
      ['-c', 'cd "$0" && chmod 000 .. && exec "$@"', w.project, ...command],
      {
        env: { ...w.env, ...env },
        cwd: path.dirname(w.closed),
        ...w.user,
      },
    );
  } finally {
    chmodSync(w.closed, 0o755);
  }
}

/** Run `launcher <args>` from inside the project, with the directory above it closed meanwhile. */
function fromInside(w: ReturnType<typeof world>, args: string[], env: NodeJS.ProcessEnv = {}) {
  return inside(w, [process.execPath, LAUNCHER_BIN, ...args], env);
}

/** The library's Supervisor, from inside the project (test/fixtures/supervise.mjs). */
function superviseInside(w: ReturnType<typeof world>, spec: object, env: NodeJS.ProcessEnv = {}) {
  return inside(w, [process.execPath, SUPERVISE, JSON.stringify(spec)], env);
}

describe('a working directory that cannot be reached by its path', () => {
  it('is refused by current (exit 2), naming the directory that may not be searched, not a version file', async () => {
    const w = world();
    const r = await fromInside(w, ['current']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `launcher: cannot look for .tool-version in ${w.project}: permission denied (${w.closed} may not be searched)\n\n` +
        `Make ${w.closed} searchable for you (the x permission, which its owner can grant), or set LAUNCHER_VERSION to the version to use: no version file is looked for then.\n`,
    );
    // What the hint offers works.
    const pinned = await fromInside(w, ['current'], { LAUNCHER_VERSION: '1.4.2' });
    expect(pinned).toMatchObject({ code: 0, stderr: '' });
    expect(pinned.stdout).toMatch(/^1\.4\.2 \(set by LAUNCHER_VERSION/);
  });

  it('runs the compiler there through exec, in that very directory', async () => {
    const w = world();
    // It reads `marker` relative to its working directory.
    placeVersion(w.home, '1.4.2', { script: '#!/bin/sh\necho "mycc 1.4.2 $*"; cat marker\n' });
    const r = await fromInside(w, ['exec', 'mycc', '--version'], { LAUNCHER_VERSION: '1.4.2' });
    expect(r).toMatchObject({
      code: 0,
      stdout: 'mycc 1.4.2 --version\nthe marker of the project\n',
      stderr: '',
    });
  });

  it('is refused by local (exit 2), naming the directory that may not be searched', async () => {
    const w = world();
    const r = await fromInside(w, ['local', '1.5.0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `launcher: cannot use the directory ${w.project}: permission denied (${w.closed} may not be searched)\n\n` +
        `Make ${w.closed} searchable for you (the x permission, which its owner can grant).\n`,
    );
  });

  it('lets the library run a program found through a relative PATH entry there', async () => {
    const w = world();
    // The empty entry is the working directory, which cannot be searched by its path: passed
    // over, as execvp does, for /bin/sh.
    const r = await superviseInside(
      w,
      { command: 'sh', args: ['-c', 'cat marker'] },
      { PATH: ':/usr/bin:/bin' },
    );
    expect(r).toMatchObject({ code: 0, stdout: 'the marker of the project\n' });
  });

  it('tells the library that a working directory it names cannot be entered', async () => {
    const w = world();
    const r = await superviseInside(w, {
      command: '/bin/sh',
      args: ['-c', 'true'],
      options: { cwd: w.other },
    });
    expect(r.stderr).toContain(
      `@error E_IO cannot start /bin/sh in ${w.other}: permission denied (${w.closed} may not be searched)\n`,
    );
    expect(r.stderr).not.toContain('built for this machine');
  });
});
