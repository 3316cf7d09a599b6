// End to end: `launcher status` lists real live sessions and prunes those whose launcher died.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { launcher, REPO_ROOT } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { SPEC_SESSION_FIELDS } from '../helpers/spec.js';

const HOLD_SESSION = path.join(REPO_ROOT, 'test/session/fixtures/hold-session.mjs');
const running: ChildProcess[] = [];

afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});

/** Start a stand-in launcher that records a session with the real module; wait for the record. */
async function holdSession(env: NodeJS.ProcessEnv, projectRoot: string) {
  const child = spawn(process.execPath, [HOLD_SESSION, projectRoot], {
    env,
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  running.push(child);
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return { child, ...(JSON.parse(line) as { id: string; file: string }) };
}

describe('launcher status', () => {
  it('shows a live session with exactly the spec fields, and prunes it after kill -9', async () => {
    const env = cleanEnv();
    const project = tempDir('launcher-project-');
    const { child, id, file } = await holdSession(env, project);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);

    const live = await launcher(['status', '--json'], { env, cwd: project });
    expect(live).toMatchObject({ code: 0, stderr: '' });
    const sessions = JSON.parse(live.stdout) as Record<string, unknown>[];
    expect(sessions).toHaveLength(1);
    expect(Object.keys(sessions[0]!)).toEqual(SPEC_SESSION_FIELDS);
    expect(sessions[0]).toMatchObject({
      session: id,
      pid: child.pid,
      childPid: child.pid,
      tool: 'mycc',
      bin: 'mycc',
      version: '1.4.2',
      cwd: project,
      projectRoot: project,
      state: 'ready',
      port: 4242,
      restarts: 0,
      control: '/tmp/control.sock',
    });
    expect(new Date(sessions[0]!.startedAt as string).getTime()).not.toBeNaN();

    const text = await launcher(['status'], { env, cwd: project });
    expect(text.stdout).toBe(
      `${id}  mycc@1.4.2  ready  port 4242  pid ${child.pid} (child ${child.pid})  ${project}\n`,
    );

    child.kill('SIGKILL');
    await once(child, 'exit');
    const after = await launcher(['status', '--json'], { env, cwd: project });
    expect(after).toMatchObject({ code: 0, stdout: '[]\n' });
    expect(existsSync(file)).toBe(false);
  });

  it('lists every live session, oldest first', async () => {
    const env = cleanEnv();
    const first = await holdSession(env, tempDir('launcher-a-'));
    const second = await holdSession(env, tempDir('launcher-b-'));
    const r = await launcher(['status', '--json'], { env, cwd: tempDir() });
    const ids = (JSON.parse(r.stdout) as { session: string }[]).map((s) => s.session);
    expect(ids).toEqual([first.id, second.id]);
  });

  it('says so when there is no live session', async () => {
    const env = cleanEnv();
    const r = await launcher(['status'], { env, cwd: tempDir() });
    expect(r).toMatchObject({ code: 0, stdout: 'no live sessions\n', stderr: '' });
  });
});
