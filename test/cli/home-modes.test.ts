// The directories launcher makes in its home are writable by no one else, whatever the umask:
// under umask 000 they used to be 0777, and another user could swap a compiler in versions/.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { launcherWithUmask } from '../helpers/cli.js';
import { startDistServerForTest } from '../helpers/dist-server.js';
import { cleanEnv, tempDir } from '../helpers/env.js';

/** Every directory under `root` (itself included), relative to it, with its permission bits. */
function dirModes(root: string): Record<string, string> {
  const modes: Record<string, string> = {};
  const walk = (dir: string) => {
    modes[path.relative(root, dir) || '.'] = (statSync(dir).mode & 0o7777).toString(8);
    for (const entry of readdirSync(dir, { withFileTypes: true }))
      if (entry.isDirectory()) walk(path.join(dir, entry.name));
  };
  walk(root);
  return modes;
}

/** Every file under `root`, relative to it, that others than its owner may write to. */
function writableByOthers(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.isFile() && (statSync(file).mode & 0o022) !== 0)
        found.push(path.relative(root, file));
    }
  };
  walk(root);
  return found;
}

describe("launcher's own files", () => {
  it('are writable by their owner alone under umask 000, the cached archive included', async () => {
    const server = await startDistServerForTest({ versions: [{ version: '1.0.0' }] });
    const env = cleanEnv({ LAUNCHER_DIST_URL: server.indexUrl });
    const cwd = tempDir('launcher-project-');
    for (const args of [
      ['install', '1.0.0'],
      ['global', '1.0.0'],
      ['exec', 'mycc'],
    ]) {
      const r = await launcherWithUmask('000', args, { env, cwd });
      expect(r.code, r.stderr).toBe(0);
    }
    const home = env.LAUNCHER_HOME!;
    expect(readdirSync(path.join(home, 'cache', 'downloads', '1.0.0'))).toHaveLength(1);
    expect(writableByOthers(home)).toEqual([]);
  });
});

describe("launcher's own directories", () => {
  it.each([
    // No umask at all: 0755, never the 0777 mkdir(2) would give.
    { umask: '000', own: '755' },
    // A stricter umask still applies.
    { umask: '077', own: '700' },
  ])(
    'are writable by their owner alone under umask $umask, the state directory 0700',
    async ({ umask, own }) => {
      const server = await startDistServerForTest({
        versions: [
          {
            version: '1.0.0',
            // Prints the mode of its socket's directory, which is gone once the run ends.
            files: {
              'bin/mycc': {
                content: '#!/bin/sh\nls -ld "$(dirname "$LAUNCHER_SOCKET")"\n',
                mode: 0o755,
              },
            },
          },
        ],
      });
      // A home that does not exist yet: launcher creates it too.
      const home = path.join(tempDir('launcher-home-'), 'home');
      const env = cleanEnv({ LAUNCHER_HOME: home, LAUNCHER_DIST_URL: server.indexUrl });
      const cwd = tempDir('launcher-project-');
      for (const args of [['install', '1.0.0'], ['global', '1.0.0'], ['rehash']]) {
        const r = await launcherWithUmask(umask, args, { env, cwd });
        expect(r.code, r.stderr).toBe(0);
      }
      const exec = await launcherWithUmask(umask, ['exec', 'mycc'], { env, cwd });
      expect(exec.code, exec.stderr).toBe(0);
      expect(exec.stdout).toMatch(/^drwx------ /);

      const modes = dirModes(home);
      // The state directory and the code cache are private, whatever the umask.
      const isPrivate = (dir: string) => dir === 'state' || /^(state|cache\/code)(\/|$)/.test(dir);
      const expected = Object.fromEntries(
        Object.keys(modes).map((dir) => [dir, isPrivate(dir) ? '700' : own]),
      );
      expect(modes).toEqual(expected);
      // Those this test is about are among them.
      expect(Object.keys(modes)).toEqual(
        expect.arrayContaining([
          '.',
          'versions',
          'versions/1.0.0',
          'versions/1.0.0/bin',
          'shims',
          'cache',
          'cache/index',
          'cache/downloads/1.0.0',
          'config',
          'state/sockets',
        ]),
      );
    },
  );
});
