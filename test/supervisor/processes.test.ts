// The supervisor as a process among processes: output, exit status, signals, and no orphans.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { launcherPaths } from '../../src/paths.js';
import { Supervisor } from '../../src/supervisor/index.js';
import { watchdogsEnded } from '../../src/supervisor/watchdog-client.js';
import { run as runProgram } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import {
  alive,
  allGone,
  FIXTURES,
  fixture,
  nextEvent,
  supervise,
  superviseProcess,
  until,
} from './helpers.js';

const FOUR_MIB = 4 * 1024 * 1024;

/**
 * A child sharing the launcher's group that starts a grandchild ignoring SIGTERM and crashes at
 * once, orphaning it; and the grandchildren's pids so far, one per child started.
 */
function crashingSpawner(options: Parameters<typeof supervise>[1]) {
  const t = supervise(fixture('grandchild-spawner.mjs', 'crash'), {
    processGroup: 'shared',
    stopTimeoutMs: 300,
    ...options,
  });
  const grandchildren = () =>
    t
      .stdout()
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l).grandchild as number);
  return { ...t, grandchildren };
}

// What big-stdout.mjs writes: the alphabet, over and over.
function expectedDigest(size: number): string {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = 97 + ((i % 65536) % 26);
  return createHash('sha256').update(bytes).digest('hex');
}

describe("the child's output", () => {
  it('arrives whole through inherited stdio: 4 MiB, byte for byte', async () => {
    const run = superviseProcess(fixture('big-stdout.mjs'));
    const [code] = await run.exited;
    expect(code).toBe(0);
    const out = Buffer.from(run.stdout.text(), 'latin1');
    expect(out.length).toBe(FOUR_MIB);
    expect(createHash('sha256').update(out).digest('hex')).toBe(expectedDigest(FOUR_MIB));
  });

  it('arrives whole through piped stdio: 4 MiB, byte for byte', async () => {
    const { supervisor } = supervise(fixture('big-stdout.mjs'));
    const chunks: Buffer[] = [];
    supervisor.stdout!.removeAllListeners('data').on('data', (chunk: Buffer | string) => {
      chunks.push(Buffer.from(chunk as string, 'utf8'));
    });
    await supervisor.start();
    expect(await supervisor.wait()).toMatchObject({ code: 0, cause: 'exited' });
    const out = Buffer.concat(chunks);
    expect(out.length).toBe(FOUR_MIB);
    expect(createHash('sha256').update(out).digest('hex')).toBe(expectedDigest(FOUR_MIB));
  });

  // Protocol §11: output waiting for the embedder to read it is never cut, however late it reads.
  // More than this side takes in before it stops reading (128 KiB with Node's default buffers),
  // and less than that plus a pipe's 64 KiB: the child can exit, with output still in the pipe.
  it('waits, piped, for an embedder that reads only after the child exited: every byte, then wait()', async () => {
    const size = 160_000;
    const { supervisor } = supervise(fixture('big-stdout.mjs', String(size)));
    const stdout = supervisor.stdout!.removeAllListeners('data').pause();
    await supervisor.start();
    const pid = supervisor.snapshot().childPid!;
    await until(() => !alive(pid), 10_000);
    // Longer than the 2 s after which pipes left idle after the exit are cut: nothing is idle
    // here, the output only waits for this reader.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const chunks: string[] = [];
    stdout.on('data', (chunk: string) => chunks.push(chunk)).resume();
    expect(await supervisor.wait()).toMatchObject({ code: 0, cause: 'exited' });
    await once(stdout.end(), 'end');
    const out = Buffer.from(chunks.join(''), 'latin1');
    expect(out.length).toBe(size);
    expect(createHash('sha256').update(out).digest('hex')).toBe(expectedDigest(size));
  });

  it('is cut 2 s after the exit when a descendant holds the pipe open without writing', async () => {
    const { supervisor, stdout } = supervise(
      { command: 'sh', args: ['-c', 'sleep 30 & echo $!; exit 3'] },
      { processGroup: 'shared', restart: 'no' },
    );
    await supervisor.start();
    expect(await supervisor.wait()).toMatchObject({ code: 3, cause: 'failed' });
    process.kill(Number(stdout().trim()), 'SIGKILL');
  });

  it('is cut too when a descendant keeps writing to it after the exit', async () => {
    // A descendant left behind that writes every 0.3 s, for ever: were each line to restart
    // the count, the exit would never be told.
    const { supervisor, stdout } = supervise(
      {
        command: 'sh',
        args: ['-c', '(while :; do echo tick; sleep 0.3; done) & echo "pid $!"; exit 3'],
      },
      { processGroup: 'shared', restart: 'no' },
    );
    await supervisor.start();
    try {
      const started = performance.now();
      expect(await supervisor.wait()).toMatchObject({ code: 3, cause: 'failed' });
      expect(performance.now() - started).toBeLessThan(6000);
      expect(stdout()).toContain('tick');
    } finally {
      const pid = /pid (\d+)/.exec(stdout())?.[1];
      if (pid) process.kill(Number(pid), 'SIGKILL');
    }
  });
});

describe('the launcher ends like its child', () => {
  it('exits with the child’s exit code', async () => {
    const run = superviseProcess(fixture('crash.mjs', '7'), { restart: 'no' });
    expect(await run.exited).toEqual([7, null]);
  });

  for (const signal of ['SIGTERM', 'SIGABRT'] as const) {
    it(`dies of the same signal when the child died of ${signal}`, async () => {
      const run = superviseProcess(fixture('crash.mjs', signal), { restart: 'no' });
      expect(await run.exited).toEqual([null, signal]);
    });
  }

  // Node starts its inspector on SIGUSR1 and ignores SIGPIPE: the launcher must restore their
  // default action before re-raising them, or it would open a debugger port or live on.
  for (const signal of ['SIGUSR1', 'SIGPIPE'] as const) {
    it(`dies of ${signal} too, opening no debugger, when the child died of it`, async () => {
      const run = superviseProcess(
        { command: 'sh', args: ['-c', `kill -${signal.slice(3)} $$`] },
        { restart: 'no' },
      );
      expect(await run.exited).toEqual([null, signal]);
      expect(run.stderr.text()).not.toMatch(/Debugger|inspector/i);
    });
  }

  it('does not restart a child killed by SIGPIPE: its reader went away (`mycc | head -1`)', async () => {
    const runs = path.join(tempDir(), 'runs');
    const run = superviseProcess(
      { command: 'sh', args: ['-c', `echo run >> '${runs}'; kill -PIPE $$`] },
      { restart: 'on-abnormal', backoffBaseMs: 0 },
    );
    expect(await run.exited).toEqual([null, 'SIGPIPE']);
    expect(readFileSync(runs, 'utf8')).toBe('run\n');
    expect(run.stderr.text()).not.toMatch(/restarting/);
  });

  for (const [signal, key, status] of [
    ['SIGINT', 'Ctrl-C', 130],
    ['SIGQUIT', 'Ctrl-\\', 131],
  ] as const) {
    it(`dies of ${signal} (the shell sees ${status}) on ${key} between a crash and its restart`, async () => {
      const run = superviseProcess(fixture('crash.mjs', '1'), {
        restart: 'on-failure',
        backoffBaseMs: 1000,
      });
      await run.stderr.line(/^@event restarting /);
      run.host.kill(signal);
      // Not exit 1, the last crash's: nothing was running to pass the signal to. Nor a restart.
      const restarted = run.stderr.line(/^@event restarting .*"attempt":2/).then(() => 'restarted');
      expect(await Promise.race([run.exited, restarted])).toEqual([null, signal]);
    });
  }

  it('passes Ctrl-C to the whole group of a child in its own: a wrapper script ends at once', async () => {
    // A signal to the script's shell alone would wait for its `sleep 30`, then the stop timeout.
    const run = superviseProcess(
      { command: path.join(FIXTURES, 'wrapper.sh'), args: [] },
      { stopTimeoutMs: 5000 },
    );
    await run.stdout.line(/^waiting$/);
    run.host.kill('SIGINT');
    expect(await run.exited).toEqual([130, null]);
    expect(run.stdout.text()).toBe('waiting\nwrapper: got a signal\n');
  });

  it('stops the child gracefully on SIGTERM and passes its exit status on', async () => {
    const run = superviseProcess(fixture('cooperative-server.mjs'));
    await run.stderr.line(/^@event ready /);
    run.host.kill('SIGTERM');
    expect(await run.exited).toEqual([0, null]);
    expect(run.stdout.text()).toBe('stopped: the launcher received SIGTERM\n');
  });
});

describe('no descendant outlives supervision', () => {
  it('kills the grandchildren in the child’s process group when it stops', async () => {
    const { supervisor, line } = supervise(fixture('grandchild-spawner.mjs'), {
      processGroup: 'own',
    });
    await supervisor.start();
    const pids = JSON.parse(await line(/^\{/));
    await supervisor.stop();
    expect([alive(pids.child), alive(pids.grandchild)]).toEqual([false, false]);
  });

  it('kills the descendants of a child sharing the launcher’s process group when it stops', async () => {
    const { supervisor, line } = supervise(fixture('grandchild-spawner.mjs'), {
      processGroup: 'shared',
      stopTimeoutMs: 300,
    });
    await supervisor.start();
    const pids = JSON.parse(await line(/^\{/));
    // The child exits on SIGTERM and so orphans its grandchild, which ignores SIGTERM: only the
    // descendants noted when the stop began lead the supervisor to it.
    await supervisor.stop();
    expect([alive(pids.child), alive(pids.grandchild)]).toEqual([false, false]);
  });

  // Child and grandchild both ignore SIGTERM. What is left of the tree after the child exits is
  // reaped anyway, but only one more stop timeout later: the grandchild must die with the child.
  it.each(['own', 'shared'] as const)(
    'kills the whole tree at the stop timeout, the grandchild together with the child (%s group)',
    async (processGroup) => {
      const stopTimeoutMs = 3000;
      const { supervisor, line } = supervise(fixture('grandchild-spawner.mjs', 'stubborn'), {
        processGroup,
        stopTimeoutMs,
      });
      await supervisor.start();
      const pids = JSON.parse(await line(/^\{/));
      const stopped = supervisor.stop();
      await until(() => !alive(pids.child), 2 * stopTimeoutMs);
      // Killed with it, a moment ago; not left for the next timeout.
      await allGone([pids.grandchild], stopTimeoutMs / 2);
      await stopped;
    },
  );

  it('kills what a crashed child sharing the launcher’s group left, before restarting it', async () => {
    const { supervisor, grandchildren } = crashingSpawner({
      restart: 'on-failure',
      maxRestarts: 1,
    });
    // The first grandchild was orphaned to init: nothing but the token it inherited leads to
    // it. It must be gone before the next child starts (its line is out before the restart).
    const aliveAtRestart: number[][] = [];
    supervisor.on('restarting', () => {
      supervisor.once('starting', () => aliveAtRestart.push(grandchildren().filter(alive)));
    });
    await supervisor.start();
    expect(await supervisor.wait()).toMatchObject({ code: 1, restarts: 1 });
    const [first, second] = grandchildren();
    expect(aliveAtRestart).toEqual([[]]);
    expect(alive(first!)).toBe(false);
    // The last crash is not followed by a restart: what it left runs on, as after a shell.
    process.kill(second!, 'SIGKILL');
  });

  for (const stopFirst of [false, true]) {
    it(`kills it too when a restart is asked for during the backoff${stopFirst ? ', after a stop' : ''}`, async () => {
      const { supervisor, grandchildren } = crashingSpawner({
        restart: 'on-failure',
        maxRestarts: 1,
        backoffBaseMs: 60_000,
      });
      const restarting = nextEvent(supervisor, 'restarting');
      await supervisor.start();
      await restarting;
      let aliveAtStart: boolean | undefined;
      supervisor.once('starting', () => {
        aliveAtStart = alive(grandchildren()[0]!);
      });
      // Two control requests queued back to back, as `launcher stop` then `launcher restart`.
      if (stopFirst) void supervisor.stop();
      await supervisor.restart();
      expect(aliveAtStart).toBe(false);
      await until(() => grandchildren().length === 2, 10_000);
      await supervisor.stop();
      process.kill(grandchildren()[1]!, 'SIGKILL');
    });
  }

  // Supervision ended (no restart policy, or it gave up); a restart asked for later starts anew.
  for (const restart of ['no', 'on-failure'] as const) {
    it(`kills it before a later restart() too, after supervision ended (restart: ${restart})`, async () => {
      const { supervisor, grandchildren } = crashingSpawner({ restart, maxRestarts: 0 });
      await supervisor.start();
      await supervisor.wait();
      let aliveAtStart: boolean[] | undefined;
      supervisor.once('starting', () => {
        aliveAtStart = grandchildren().map(alive);
      });
      await supervisor.restart();
      try {
        expect(aliveAtStart).toEqual([false]);
      } finally {
        await until(() => grandchildren().length === 2, 10_000);
        await supervisor.wait();
        process.kill(grandchildren()[1]!, 'SIGKILL');
      }
    });
  }

  it('leaves what a failed child sharing the launcher’s group started running when nothing restarts, as a shell would', async () => {
    const { supervisor, line } = supervise(fixture('grandchild-spawner.mjs', 'crash'), {
      processGroup: 'shared',
      restart: 'no',
    });
    await supervisor.start();
    const { grandchild } = JSON.parse(await line(/^\{/));
    expect(await supervisor.wait()).toMatchObject({ code: 1, restarts: 0 });
    try {
      expect(alive(grandchild)).toBe(true);
    } finally {
      process.kill(grandchild, 'SIGKILL');
    }
  });

  it('leaves running what a crashed child left when a stop during the backoff ends supervision', async () => {
    const { supervisor, grandchildren } = crashingSpawner({
      restart: 'on-failure',
      backoffBaseMs: 60_000,
    });
    const restarting = nextEvent(supervisor, 'restarting');
    await supervisor.start();
    await restarting;
    await supervisor.stop();
    await supervisor.wait();
    // The watchdog, told during the backoff to look for what the crash left, ends killing nothing.
    await watchdogsEnded();
    const [grandchild] = grandchildren();
    try {
      expect(alive(grandchild!)).toBe(true);
    } finally {
      process.kill(grandchild!, 'SIGKILL');
    }
  });

  // Spec §6 holds between a crash and its restart too: orphaned to init, sharing the launcher's
  // group (as with a terminal), what the crash left is found only by its session id.
  it('leaves nothing a crashed child left 2 s after the supervising process is SIGKILLed during the backoff', async () => {
    const run = superviseProcess(fixture('grandchild-spawner.mjs', 'crash'), {
      processGroup: 'shared',
      restart: 'on-failure',
      backoffBaseMs: 60_000,
    });
    const { child, grandchild } = JSON.parse(await run.stdout.line(/^\{/));
    await run.stderr.line(/^@event restarting /);
    expect([alive(child), alive(grandchild)]).toEqual([false, true]);
    run.host.kill('SIGKILL');
    await run.exited;
    await allGone([grandchild], 2000);
  });

  it('leaves nothing a child orphaned 2 s after the supervising process is SIGKILLed during an asked-for restart', async () => {
    // The child orphans a process to init (a subshell's background job), then ignores SIGTERM,
    // so the restart's stop waits for its timeout: the orphan is below no tracked pid.
    const script = `trap "" TERM INT HUP
( (exec sleep 61) & echo "{\\"child\\": $$, \\"orphan\\": $!}" )
exec sleep 60`;
    const run = superviseProcess(
      { command: 'sh', args: ['-c', script] },
      { processGroup: 'shared', stopTimeoutMs: 60_000 },
    );
    const { child, orphan } = JSON.parse(await run.stdout.line(/^\{/));
    run.host.kill('SIGUSR2');
    await run.stderr.line(/^@event state \{"state":"stopping"/);
    run.host.kill('SIGKILL');
    await run.exited;
    await allGone([child, orphan], 2000);
  });

  for (const processGroup of ['own', 'shared'] as const) {
    it(`leaves no descendant 2 s after the supervising process is SIGKILLed (${processGroup} group)`, async () => {
      const run = superviseProcess(fixture('grandchild-spawner.mjs'), { processGroup });
      const pids = JSON.parse(await run.stdout.line(/^\{/));
      expect([alive(pids.child), alive(pids.grandchild)]).toEqual([true, true]);
      run.host.kill('SIGKILL');
      await run.exited;
      await allGone([pids.child, pids.grandchild], 2000);
    });
  }

  // A grandchild-spawning child in its own group, and the one watchdog its launcher started.
  async function runWithWatchdog() {
    const run = superviseProcess(fixture('grandchild-spawner.mjs'), { processGroup: 'own' });
    const pids = JSON.parse(await run.stdout.line(/^\{/));
    const watchdogs = watchdogsOf(run.host.pid!);
    expect(watchdogs).toHaveLength(1);
    return { run, pids, watchdog: watchdogs[0]! };
  }

  it('replaces a watchdog killed while the child runs, so a SIGKILLed launcher still leaves nothing', async () => {
    // Without a watchdog, the child would die by its parent-death signal but its grandchild
    // would be left to a later sweep.
    const { run, pids, watchdog } = await runWithWatchdog();
    process.kill(watchdog, 'SIGKILL');
    await allGone([watchdog], 2000);
    await until(() => watchdogsOf(run.host.pid!).length === 1, 2000);
    // The replacement shows in `ps` from its exec on, but is told of the child only once the
    // launcher's handler that started it returns: killed in between, it would guard nothing.
    await run.ping();
    run.host.kill('SIGKILL');
    await run.exited;
    await allGone([pids.child, pids.grandchild], 2000);
  });

  it('takes its child along when killed together with its watchdog (pkill -9 -f launcher)', async () => {
    // The parent-death signal, not the watchdog, ends the child then. Its grandchild is left to
    // the sweep of a later launcher, as in 'finishes what a killed launcher left behind'.
    const { run, pids, watchdog } = await runWithWatchdog();
    for (const pid of [watchdog, run.host.pid!]) process.kill(pid, 'SIGKILL');
    await run.exited;
    await allGone([pids.child], 2000);
    if (alive(pids.grandchild)) process.kill(pids.grandchild, 'SIGKILL');
  });

  it('ends a worker through its lifeline alone when the launcher is SIGKILLed', async () => {
    // No watchdog and no parent-death signal: only the closed connection can end this child.
    const run = superviseProcess(fixture('lifeline-worker.mjs'), {
      processGroup: 'shared',
      watchdog: false,
    });
    const { child } = JSON.parse(await run.stdout.line(/^\{/));
    run.host.kill('SIGKILL');
    await run.exited;
    await allGone([child], 2000);
  });

  it('finishes what a killed launcher left behind when the next supervisor starts', async () => {
    const env = cleanEnv();
    // Without the watchdog, the parent-death signal ends the child but not its grandchild.
    const run = superviseProcess(
      fixture('grandchild-spawner.mjs'),
      { processGroup: 'own', watchdog: false },
      env,
    );
    const pids = JSON.parse(await run.stdout.line(/^\{/));
    run.host.kill('SIGKILL');
    await run.exited;
    await allGone([pids.child], 2000);
    expect(alive(pids.grandchild)).toBe(true);
    const next = new Supervisor({
      ...fixture('crash.mjs', '0'),
      env,
      paths: launcherPaths(env),
      stdio: 'pipe',
      log: () => {},
    });
    next.stdout!.resume();
    next.stderr!.resume();
    await next.start();
    await next.wait();
    expect(alive(pids.grandchild)).toBe(false);
  });
});

// The watchdogs a supervising process started: its children running launcher-watchdog.sh.
function watchdogsOf(parent: number): number[] {
  const ps = spawnSync('ps', ['-A', '-o', 'pid=', '-o', 'ppid=', '-o', 'args='], {
    encoding: 'utf8',
  });
  return ps.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(
      ([, ppid, ...args]) =>
        Number(ppid) === parent && args.join(' ').includes('launcher-watchdog.sh'),
    )
    .map(([pid]) => Number(pid))
    .filter(alive);
}

describe('a compiler run from a terminal', () => {
  it('stays interactive: it reads the terminal and gets Ctrl-C once, and the launcher ends like it', async () => {
    const child = fixture('tty-child.mjs');
    // supervise.mjs on a real terminal, with stdin on it: the process group is chosen for that.
    const run = await runProgram(
      'python3',
      [
        path.join(FIXTURES, 'pty-run.py'),
        process.execPath,
        path.join(FIXTURES, 'supervise.mjs'),
        JSON.stringify(child),
      ],
      { env: cleanEnv() },
    );
    const screen = run.stdout.replace(/\r/g, '');
    expect(screen).toContain('stdin is a terminal: true\n');
    expect(screen).toContain('controlling terminal: true\n');
    expect(screen).toContain('echo: hello\n');
    expect(screen).toContain('SIGINT 1\n');
    expect(screen).not.toContain('SIGINT 2');
    expect(run.code).toBe(130);
  });
});
