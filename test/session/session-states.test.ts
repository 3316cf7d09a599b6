// `launcher status --json` through a session's life: starting, ready with its port, backoff, gone
// after the launcher exits, and pruned after the launcher was killed with SIGKILL.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { probeProcess } from '../../src/session/process-identity.js';
import type { Session } from '../../src/session/session.js';
import { LAUNCHER_BIN, launcher, REPO_ROOT } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { placeVersion } from '../helpers/store.js';

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

const PORT_SERVER = path.join(REPO_ROOT, 'test', 'session', 'fixtures', 'port-server.mjs');
const CRASH = path.join(REPO_ROOT, 'test', 'fixtures', 'crash.mjs');
const COOPERATIVE = path.join(REPO_ROOT, 'test', 'fixtures', 'cooperative-server.mjs');

/**
 * `launcher exec mycc` in a fresh project pinned to 1.0.0, whose `mycc` execs Node on `script`
 * with `args`. Returns the launcher process, its exit, and `status --json` for its home.
 */
function execSession(script: string, args: string[], extra: NodeJS.ProcessEnv = {}) {
  const env = cleanEnv({ LAUNCHER_STOP_TIMEOUT_MS: '2000', ...extra });
  const home = env.LAUNCHER_HOME!;
  const project = tempDir('launcher-project-');
  writeFileSync(path.join(project, '.tool-version'), '1.0.0\n');
  const words = [process.execPath, script, ...args].map((w) => `'${w}'`).join(' ');
  placeVersion(home, '1.0.0', { script: `#!/bin/sh\nexec ${words}\n` });
  const child = spawn(process.execPath, [LAUNCHER_BIN, 'exec', 'mycc'], {
    env,
    cwd: project,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const stdoutLines = createInterface({ input: child.stdout! });
  /** Resolves with the first line the child prints that contains `text`. */
  const line = (text: string) =>
    new Promise<string>((resolve) =>
      stdoutLines.on('line', (l) => {
        if (l.includes(text)) resolve(l);
      }),
    );
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  const status = async (): Promise<Session[]> => {
    const r = await launcher(['status', '--json'], { env, cwd: project });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    return JSON.parse(r.stdout) as Session[];
  };
  const sessionFile = (id: string) => path.join(home, 'state', 'sessions', `${id}.json`);
  return { env, home, project, child, exited, status, sessionFile, line, stderr: () => stderr };
}

describe('status --json through the life of a session', () => {
  it('shows starting until the server reports ready, then ready with its port; after exit the session is gone', async () => {
    const ports = path.join(tempDir(), 'ports');
    const run = execSession(PORT_SERVER, [ports, 'wait'], { LAUNCHER_READY_TIMEOUT_MS: '60000' });
    // Connected with `server: true` but not ready: the fixture waits for SIGUSR1.
    await run.line('waiting for SIGUSR1');
    const [starting] = await run.status();
    expect(starting).toMatchObject({ state: 'starting', port: null, restarts: 0, bin: 'mycc' });
    expect(existsSync(run.sessionFile(starting!.session))).toBe(true);

    process.kill(starting!.childPid!, 'SIGUSR1');
    await expect
      .poll(async () => (await run.status())[0]?.state, { timeout: 15_000 })
      .toBe('ready');
    const [ready] = await run.status();
    expect(ready).toMatchObject({
      session: starting!.session,
      childPid: starting!.childPid,
      port: Number(readFileSync(ports, 'utf8').trim()),
      restarts: 0,
    });

    run.child.kill('SIGTERM');
    await run.exited;
    expect(await run.status()).toEqual([]);
    expect(existsSync(run.sessionFile(ready!.session))).toBe(false);
  });

  it('shows backoff, with no child, while a crashed child waits to be restarted', async () => {
    // Every run dies of a signal nobody sent: restarted under the default policy, with a delay
    // that doubles per crash (200 ms, 400 ms, …), so a poll is sure to land in one.
    const run = execSession(CRASH, ['SIGKILL'], { LAUNCHER_MAX_RESTARTS: '20' });
    let backoff: Session | undefined;
    await expect
      .poll(
        async () => {
          const [session] = await run.status();
          if (session?.state === 'backoff') backoff = session;
          return session?.state;
        },
        { timeout: 20_000, interval: 10 },
      )
      .toBe('backoff');
    expect(backoff).toMatchObject({ childPid: null, port: null, bin: 'mycc' });
    expect(run.stderr()).toMatch(/killed by SIGKILL.*; restarting in \d+ ms \(restart 1\)/);

    run.child.kill('SIGTERM');
    await run.exited;
    expect(await run.status()).toEqual([]);
  });

  it('prunes the session of a launcher killed with SIGKILL, removing its file', async () => {
    const run = execSession(COOPERATIVE, []);
    await expect
      .poll(async () => (await run.status())[0]?.state, { timeout: 15_000 })
      .toBe('ready');
    const [session] = await run.status();
    const file = run.sessionFile(session!.session);

    run.child.kill('SIGKILL');
    expect(await run.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // Nothing removed it: the launcher had no chance to.
    expect(existsSync(file)).toBe(true);
    expect(await run.status()).toEqual([]);
    expect(existsSync(file)).toBe(false);
    // And its compiler did not outlive it (the watchdog's job, spec §6).
    await expect.poll(() => probeProcess(session!.childPid!).alive, { timeout: 5000 }).toBe(false);
  });
});
