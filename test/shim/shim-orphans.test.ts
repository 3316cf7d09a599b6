// No orphans on the real path: SIGKILL the launcher behind a shim (bundled) or `launcher exec`
// (unbundled CLI), and the compiler with the grandchild it started is gone within 2 s.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LAUNCHER_BIN, launcher } from '../helpers/cli.js';
import { startDistServerForTest } from '../helpers/dist-server.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { openTerminal, TERMINAL_KIND, type Terminal } from '../helpers/terminal.js';
import { alive, allGone, watchText } from '../supervisor/helpers.js';

// A compiler that starts a grandchild deaf to the polite signals, says who is who (the launcher
// is its parent), and waits. The grandchild ends on its own after a minute, whatever happens.
const MYCC = `#!/bin/sh
(trap '' TERM INT HUP; exec sleep 60) &
echo "pids $PPID $$ $!"
wait
`;
const PIDS = /pids (\d+) (\d+) (\d+)/;

const terminals: Terminal[] = [];
const survivors: number[] = [];
afterEach(() => {
  for (const pid of survivors.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
  for (const t of terminals.splice(0)) t.close();
});

// A home with mycc 1.0.0 installed and its shim written, and a project pinned to it.
async function world() {
  const server = await startDistServerForTest({
    versions: [{ version: '1.0.0', files: { 'bin/mycc': { content: MYCC, mode: 0o755 } } }],
  });
  const env = cleanEnv({ LAUNCHER_DIST_URL: server.indexUrl, LAUNCHER_RESTART: 'no' });
  const project = tempDir('launcher-project-');
  writeFileSync(path.join(project, '.tool-version'), '1.0.0\n');
  expect((await launcher(['install'], { env, cwd: project })).code).toBe(0);
  expect((await launcher(['rehash'], { env, cwd: project })).code).toBe(0);
  return { env, project, shim: path.join(env.LAUNCHER_HOME!, 'shims', 'mycc') };
}

// Kill the launcher outright and expect its compiler and the grandchild gone 2 s later.
async function killLauncherAndExpectNoOrphans(line: string): Promise<void> {
  const [, launcherPid, child, grandchild] = line.match(PIDS)!.map(Number) as number[];
  survivors.push(child!, grandchild!);
  expect([alive(child!), alive(grandchild!)]).toEqual([true, true]);
  process.kill(launcherPid!, 'SIGKILL');
  await allGone([child!, grandchild!], 2000);
}

describe('when the launcher is SIGKILLed, no descendant of the compiler survives', () => {
  it('through the shim, the compiler in a process group of its own', async () => {
    const { env, project, shim } = await world();
    const host = spawn(shim, [], { env, cwd: project, stdio: ['ignore', 'pipe', 'inherit'] });
    await killLauncherAndExpectNoOrphans(await watchText(host.stdout).line(PIDS));
  });

  it('through launcher exec, the compiler in a process group of its own', async () => {
    const { env, project } = await world();
    const host = spawn(process.execPath, [LAUNCHER_BIN, 'exec', 'mycc'], {
      env,
      cwd: project,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await killLauncherAndExpectNoOrphans(await watchText(host.stdout).line(PIDS));
  });

  it(`through the shim in a real terminal (${TERMINAL_KIND}), the compiler in its group`, async () => {
    const { env, project, shim } = await world();
    const term = openTerminal({ ...env, SHIM: shim }, project);
    terminals.push(term);
    await term.waitFor(/[$#] $/m);
    term.type('"$SHIM"\n');
    const [line] = await term.waitFor(PIDS);
    await killLauncherAndExpectNoOrphans(line);
  });
});
