// Shared pieces of the supervisor tests: fixtures, a supervisor per test, events and output.
// Fixtures import the built worker library from dist/ (`npm test` builds first). In-process
// supervisors run from src/ and start the watchdog too (a script in shims/), but tests that kill
// the supervising process run the supervising fixture, a process of its own, which uses dist/.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach } from 'vitest';
import { launcherPaths } from '../../src/paths.js';
import {
  Supervisor,
  type SupervisorEvents,
  type SupervisorOptions,
} from '../../src/supervisor/index.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { cleanEnv } from '../helpers/env.js';

export const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures');

/** Command and arguments that run a fixture with this Node. */
export function fixture(name: string, ...args: string[]): { command: string; args: string[] } {
  return { command: process.execPath, args: [path.join(FIXTURES, name), ...args] };
}

const live: Supervisor[] = [];
afterEach(async () => {
  await Promise.all(live.splice(0).map((s) => s.stop('test over').catch(() => {})));
});

export interface TestSupervisor {
  supervisor: Supervisor;
  /** The supervisor's own stderr lines. */
  lines: string[];
  /** Everything the children wrote to stdout so far. */
  stdout: () => string;
  /** Resolves with the first stdout line (of any child) matching `pattern`, once it is there. */
  line: (pattern: RegExp) => Promise<string>;
  env: NodeJS.ProcessEnv;
}

/**
 * A supervisor with short timeouts, piped stdio and a private LAUNCHER_HOME, stopped after the
 * test. Options override the defaults.
 */
export function supervise(
  child: { command: string; args: string[] },
  options: Partial<SupervisorOptions> = {},
): TestSupervisor {
  const env = options.env ?? cleanEnv();
  const lines: string[] = [];
  const supervisor = new Supervisor({
    ...child,
    env,
    paths: launcherPaths(env),
    stdio: 'pipe',
    stopTimeoutMs: 1000,
    helloTimeoutMs: 2000,
    backoffBaseMs: 0,
    log: (line) => lines.push(line),
    ...options,
  });
  live.push(supervisor);
  supervisor.stderr?.resume();
  const out = watchText(supervisor.stdout!);
  return { supervisor, lines, stdout: out.text, line: out.line, env };
}

/** Follow what a stream writes: all of it so far, and the first line matching a pattern. */
export function watchText(stream: Readable) {
  let text = '';
  const waiting = new Set<() => void>();
  stream.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
    for (const check of waiting) check();
  });
  const line = (pattern: RegExp) =>
    new Promise<string>((resolve) => {
      const check = () => {
        const found = text.split('\n').find((l) => pattern.test(l));
        if (found === undefined) return;
        waiting.delete(check);
        resolve(found);
      };
      waiting.add(check);
      check();
    });
  return { text: () => text, line };
}

/** The next emission of an event (that passes `accept`), as its arguments. */
export function nextEvent<K extends keyof SupervisorEvents>(
  supervisor: Supervisor,
  name: K,
  accept: (...args: SupervisorEvents[K]) => boolean = () => true,
): Promise<SupervisorEvents[K]> {
  return new Promise((resolve) => {
    const listener = (...args: SupervisorEvents[K]) => {
      if (!accept(...args)) return;
      supervisor.off(name, listener as never);
      resolve(args);
    };
    supervisor.on(name, listener as never);
  });
}

/** Every emission of an event from now on. */
export function record<K extends keyof SupervisorEvents>(
  supervisor: Supervisor,
  name: K,
): SupervisorEvents[K][] {
  const seen: SupervisorEvents[K][] = [];
  supervisor.on(name, ((...args: SupervisorEvents[K]) => seen.push(args)) as never);
  return seen;
}

/** Whether a process is still running: a zombie has ended, even if nobody collected it yet. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const state = processState(pid);
  return state === undefined ? process.platform !== 'linux' : state !== 'Z';
}

/** A process's state from /proc (Linux): R, S, T when stopped, Z, ...; undefined when gone. */
export function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2)[0];
  } catch {
    return undefined;
  }
}

/**
 * Resolve once `condition` holds, or reject after `ms` with the message `failure` gives. For
 * what nothing announces (the death of a process that is not our child, say), so this polls.
 */
export async function until(
  condition: () => boolean,
  ms: number,
  failure: () => string = () => `not so after ${ms} ms`,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(failure());
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Resolve once none of `pids` exists, or reject after `ms`. */
export async function allGone(pids: number[], ms: number): Promise<void> {
  await until(
    () => !pids.some(alive),
    ms,
    () => `still alive after ${ms} ms: ${pids.filter(alive).join(', ')}`,
  );
}

/** Run the supervising fixture (`supervise.mjs`) as a process of its own. */
export function superviseProcess(
  child: { command: string; args: string[] },
  options: Record<string, unknown> = {},
  env: NodeJS.ProcessEnv = cleanEnv(),
) {
  const host = spawn(
    process.execPath,
    [path.join(FIXTURES, 'supervise.mjs'), JSON.stringify({ ...child, options })],
    { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  const exited = once(host, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const stderr = watchText(host.stderr!);
  let pings = 0;
  /**
   * Resolves once the supervising process has finished what it was doing when this was called
   * (it answers SIGURG from its event loop): for what it does with no event to show for it.
   */
  const ping = async () => {
    const n = ++pings;
    host.kill('SIGURG');
    await stderr.line(new RegExp(`^@pong ${n}$`));
  };
  return { host, exited, env, stdout: watchText(host.stdout!), stderr, ping };
}
