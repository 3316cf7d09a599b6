// A real supervised session end to end: `launcher exec` runs a protocol-speaking compiler, and
// `status`, `diagnostics`, `restart`, `stop` and the control socket act on it from outside.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectControl, sendControl } from '../../src/session/control-client.js';
import { launcher, REPO_ROOT } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { execSession, readySession } from './exec-session.js';

const COOPERATIVE = path.join(REPO_ROOT, 'test', 'fixtures', 'cooperative-server.mjs');
const IGNORES_SIGTERM = path.join(REPO_ROOT, 'test', 'fixtures', 'ignores-sigterm.mjs');
// Without flags it never connects to the launcher, and SIGTERM ends it.
const SIGNAL_CHILD = path.join(REPO_ROOT, 'test', 'fixtures', 'signal-child.mjs');

/** `launcher exec` running the cooperative server, once `status` shows it ready. */
async function liveSession(extra?: NodeJS.ProcessEnv) {
  const run = await readySession(COOPERATIVE, [], extra);
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

  // Protocol §5: params reach the child exactly as the client sent them; JSON-RPC allows only
  // structured params, so a scalar is refused at the control socket.
  it('forwards the params of launcher/request exactly: arrays and objects, empty ones, none', async () => {
    const { session } = await liveSession();
    const forward = (params: Record<string, unknown>) =>
      sendControl(session.control!, 'launcher/request', { method: 'coop/echo', ...params });
    for (const params of [[], {}, [1, 'a'], [[2]], [null], { list: [] }]) {
      expect(await forward({ params })).toEqual({ echoed: params, session: session.session });
    }
    expect(await forward({})).toEqual({ session: session.session });
    for (const params of ['str', 0, true]) {
      await expect(forward({ params })).rejects.toMatchObject({
        code: -32602,
        message:
          'launcher/request "params" must be an array or an object (or absent), as JSON-RPC requires',
      });
    }
  });

  // Spec §8: a JSON-RPC error when the child is not connected; the launcher's own message, not
  // vscode-jsonrpc's "Request … failed with message: …" around it.
  it('answers launcher/request for a child that is not connected with a plain JSON-RPC error', async () => {
    const run = execSession(SIGNAL_CHILD, []);
    await expect
      .poll(async () => (await run.status())[0]?.control, { timeout: 15_000 })
      .toBeTruthy();
    const [session] = await run.status();
    await expect(
      sendControl(session!.control!, 'launcher/request', { method: 'x/y' }),
    ).rejects.toMatchObject({
      code: -32803,
      message: 'mycc is not connected to the launcher',
      data: { hint: expect.stringMatching(/speaks the launcher protocol/) },
    });
    await run.stop();
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

  it('refuses a restart that arrives behind a stop: the session has ended, no child is started', async () => {
    const { exited, session } = await liveSession();
    const client = await connectControl(session.control!);
    try {
      // One connection, so the two arrive in this order and are carried out in it.
      const stop = client.connection.sendRequest('launcher/stop', {});
      const restart = client.connection.sendRequest('launcher/restart', {}).then(
        () => 'restarted',
        (error: Error) => error.message,
      );
      expect(await stop).toEqual({});
      expect(await restart).toMatch(/^the session has ended \(\w+\): it cannot be restarted$/);
    } finally {
      client.close();
    }
    expect(await exited).toEqual({ code: 0, signal: null });
  });

  it('gives up on a session whose launcher does not answer (SIGSTOP), naming its pid', async () => {
    const stopTimeoutMs = 300;
    const { env, project, child, session } = await liveSession({
      LAUNCHER_STOP_TIMEOUT_MS: String(stopTimeoutMs),
    });
    expect(session.pid).toBe(child.pid);
    process.kill(session.pid, 'SIGSTOP');
    try {
      const started = Date.now();
      const [stop, restart] = await Promise.all([
        launcher(['stop'], { env, cwd: project }),
        launcher(['restart'], { env, cwd: project }),
      ]);
      const elapsed = Date.now() - started;
      for (const [r, method] of [
        [stop, 'stop'],
        [restart, 'restart'],
      ] as const) {
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(
          new RegExp(
            `^launcher: session ${session.session} did not carry out launcher ${method} within \\d+ s: its launcher \\(pid ${session.pid}\\) does not answer\n\n`,
          ),
        );
        expect(r.stderr).toContain(`kill -CONT ${session.pid}`);
        expect(r.stderr).toContain(`kill -KILL ${session.pid}`);
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
      // The stop timeout and a margin of 5 s, one check of at most 2 s, and two CLI starts.
      expect(elapsed).toBeGreaterThanOrEqual(stopTimeoutMs + 5000);
      expect(elapsed).toBeLessThan(stopTimeoutMs + 5000 + 2000 + 5000);
    } finally {
      process.kill(session.pid, 'SIGCONT');
      child.kill('SIGKILL');
    }
  }, 40_000);

  it('keeps waiting for a slow stop while the session still answers, and says so', async () => {
    // The session kills its SIGTERM-deaf compiler only after 8 s; this stop expects 0.2 s.
    const run = execSession(IGNORES_SIGTERM, [], { LAUNCHER_STOP_TIMEOUT_MS: '8000' });
    await expect.poll(async () => (await run.status()).length, { timeout: 15_000 }).toBe(1);
    const [session] = await run.status();
    const r = await launcher(['stop'], {
      env: { ...run.env, LAUNCHER_STOP_TIMEOUT_MS: '200' },
      cwd: session!.projectRoot,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      `session ${session!.session} (pid ${session!.pid}) is still stopping`,
    );
    expect(r.stderr).toContain('stopped mycc 1.0.0');
    expect(await run.exited).toEqual({ code: null, signal: 'SIGKILL' });
  }, 40_000);

  it('says there is nothing to stop or restart when the project has no live session', async () => {
    const env = cleanEnv();
    const project = tempDir();
    expect(await launcher(['stop'], { env, cwd: project })).toMatchObject({ code: 0 });
    const restart = await launcher(['restart'], { env, cwd: project });
    expect(restart.code).toBe(2);
    expect(restart.stderr).toContain('no live session');
  });
});
