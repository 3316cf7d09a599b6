// A real supervised session end to end: `launcher exec` runs a protocol-speaking compiler, and
// `status`, `diagnostics`, `restart`, `stop` and the control socket act on it from outside.
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sendControl } from '../../src/session/control-client.js';
import { LAUNCHER_BIN, launcher, REPO_ROOT } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { placeVersion } from '../helpers/store.js';

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

const COOPERATIVE = path.join(REPO_ROOT, 'test', 'fixtures', 'cooperative-server.mjs');

async function liveSession() {
  const env = cleanEnv({ LAUNCHER_STOP_TIMEOUT_MS: '2000' });
  const project = tempDir('launcher-project-');
  writeFileSync(path.join(project, '.tool-version'), '1.0.0\n');
  placeVersion(env.LAUNCHER_HOME!, '1.0.0', {
    script: `#!/bin/sh\nexec "${process.execPath}" "${COOPERATIVE}" "$@"\n`,
  });
  const child = spawn(process.execPath, [LAUNCHER_BIN, 'exec', 'mycc'], {
    env,
    cwd: project,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let stdout = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => resolve(code)),
  );
  const status = async () =>
    JSON.parse((await launcher(['status', '--json'], { env, cwd: project })).stdout);
  await expect.poll(async () => (await status())[0]?.state, { timeout: 15_000 }).toBe('ready');
  return { env, project, child, status, exited, stdout: () => stdout };
}

describe('a live session', () => {
  it('is listed by status with its port, and its diagnostics are readable', async () => {
    const { env, project, status } = await liveSession();
    const [session] = await status();
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
    const { env, project, status } = await liveSession();
    const [before] = await status();
    const r = await launcher(['restart'], { env, cwd: project });
    expect(r.code).toBe(0);
    await expect
      .poll(async () => (await status())[0], { timeout: 15_000 })
      .toMatchObject({ state: 'ready', restarts: 1 });
    const [after] = await status();
    expect(after.childPid).not.toBe(before.childPid);
    expect(after.session).toBe(before.session);
  });

  it('forwards launcher/request to the child and returns its answer', async () => {
    const { status } = await liveSession();
    const [session] = await status();
    const answer = await sendControl(session.control, 'launcher/request', {
      method: 'coop/echo',
      params: { x: 1 },
    });
    expect(answer).toEqual({ echoed: { x: 1 }, session: session.session });
  });

  it('stops gracefully through launcher stop, and the launcher exits like the child', async () => {
    const { env, project, status, exited, stdout } = await liveSession();
    const r = await launcher(['stop'], { env, cwd: project });
    expect(r.code).toBe(0);
    expect(await exited).toBe(0);
    expect(stdout()).toContain('stopped:');
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
