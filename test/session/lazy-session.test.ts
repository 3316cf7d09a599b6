// A session is registered lazily: when its child connects, or once it has run for a moment. What
// a short-lived child publishes is kept all the same, and a longer run is listed as before.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LauncherContext } from '../../src/context.js';
import { readKept } from '../../src/diagnostics/kept-file.js';
import { LiveSession } from '../../src/session/live-session.js';
import { listSessions } from '../../src/session/registry.js';
import { settingsFromEnv } from '../../src/supervisor/settings.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/env.js';

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures');

function session(script: string, args: string[], registerAfterMs?: number) {
  const env = cleanEnv({ LAUNCHER_RESTART: 'no', LAUNCHER_STOP_TIMEOUT_MS: '300' });
  const project = tempDir('launcher-project-');
  const ctx = new LauncherContext(env, project);
  const start = LiveSession.start({
    ctx,
    bin: 'mycc',
    file: process.execPath,
    args: [path.join(FIXTURES, script), ...args],
    version: '1.0.0',
    tool: 'mycc',
    projectRoot: project,
    settings: settingsFromEnv(env),
    stdio: 'pipe',
    log: () => {},
    ...(registerAfterMs === undefined ? {} : { registerAfterMs }),
  });
  return { ctx, project, start };
}

describe('a lazily registered session', () => {
  it('keeps what a child published when it connected and ended before the registration delay', async () => {
    const { ctx, project, start } = session('flood.mjs', ['3'], 3_600_000);
    const live = await start;
    expect(await live.wait()).toMatchObject({ code: 0, cause: 'exited' });
    expect(readKept(ctx.paths, project)).toEqual([
      {
        uri: 'file:///flood.my',
        diagnostics: [expect.objectContaining({ message: 'problem 2' })],
      },
    ]);
    expect(listSessions(ctx.paths)).toEqual([]);
  });

  it('is listed, with the time the run started, once a child that never connects has run a moment', async () => {
    const { ctx, start } = session('grandchild-spawner.mjs', []);
    const live = await start;
    const startedAt = live.supervisor.snapshot().startedAt;
    await expect.poll(() => listSessions(ctx.paths), { timeout: 5000 }).toHaveLength(1);
    const [listed] = listSessions(ctx.paths);
    expect(listed).toMatchObject({
      bin: 'mycc',
      state: 'starting',
      childPid: live.supervisor.snapshot().childPid,
      startedAt,
    });
    await live.supervisor.stop();
    await live.wait();
    expect(listSessions(ctx.paths)).toEqual([]);
  });

  it('gives its control socket at once when asked to register', async () => {
    const { ctx, start } = session('grandchild-spawner.mjs', [], 3_600_000);
    const live = await start;
    const control = await live.register();
    expect(listSessions(ctx.paths)).toMatchObject([{ control }]);
    await live.supervisor.stop();
    await live.wait();
  });
});
