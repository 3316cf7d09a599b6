// The signals a supervising launcher receives besides the stops: what reaches the child, and
// that the launcher lives on and ends like the child. Real processes, and a real terminal.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { openTerminal, TERMINAL_KIND, type Terminal } from '../helpers/terminal.js';
import { FIXTURES, fixture, processState, superviseProcess, until } from './helpers.js';

const terminals: Terminal[] = [];
const hosts: ChildProcess[] = [];
afterEach(() => {
  for (const t of terminals.splice(0)) t.close();
  // A failed test may leave its supervising process stopped, or looping: it goes, and the
  // watchdog ends its children.
  for (const host of hosts.splice(0))
    if (host.exitCode === null && !host.signalCode) host.kill('SIGKILL');
});

/** signal-child.mjs under the supervising process, stdin not a terminal (its own group). */
function signalChild(flags: string[], options: Record<string, unknown> = {}) {
  const run = superviseProcess(fixture('signal-child.mjs', ...flags), options);
  hosts.push(run.host);
  return run;
}

/**
 * A shell on a real terminal that runs signal-child.mjs (or `script`) under the supervising
 * process with `run(flags, redirect, options, script)`: `redirect` `< file` takes stdin off the
 * terminal (its own group); `options` go to supervise.mjs.
 */
async function terminal() {
  const dir = tempDir();
  const term = openTerminal(
    { ...cleanEnv(), NODE: process.execPath, SUPERVISE: path.join(FIXTURES, 'supervise.mjs') },
    dir,
  );
  terminals.push(term);
  await term.waitFor(/[$#] $/m);
  const run = (
    flags: string[],
    redirect = '',
    options: Record<string, unknown> = {},
    script = 'signal-child.mjs',
  ) => {
    const spec = JSON.stringify({ ...fixture(script, ...flags), options });
    // The supervisor's event lines go to a file, to keep the screen to the child's output.
    term.type(`"$NODE" "$SUPERVISE" '${spec}' 2>>events.log ${redirect}; echo "EXIT=$?"\n`);
  };
  const events = () => readFileSync(path.join(dir, 'events.log'), 'utf8');
  const childPid = () => firstChildPid(events());
  return { term, run, childPid, events };
}

/** The child's pid, from the supervising process's first state event that names it. */
const firstChildPid = (events: string) =>
  Number(events.match(/^@event state .*"childPid":(\d+)/m)?.[1]);

/** The pids of the supervising process and of every child its state events named. */
function pidsIn(events: string) {
  const named = (field: string) => [
    ...new Set(
      [...events.matchAll(new RegExp(`^@event state .*"${field}":(\\d+)`, 'gm'))].map((m) =>
        Number(m[1]),
      ),
    ),
  ];
  return { host: named('pid')[0]!, children: named('childPid') };
}

const count = (text: string, pattern: RegExp) => text.match(new RegExp(pattern, 'gm'))?.length;

/** Resolve once each of `pids` is stopped (or, with `stopped` false, running again). */
function untilStopped(pids: number[], stopped = true) {
  return until(
    () => pids.every((pid) => (processState(pid) === 'T') === stopped),
    5000,
    () => `not ${stopped ? 'stopped' : 'running'}: ${pids.map((p) => `${p} ${processState(p)}`)}`,
  );
}

/** A launcher (the supervising process) whose child is signal-child.mjs --ticks, as a child. */
const nestedChild = fixture(
  'supervise.mjs',
  JSON.stringify(fixture('signal-child.mjs', '--ticks')),
);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The number of the last "tick N" line in `text`. */
const lastTick = (text: string) => Number([...text.matchAll(/^tick (\d+)$/gm)].at(-1)?.[1] ?? 0);

/** Ctrl-Z stops each of `pids` and the shell shows it; `fg` runs them all again, ticks go on. */
async function ctrlZThenFg(term: Terminal, pids: number[]) {
  term.control('z');
  await term.waitFor(/Stopped/);
  await untilStopped(pids);
  term.type('fg\n');
  await untilStopped(pids, false);
  await term.waitFor(new RegExp(`^tick ${lastTick(term.screen()) + 1}$`, 'm'));
}

/** Ctrl-C after `fg` still ends the job with 130. */
async function ctrlCEndsWith130(term: Terminal) {
  term.ctrlC();
  // The command line's own EXIT= came at Ctrl-Z (the stopped job's): this is fg's status.
  await term.waitFor(/\^C\n[$#] $/m);
  term.type('echo "FG=$?"\n');
  await term.waitFor(/FG=\d+$/m);
  expect(term.screen()).toMatch(/FG=130$/m);
}

describe('SIGQUIT (Ctrl-\\) is not a stop', () => {
  it('reaches a child in its own group, which cleans up and exits 2, and the launcher too', async () => {
    const run = signalChild(['--quit=finish']);
    await run.stdout.line(/^running$/);
    run.host.kill('SIGQUIT');
    expect(await run.exited).toEqual([2, null]);
    expect(count(run.stdout.text(), /^quit \d+$/)).toBe(1);
    expect(run.stdout.text()).toContain('cleaning up 10\n');
  });

  it('leaves a child that runs on after it running, supervised until it is stopped', async () => {
    const run = signalChild(['--quit=dump']);
    await run.stdout.line(/^running$/);
    run.host.kill('SIGQUIT');
    await run.stdout.line(/^quit 1$/);
    run.host.kill('SIGQUIT');
    await run.stdout.line(/^quit 2$/);
    run.host.kill('SIGTERM');
    expect(await run.exited).toEqual([0, null]);
  });

  it('is not restarted when the child dies of it: the launcher dies of SIGQUIT too', async () => {
    const run = signalChild([], { restart: 'on-abnormal' });
    await run.stdout.line(/^running$/);
    run.host.kill('SIGQUIT');
    const restarted = run.stderr.line(/^@event restarting /).then(() => 'restarted');
    expect(await Promise.race([run.exited, restarted])).toEqual([null, 'SIGQUIT']);
  });

  // Ctrl-\ asks the program to quit: however it then ends, that was asked for.
  for (const restart of ['on-failure', 'always']) {
    it(`is not restarted under ${restart} when the child handles it and exits 2`, async () => {
      const run = signalChild(['--quit=finish'], { restart });
      await run.stdout.line(/^running$/);
      run.host.kill('SIGQUIT');
      const restarted = run.stderr.line(/^@event restarting /).then(() => 'restarted');
      expect(await Promise.race([run.exited, restarted])).toEqual([2, null]);
    });
  }

  it('sent to the launcher alone, is not passed to a child sharing its group, which runs on', async () => {
    // The launcher cannot tell this from Ctrl-\, which the terminal sent the child already.
    const run = signalChild(['--quit=dump'], { processGroup: 'shared' });
    await run.stdout.line(/^running$/);
    run.host.kill('SIGQUIT');
    run.host.kill('SIGTERM');
    expect(await run.exited).toEqual([0, null]);
    expect(run.stdout.text()).not.toMatch(/^quit/m);
  });

  describe(`in a real terminal (${TERMINAL_KIND})`, () => {
    for (const [group, redirect] of [
      ['sharing the terminal', ''],
      ['in its own group', '< events.log'],
    ] as const) {
      it(`reaches the child once, ${group}, and the shell sees the child's exit code`, async () => {
        const { term, run } = await terminal();
        run(['--quit=finish'], redirect);
        await term.waitFor(/^running$/m);
        term.control('\\');
        await term.waitFor(/EXIT=\d+$/m);
        expect(term.screen()).toMatch(/EXIT=2$/m);
        expect(count(term.screen(), /quit \d+$/)).toBe(1);
        expect(term.screen()).toMatch(/^cleaning up 10$/m);
      });
    }

    it('does not restart a child sharing the terminal that handles it and exits 2, under always', async () => {
      const { term, run } = await terminal();
      run(['--quit=finish'], '', { restart: 'always' });
      await term.waitFor(/^running$/m);
      term.control('\\');
      await term.waitFor(/EXIT=\d+$/m);
      expect(term.screen()).toMatch(/EXIT=2$/m);
      expect(count(term.screen(), /^running$/)).toBe(1);
    });

    it('ends with 131 a child sharing the terminal that dies of it, with no restart', async () => {
      const { term, run } = await terminal();
      run([]);
      await term.waitFor(/^running$/m);
      term.control('\\');
      await term.waitFor(/EXIT=\d+$/m);
      expect(term.screen()).toMatch(/EXIT=131$/m);
      expect(count(term.screen(), /^running$/)).toBe(1);
    });

    it('ends with 131, not with a restart, between a crash and its restart', async () => {
      const { term, run, events } = await terminal();
      run(['1'], '', { restart: 'on-failure', backoffBaseMs: 10_000 }, 'crash.mjs');
      await term.waitFor(/^crashing with 1$/m);
      await until(() => /^launcher: .*restarting in \d+ ms/m.test(events()), 5000);
      term.control('\\');
      await term.waitFor(/EXIT=\d+$/m);
      expect(term.screen()).toMatch(/EXIT=131$/m);
      expect(count(term.screen(), /^crashing with 1$/)).toBe(1);
    });

    it('lets a child that runs on after it be stopped with Ctrl-C later', async () => {
      const { term, run } = await terminal();
      run(['--quit=dump']);
      await term.waitFor(/^running$/m);
      term.control('\\');
      await term.waitFor(/quit 1$/m);
      term.control('\\');
      await term.waitFor(/quit 2$/m);
      term.ctrlC();
      // A job killed by Ctrl-C ends the whole command line, so `$?` is read at the next prompt.
      await term.waitFor(/\^C\n[$#] $/m);
      term.type('echo "EXIT=$?"\n');
      await term.waitFor(/EXIT=\d+$/m);
      expect(term.screen()).toMatch(/EXIT=130$/m);
      expect(count(term.screen(), /quit \d+$/)).toBe(2);
    });
  });
});

describe('Ctrl-Z and window resizes', () => {
  it('pass a window resize on to a child in its own group', async () => {
    const run = signalChild([]);
    await run.stdout.line(/^running$/);
    run.host.kill('SIGWINCH');
    await run.stdout.line(/^winch 1$/);
    run.host.kill('SIGTERM');
    expect(await run.exited).toEqual([0, null]);
  });

  // Any SIGTSTP listener but the launcher's own (a second supervisor's, an embedder's) once
  // caught the SIGTSTP the launcher sent itself to stop: it looped, stopping and continuing the
  // children, and never stopped.
  for (const [what, options] of [
    ['two supervisors in one process', { supervisors: 2 }],
    ['a SIGTSTP listener of the embedder', { tstpListener: true }],
  ] as const) {
    it(`stop the process and each child once on one SIGTSTP, with ${what}`, async () => {
      const run = signalChild(['--ticks'], options);
      const children = options.supervisors ?? 1;
      await until(() => count(run.stdout.text(), /^running$/) === children, 5000);
      const { host, children: pids } = pidsIn(run.stderr.text());
      expect(pids).toHaveLength(children);
      run.host.kill('SIGTSTP');
      // Its group has no shell that could continue it: it stays stopped until SIGCONT.
      await untilStopped([host, ...pids]);
      run.host.kill('SIGCONT');
      await until(() => count(run.stdout.text(), /^cont 1$/) === children, 5000);
      // Nothing announces that no second stop comes: give it the time to.
      await sleep(300);
      expect([host, ...pids].map(processState)).not.toContain('T');
      expect(count(run.stdout.text(), /^cont \d+$/)).toBe(children);
      expect(count(run.stderr.text(), /^@tstp \d+$/)).toBe(options.tstpListener ? 1 : undefined);
      run.host.kill('SIGTERM');
      expect(await run.exited).toEqual([0, null]);
    });
  }

  it('stays running when a SIGCONT comes while the children are still being stopped', async () => {
    // The child catches SIGTSTP and runs on: the launcher waits 500 ms for it before SIGSTOP.
    const run = signalChild(['--tstp', '--ticks']);
    await run.stdout.line(/^running$/);
    const { host, children } = pidsIn(run.stderr.text());
    run.host.kill('SIGTSTP');
    await run.stdout.line(/^tstp 1$/);
    run.host.kill('SIGCONT');
    // The launcher's stop would have come by now (the wait is at most 500 ms).
    await sleep(1000);
    expect([host, ...children].map(processState)).not.toContain('T');
    await run.stdout.line(new RegExp(`^tick ${lastTick(run.stdout.text()) + 1}$`));
    run.host.kill('SIGTERM');
    expect(await run.exited).toEqual([0, null]);
  });

  it('stop a launcher in the child group, and its own child, on one SIGTSTP to the outer launcher', async () => {
    const run = superviseProcess(nestedChild, {});
    hosts.push(run.host);
    await run.stdout.line(/^running$/);
    const { host, children } = pidsIn(run.stderr.text());
    expect(children).toHaveLength(2);
    run.host.kill('SIGTSTP');
    await untilStopped([host, ...children]);
    run.host.kill('SIGCONT');
    await untilStopped([host, ...children], false);
    await run.stdout.line(/^cont 1$/);
    run.host.kill('SIGTERM');
    expect(await run.exited).toEqual([0, null]);
  });

  it('stop a child that catches SIGTSTP and runs on: it gets SIGTSTP, then SIGSTOP', async () => {
    const run = signalChild(['--tstp']);
    await run.stdout.line(/^running$/);
    const { host, children } = pidsIn(run.stderr.text());
    run.host.kill('SIGTSTP');
    await untilStopped([host, ...children]);
    expect(count(run.stdout.text(), /^tstp \d+$/)).toBe(1);
    run.host.kill('SIGCONT');
    await run.stdout.line(/^cont 1$/);
    run.host.kill('SIGTERM');
    expect(await run.exited).toEqual([0, null]);
  });

  describe(`in a real terminal (${TERMINAL_KIND})`, () => {
    it('stop a launcher in the child group, and its own child, with Ctrl-Z, and continue them with fg', async () => {
      const { term, run, events } = await terminal();
      run(nestedChild.args.slice(1), '< events.log', {}, 'supervise.mjs');
      await term.waitFor(/^tick 1$/m);
      const { host, children } = pidsIn(events());
      expect(children).toHaveLength(2);
      await ctrlZThenFg(term, [host, ...children]);
      await ctrlCEndsWith130(term);
    });

    it('stop two supervisors and an embedder listening to SIGTSTP once with Ctrl-Z, and continue them with fg', async () => {
      const { term, run, events } = await terminal();
      run(['--ticks'], '< events.log', { supervisors: 2, tstpListener: true });
      await term.waitFor(/^tick 1$/m);
      await until(() => pidsIn(events()).children.length === 2, 5000);
      const { host, children } = pidsIn(events());
      await ctrlZThenFg(term, [host, ...children]);
      await term.waitFor(/^cont 1$[\s\S]*^cont 1$/m);
      expect(count(term.screen(), /^cont \d+$/)).toBe(2);
      expect(count(events(), /^@tstp \d+$/)).toBe(1);
      await ctrlCEndsWith130(term);
    });

    for (const [group, redirect] of [
      ['sharing the terminal', ''],
      ['in its own group', '< events.log'],
    ] as const) {
      it(`stop the child with Ctrl-Z and continue it with fg, ${group}`, async () => {
        const { term, run, childPid } = await terminal();
        run(['--ticks'], redirect);
        await term.waitFor(/^tick 1$/m);
        await ctrlZThenFg(term, [childPid()]);
        await ctrlCEndsWith130(term);
      });

      it(`deliver each window resize to the child once, ${group}`, async () => {
        const { term, run } = await terminal();
        run([], redirect);
        await term.waitFor(/^running$/m);
        term.resize(120, 40);
        await term.waitFor(/^winch 1$/m);
        term.resize(100, 30);
        await term.waitFor(/^winch 2$/m);
        expect(count(term.screen(), /^winch \d+$/)).toBe(2);
      });
    }
  });
});

describe('time the launcher spent stopped', () => {
  // Ten heartbeat intervals of cooperative-server.mjs and signal-child.mjs below (100 ms).
  const STOPPED_MS = 1000;

  for (const [what, group, target] of [
    ['the launcher alone', 'own', (pid: number) => pid],
    ['the launcher with the child in its group, as Ctrl-Z does', 'shared', (pid: number) => -pid],
  ] as const) {
    it(`does not count against a child's heartbeats: SIGSTOP, then SIGCONT, to ${what}`, async () => {
      const run = superviseProcess(fixture('cooperative-server.mjs'), { processGroup: group });
      await run.stderr.line(/^@event ready /);
      process.kill(target(run.host.pid!), 'SIGSTOP');
      await untilStopped([run.host.pid!]);
      await sleep(STOPPED_MS);
      process.kill(target(run.host.pid!), 'SIGCONT');
      await untilStopped([run.host.pid!], false);
      // Nothing announces that no verdict comes: give the launcher's late timers time to fire.
      await sleep(300);
      run.host.kill('SIGTERM');
      expect(await run.exited).toEqual([0, null]);
      expect(run.stderr.text()).not.toMatch(/no heartbeat|^@event restarting /m);
      expect(run.stdout.text()).toBe('stopped: the launcher received SIGTERM\n');
    });
  }

  describe(`in a real terminal (${TERMINAL_KIND})`, () => {
    for (const [group, redirect] of [
      ['sharing the terminal', ''],
      ['in its own group', '< events.log'],
    ] as const) {
      it(`does not count against a child's heartbeats: Ctrl-Z, then fg, ${group}`, async () => {
        const { term, run, childPid, events } = await terminal();
        run(['--ticks', '--heartbeat=100'], redirect);
        await term.waitFor(/^tick 1$/m);
        const pid = childPid();
        term.control('z');
        await term.waitFor(/Stopped/);
        await sleep(STOPPED_MS);
        term.type('fg\n');
        await term.waitFor(new RegExp(`^tick ${lastTick(term.screen()) + 1}$`, 'm'));
        await sleep(300);
        expect(events()).not.toMatch(/no heartbeat|^@event restarting /m);
        expect(childPid()).toBe(pid);
        expect(processState(pid)).not.toBe('T');
        term.ctrlC();
      });
    }
  });
});
