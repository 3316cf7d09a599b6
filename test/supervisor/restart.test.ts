// Restarts: policies, the start limit, hung children, and controls that meet a restart.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { signalRefusal } from '../../src/supervisor/process-tree.js';
import { tempDir } from '../helpers/env.js';
import { FakeClock } from './fake-clock.js';
import { alive, fixture, nextEvent, record, supervise } from './helpers.js';

describe('a child that crashes once', () => {
  it('is restarted, becomes ready again on a new port, and the snapshot follows', async () => {
    const marker = path.join(tempDir(), 'crashed');
    const { supervisor, lines } = supervise(fixture('crash-once.mjs', marker), { name: 'mycc' });
    const readies = record(supervisor, 'ready');
    const exits = record(supervisor, 'exit');
    const restarting = nextEvent(supervisor, 'restarting');
    const secondReady = nextEvent(supervisor, 'ready', () => readies.length === 2);
    await supervisor.start();
    const firstPid = supervisor.snapshot().childPid;
    expect(await restarting).toEqual([{ delayMs: 0, cause: 'killed', attempt: 1 }]);
    const [second] = await secondReady;
    expect(second.port).not.toBe(readies[0]?.[0].port);
    expect(exits[0]?.[0]).toMatchObject({ pid: firstPid, signal: 'SIGKILL', cause: 'killed' });
    const snapshot = supervisor.snapshot();
    expect(snapshot).toMatchObject({ state: 'ready', port: second.port, restarts: 1 });
    expect(snapshot.childPid).not.toBe(firstPid);
    expect(lines).toContain('launcher: mycc was killed by SIGKILL; restarting in 0 ms (restart 1)');
  });
});

describe('a child that always crashes', () => {
  it('says "once" when it gives up after the first crash (no restarts allowed)', async () => {
    const { supervisor, lines } = supervise(fixture('crash.mjs', '3'), {
      restart: 'on-failure',
      maxRestarts: 0,
      name: 'mycc',
    });
    await supervisor.start();
    expect(await supervisor.wait()).toMatchObject({ code: 3, cause: 'failed', restarts: 0 });
    expect(lines.at(-1)).toBe(
      'launcher: mycc ended once within the restart window; giving up. Last: exited with code 3. ' +
        'Its own output may say why; to allow more restarts, raise LAUNCHER_MAX_RESTARTS (now 0).',
    );
  });

  it('gives up after the start limit, saying how many crashes and the last cause', async () => {
    const { supervisor, lines } = supervise(fixture('crash.mjs', '3'), {
      restart: 'on-failure',
      maxRestarts: 2,
      name: 'mycc',
    });
    const gaveUp = nextEvent(supervisor, 'gave-up');
    const exits = record(supervisor, 'exit');
    await supervisor.start();
    expect(await gaveUp).toEqual([{ crashes: 3, cause: 'failed' }]);
    expect(exits).toHaveLength(3);
    expect(lines.at(-1)).toBe(
      'launcher: mycc ended 3 times within the restart window; giving up. Last: exited with code 3. ' +
        'Its own output may say why; to allow more restarts, raise LAUNCHER_MAX_RESTARTS (now 2).',
    );
    expect(await supervisor.wait()).toEqual({
      code: 3,
      signal: null,
      cause: 'failed',
      restarts: 2,
    });
    expect(supervisor.snapshot().state).toBe('failed');
  });
});

describe('restart policies', () => {
  const cases = [
    ['no', 'SIGABRT', false],
    ['on-abnormal', 'SIGABRT', true],
    ['on-abnormal', '3', false],
    ['on-failure', '3', true],
    ['on-failure', '0', false],
    ['always', '0', true],
  ] as const;
  for (const [policy, how, restarted] of cases) {
    it(`${restarted ? 'restarts' : 'does not restart'} a child ending with ${how} under "${policy}"`, async () => {
      const { supervisor } = supervise(fixture('crash.mjs', how), {
        restart: policy,
        maxRestarts: 1,
      });
      const restarts = record(supervisor, 'restarting');
      await supervisor.start();
      const outcome = await supervisor.wait();
      expect(restarts.length).toBe(restarted ? 1 : 0);
      expect(outcome.restarts).toBe(restarted ? 1 : 0);
    });
  }
});

describe('hung children', () => {
  it('kills a server that does not report ready within the readiness timeout', async () => {
    const { supervisor, lines } = supervise(fixture('never-ready.mjs'), {
      readyTimeoutMs: 300,
      restart: 'no',
      name: 'mycc',
    });
    const connected = nextEvent(supervisor, 'connected');
    await supervisor.start();
    await connected;
    expect(supervisor.snapshot().state).toBe('starting');
    expect(await supervisor.wait()).toMatchObject({ signal: 'SIGTERM', cause: 'ready-timeout' });
    expect(supervisor.snapshot().state).toBe('failed');
    expect(
      lines.some((l) => /mycc \(pid \d+\) did not report ready within 300 ms; stopping it/.test(l)),
    ).toBe(true);
  });

  it('kills a child whose heartbeats stop for three intervals', async () => {
    const { supervisor, lines } = supervise(fixture('heartbeat-stops.mjs'), { restart: 'no' });
    const log = nextEvent(supervisor, 'log');
    await supervisor.start();
    expect((await log)[0].message).toBe('about to hang');
    expect(await supervisor.wait()).toMatchObject({
      signal: 'SIGTERM',
      cause: 'heartbeat-timeout',
    });
    expect(lines.some((l) => /sent no heartbeat for \d+ ms; stopping it/.test(l))).toBe(true);
  });

  it('takes any message as a sign of life: a child busy sending diagnostics is not hung', async () => {
    const { supervisor, stdout, lines } = supervise(
      fixture('raw-child.mjs', 'busy-without-heartbeats'),
      { restart: 'no' },
    );
    const logs = record(supervisor, 'log');
    await supervisor.start();
    // Alive through 1.5 s of messages without a heartbeat (the limit is 600 ms), hung once they stop.
    expect(await supervisor.wait()).toMatchObject({ cause: 'heartbeat-timeout' });
    expect(stdout()).toBe('accepted\nquiet\n');
    expect(logs.length).toBeGreaterThan(3);
    expect(lines.some((l) => /sent no heartbeat for \d+ ms; stopping it/.test(l))).toBe(true);
  });

  it('restarts a hung child under the default policy', async () => {
    const { supervisor } = supervise(fixture('never-ready.mjs'), {
      readyTimeoutMs: 200,
      maxRestarts: 1,
    });
    const gaveUp = nextEvent(supervisor, 'gave-up');
    await supervisor.start();
    expect(await gaveUp).toEqual([{ crashes: 2, cause: 'ready-timeout' }]);
  });
});

describe('controls meeting restarts', () => {
  it('cancels the pending restart when a stop comes during the backoff: no new child appears', async () => {
    const clock = new FakeClock();
    const { supervisor } = supervise(fixture('crash.mjs', '1'), {
      restart: 'on-failure',
      backoffBaseMs: 10_000,
      random: () => 0.5,
      clock,
    });
    const restarting = nextEvent(supervisor, 'restarting');
    await supervisor.start();
    expect(await restarting).toEqual([{ delayMs: 10_000, cause: 'failed', attempt: 1 }]);
    expect(supervisor.snapshot().state).toBe('backoff');
    const states = record(supervisor, 'state');
    await supervisor.stop();
    clock.advance(60_000);
    // Had the restart fired, its spawn would sit in the queue ahead of this signal.
    await expect(supervisor.signal('SIGUSR1')).rejects.toMatchObject({ code: 'E_SESSION' });
    expect(states.map(([s]) => s.state)).toEqual(['exited']);
    // Ends as a child that honoured the stop's signal would have, not as the last crash did.
    expect(await supervisor.wait()).toEqual({
      code: null,
      signal: 'SIGTERM',
      cause: 'stopped',
      restarts: 0,
    });
  });

  it('starts the child again at once when start() comes during the backoff', async () => {
    const clock = new FakeClock();
    const { supervisor } = supervise(fixture('crash.mjs', '1'), {
      restart: 'on-failure',
      backoffBaseMs: 10_000,
      maxRestarts: 1,
      clock,
    });
    const restarting = nextEvent(supervisor, 'restarting');
    await supervisor.start();
    await restarting;
    const gaveUp = nextEvent(supervisor, 'gave-up');
    await supervisor.start();
    expect(supervisor.snapshot()).toMatchObject({ restarts: 1 });
    await gaveUp;
  });

  it('restarts a child on request: the old one stops gracefully, a new one becomes ready', async () => {
    const { supervisor } = supervise(fixture('cooperative-server.mjs'));
    const firstReady = nextEvent(supervisor, 'ready');
    await supervisor.start();
    await firstReady;
    const firstPid = supervisor.snapshot().childPid;
    const exits = record(supervisor, 'exit');
    const secondReady = nextEvent(supervisor, 'ready');
    await supervisor.restart();
    expect(exits).toEqual([
      [expect.objectContaining({ pid: firstPid, code: 0, cause: 'stopped' })],
    ]);
    await secondReady;
    expect(supervisor.snapshot()).toMatchObject({ state: 'ready', restarts: 1 });
    expect(supervisor.snapshot().childPid).not.toBe(firstPid);
  });

  it('never starts the new child before the old one and its descendants are gone', async () => {
    const { supervisor, line } = supervise(fixture('grandchild-spawner.mjs'), {
      processGroup: 'own',
    });
    await supervisor.start();
    const first = JSON.parse(await line(/^\{/));
    const survivorsAtSpawn: boolean[] = [];
    supervisor.on('state', (s) => {
      if (s.state === 'starting')
        survivorsAtSpawn.push(alive(first.child), alive(first.grandchild));
    });
    await supervisor.restart();
    expect(survivorsAtSpawn).toEqual([false, false]);
  });

  it('carries out controls in the order they were sent', async () => {
    const { supervisor } = supervise(fixture('ignores-sigterm.mjs'), { stopTimeoutMs: 200 });
    const states = record(supervisor, 'state');
    const done: string[] = [];
    await Promise.all([
      supervisor.start().then(() => done.push('start')),
      supervisor.stop().then(() => done.push('stop')),
      supervisor.start().then(() => done.push('start again')),
      supervisor.restart().then(() => done.push('restart')),
      supervisor.stop().then(() => done.push('stop again')),
    ]);
    expect(done).toEqual(['start', 'stop', 'start again', 'restart', 'stop again']);
    expect(states.map(([s]) => s.state)).toEqual([
      'starting',
      'stopping',
      'exited',
      'starting',
      'stopping',
      'starting',
      'stopping',
      'exited',
    ]);
  });
});

describe('a supervisor stopped before it ever started', () => {
  it('has ended: wait() says stopped, with neither code nor signal, and start() still runs a child', async () => {
    const { supervisor } = supervise(fixture('crash.mjs', '3'), { restart: 'no' });
    await supervisor.stop();
    expect(await supervisor.wait()).toEqual({
      code: null,
      signal: null,
      cause: 'stopped',
      restarts: 0,
    });
    await supervisor.start();
    expect(await supervisor.wait()).toMatchObject({ code: 3, cause: 'failed' });
  });
});

describe('signals sent through the supervisor', () => {
  it('delivers the signal, and a death by it counts as asked for: no restart', async () => {
    const { supervisor, line } = supervise(fixture('ignores-sigterm.mjs'), {
      restart: 'on-abnormal',
    });
    await supervisor.start();
    await line(/^running$/);
    await supervisor.signal('SIGUSR2');
    expect(await supervisor.wait()).toEqual({
      code: null,
      signal: 'SIGUSR2',
      cause: 'signaled',
      restarts: 0,
    });
  });

  it('refuses an unknown signal name, and any signal when no child runs', async () => {
    const { supervisor } = supervise(fixture('ignores-sigterm.mjs'));
    await expect(supervisor.signal('SIGNOPE' as NodeJS.Signals)).rejects.toMatchObject({
      code: 'E_USAGE',
    });
    await expect(supervisor.signal('SIGUSR1')).rejects.toMatchObject({ code: 'E_SESSION' });
  });

  // Windows' process.kill refuses all but SIGINT, SIGTERM and SIGKILL with ENOSYS; the control
  // then answers an error naming the signal, not {} as if it had been sent.
  it('turns a signal the system would not send into an error naming it, but not a child gone', () => {
    const kill = (code: string) =>
      Object.assign(new Error(`kill ${code}`), { code, errno: -38, syscall: 'kill' });
    const enosys = kill('ENOSYS');
    expect(signalRefusal(enosys, 'SIGHUP', 4242)).toMatchObject({
      code: 'E_SESSION',
      message: 'could not send SIGHUP to the child (pid 4242): kill ENOSYS',
      hint: expect.stringContaining('launcher/stop'),
      cause: enosys,
    });
    expect(signalRefusal(kill('EPERM'), 'SIGUSR1', 4242)?.message).toContain('SIGUSR1');
    expect(signalRefusal(kill('ESRCH'), 'SIGHUP', 4242)).toBeUndefined();
  });

  it('refuses an unknown signal for stop() as signal() does, and the child runs on', async () => {
    const { supervisor, line } = supervise(fixture('ignores-sigterm.mjs'));
    await supervisor.start();
    await line(/^running$/);
    const pid = supervisor.snapshot().childPid!;
    await expect(
      supervisor.stop('test', { signal: 'SIGFOO' as NodeJS.Signals }),
    ).rejects.toMatchObject({ code: 'E_USAGE', message: 'unknown signal SIGFOO' });
    expect(supervisor.snapshot()).toMatchObject({ state: 'starting', childPid: pid });
    expect(alive(pid)).toBe(true);
  });
});
