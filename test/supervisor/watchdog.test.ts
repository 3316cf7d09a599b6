// The watchdog on its own: what it kills when its pipe closes, and what it leaves alone.
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { Watchdog } from '../../src/supervisor/watchdog-client.js';
import { alive, allGone, FIXTURES, watchText } from './helpers.js';

const pids: number[] = [];
afterEach(() => {
  for (const pid of pids.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

const SESSION = 'watchdog0test0id';

// grandchild-spawner.mjs: a child with a grandchild that ignores SIGTERM, SIGINT and SIGHUP. Both
// carry the session id in their environment, as every process of a supervised child does.
async function spawnTree(ownGroup: boolean): Promise<{ child: number; grandchild: number }> {
  const child = spawn(process.execPath, [`${FIXTURES}/grandchild-spawner.mjs`], {
    stdio: ['ignore', 'pipe', 'ignore'],
    detached: ownGroup,
    env: { ...process.env, LAUNCHER_SESSION: SESSION },
  });
  const tree = JSON.parse(await watchText(child.stdout!).line(/^\{/)) as {
    child: number;
    grandchild: number;
  };
  pids.push(tree.child, tree.grandchild);
  return tree;
}

function startWatchdog(): Watchdog {
  const watchdog = Watchdog.start(SESSION);
  expect(watchdog?.pid).toBeTypeOf('number');
  return watchdog!;
}

describe('the watchdog, when its pipe closes', () => {
  it('kills a tracked child’s process group, the grandchildren included', async () => {
    const tree = await spawnTree(true);
    const watchdog = startWatchdog();
    watchdog.track(tree.child, tree.child);
    watchdog.close();
    await allGone([tree.child, tree.grandchild, watchdog.pid!], 2000);
  });

  it('kills the descendants of a tracked child that shares a process group', async () => {
    const tree = await spawnTree(false);
    const watchdog = startWatchdog();
    watchdog.track(tree.child, undefined);
    watchdog.close();
    await allGone([tree.child, tree.grandchild, watchdog.pid!], 2000);
  });

  for (const ownGroup of [true, false]) {
    it(`finds and kills a child announced but never tracked, by its session id (${ownGroup ? 'own' : 'shared'} group)`, async () => {
      // The launcher died between starting the child and writing its `track` line. Another job
      // of the launcher's process group (no session id) must be left alone: that group is the
      // terminal's, and the watchdog never kills it whole.
      const bystander = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e6)'], {
        stdio: 'ignore',
      });
      pids.push(bystander.pid!);
      const watchdog = startWatchdog();
      watchdog.spawning();
      const tree = await spawnTree(ownGroup);
      watchdog.close();
      await allGone([tree.child, tree.grandchild, watchdog.pid!], 2000);
      expect(alive(bystander.pid!)).toBe(true);
    });
  }

  for (const ownGroup of [true, false]) {
    it(`finds and kills what a crashed child left, told of it, by its session id (${ownGroup ? 'own' : 'shared'} group)`, async () => {
      // The child crashed and was forgotten, a restart is coming: its orphans carry the session id.
      const tree = await spawnTree(ownGroup);
      const watchdog = startWatchdog();
      watchdog.track(tree.child, undefined);
      watchdog.leftovers();
      watchdog.forget(tree.child);
      watchdog.close();
      await allGone([tree.child, tree.grandchild, watchdog.pid!], 2000);
    });
  }

  it('kills nothing once told that what a crashed child left is settled, and ends', async () => {
    const tree = await spawnTree(false);
    const watchdog = startWatchdog();
    watchdog.leftovers();
    watchdog.settled();
    watchdog.close();
    await allGone([watchdog.pid!], 2000);
    expect([alive(tree.child), alive(tree.grandchild)]).toEqual([true, true]);
  });

  it('kills nothing it was told to forget, and ends', async () => {
    const tree = await spawnTree(true);
    const watchdog = startWatchdog();
    watchdog.track(tree.child, tree.child);
    watchdog.forget(tree.child);
    watchdog.close();
    await allGone([watchdog.pid!], 2000);
    expect([alive(tree.child), alive(tree.grandchild)]).toEqual([true, true]);
  });
});
