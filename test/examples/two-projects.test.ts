// The sample compiler pinned in two projects at once: each runs its own version on its own port.
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { launcher } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { SAMPLES, useSampleDist } from './sample-fixture.js';

const { dist } = useSampleDist();
const servers: ChildProcess[] = [];
afterEach(() => {
  for (const child of servers.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('two projects at once', () => {
  it('runs 1.4.2 and 2.0.0 side by side, each reporting its own port', async () => {
    const env = cleanEnv({ LAUNCHER_DIST_URL: pathToFileURL(dist().indexPath).href });
    const projects = [
      ['1.4', 'hello.my'],
      ['2.0.0', 'template.my'],
    ].map(([pin, sample]) => {
      const dir = tempDir('launcher-project-');
      writeFileSync(path.join(dir, '.tool-version'), `${pin}\n`);
      copyFileSync(path.join(SAMPLES, sample!), path.join(dir, sample!));
      return dir;
    });
    expect((await launcher(['rehash'], { env, cwd: projects[0]! })).code).toBe(0);
    const shim = path.join(env.LAUNCHER_HOME!, 'shims', 'mycc');
    for (const cwd of projects) servers.push(spawn(shim, ['serve'], { env, cwd, stdio: 'ignore' }));

    const ready = async () => {
      const sessions = JSON.parse(
        (await launcher(['status', '--json'], { env, cwd: projects[0]! })).stdout,
      );
      return projects.map((dir) =>
        sessions.find(
          (s: { projectRoot: string; state: string }) =>
            s.projectRoot === dir && s.state === 'ready',
        ),
      );
    };
    await expect.poll(async () => (await ready()).every(Boolean), { timeout: 20_000 }).toBe(true);
    const [one, two] = await ready();
    expect([one.version, two.version]).toEqual(['1.4.2', '2.0.0']);
    expect(one.port).not.toBe(two.port);
    for (const s of [one, two]) {
      const page = (await (await fetch(`http://127.0.0.1:${s.port}/`)).json()) as {
        version: string;
      };
      expect(page.version).toBe(s.version);
    }
    for (const dir of projects) expect((await launcher(['stop'], { env, cwd: dir })).code).toBe(0);
  });
});
