// `launcher status --json` through a session's life: starting, ready with its port, backoff, gone
// after the launcher exits, and pruned after the launcher was killed with SIGKILL.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeProcess } from '../../src/session/process-identity.js';
import type { Session } from '../../src/session/session.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/env.js';
import { execSession } from './exec-session.js';

const PORT_SERVER = path.join(REPO_ROOT, 'test', 'session', 'fixtures', 'port-server.mjs');
const CRASH = path.join(REPO_ROOT, 'test', 'fixtures', 'crash.mjs');
const COOPERATIVE = path.join(REPO_ROOT, 'test', 'fixtures', 'cooperative-server.mjs');

describe('status --json through the life of a session', () => {
  it('shows starting until the server reports ready, then ready with its port; after exit the session is gone', async () => {
    const ports = path.join(tempDir(), 'ports');
    const run = execSession(PORT_SERVER, [ports, 'wait'], { LAUNCHER_READY_TIMEOUT_MS: '60000' });
    // Connected with `server: true` but not ready: the fixture waits for SIGUSR1.
    await run.line(/waiting for SIGUSR1/);
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
