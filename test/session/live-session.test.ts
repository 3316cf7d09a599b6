// A real supervised session end to end: `launcher exec` runs a protocol-speaking compiler, and
// `status`, `diagnostics`, `restart`, `stop` and the control socket act on it from outside.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sendControl } from '../../src/session/control-client.js';
import { launcher, REPO_ROOT } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { readySession } from './exec-session.js';

const COOPERATIVE = path.join(REPO_ROOT, 'test', 'fixtures', 'cooperative-server.mjs');

/** `launcher exec` running the cooperative server, once `status` shows it ready. */
async function liveSession() {
  const run = await readySession(COOPERATIVE, []);
  return { ...run, project: run.session.projectRoot };
}

describe('a live session', () => {
  it('is listed by status with its port, and its diagnostics are readable', async () => {
    const { env, project, session } = await liveSession();
    expect(session).toMatchObject({
      tool: 'mycc',
      bin: 'mycc',
      version: '1.0.0',
      projectRoot: project,
      state: 'ready',
      restarts: 0,
    });
    expect(session.port).toBeGreaterThan(0);
    const diagnostics = await launcher(['diagnostics', '--json'], { env, cwd: project });
    expect(JSON.parse(diagnostics.stdout)).toEqual([
      {
        uri: 'file:///project/main.my',
        diagnostics: [expect.objectContaining({ message: 'unknown name', code: 'E1' })],
      },
    ]);
  });

  it('gets a new child from launcher restart, ready again', async () => {
    const { env, project, status, session: before } = await liveSession();
    const r = await launcher(['restart'], { env, cwd: project });
    expect(r.code).toBe(0);
    await expect
      .poll(async () => (await status())[0], { timeout: 15_000 })
      .toMatchObject({ state: 'ready', restarts: 1 });
    const [after] = await status();
    expect(after!.childPid).not.toBe(before.childPid);
    expect(after!.session).toBe(before.session);
  });

  it('forwards launcher/request to the child and returns its answer', async () => {
    const { session } = await liveSession();
    const answer = await sendControl(session.control!, 'launcher/request', {
      method: 'coop/echo',
      params: { x: 1 },
    });
    expect(answer).toEqual({ echoed: { x: 1 }, session: session.session });
  });

  it('stops gracefully through launcher stop, and the launcher exits like the child', async () => {
    const { env, project, status, exited, line } = await liveSession();
    const stopped = line(/^stopped: /);
    const r = await launcher(['stop'], { env, cwd: project });
    expect(r.code).toBe(0);
    expect(await exited).toEqual({ code: 0, signal: null });
    await stopped;
    expect(await status()).toEqual([]);
  });

  it('says there is nothing to stop or restart when the project has no live session', async () => {
    const env = cleanEnv();
    const project = tempDir();
    expect(await launcher(['stop'], { env, cwd: project })).toMatchObject({ code: 0 });
    const restart = await launcher(['restart'], { env, cwd: project });
    expect(restart.code).toBe(2);
    expect(restart.stderr).toContain('no live session');
  });
});
