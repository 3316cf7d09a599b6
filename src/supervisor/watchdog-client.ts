// Starts the watchdog and tells it which children to kill if the launcher is killed.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../package-root.js';
import { readProcStat } from '../session/process-identity.js';
import { isSessionId } from '../session/session.js';
import { SYSTEM_PATH } from '../util/search-path.js';

// The watchdog is a POSIX sh script shipped in the package's shims/ folder, found from the
// package root: this module runs compiled in dist/ and bundled in the shim's bundle alike.
function script(): string {
  return path.join(packageRoot(), 'shims', 'launcher-watchdog.sh');
}

// The watchdogs of this process that have not ended yet.
const running = new Set<ChildProcess>();

/**
 * Resolves once every watchdog this process started has ended, keeping the event loop alive
 * meanwhile. The shim's snapshot build waits for it: no process may be left at the snapshot.
 */
export async function watchdogsEnded(): Promise<void> {
  await Promise.all(
    [...running].map((child) => {
      const ended = new Promise((resolve) => child.once('exit', resolve));
      child.ref();
      return ended;
    }),
  );
}

// This process's group (Linux: from /proc/<pid>/stat; Node has no getpgrp), told to the watchdog
// so that it never kills the group the launcher shares with the user's other jobs. Read each
// time, never kept: a start-up snapshot would keep the group of the process that built it.
function ownGroup(): number | undefined {
  try {
    // Field 5 of /proc/<pid>/stat, the process group.
    const group = Number(readProcStat(process.pid)[2]);
    return Number.isSafeInteger(group) && group > 1 ? group : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Node cannot ask the kernel to kill a child's descendants when the parent dies, so a small
 * process does it: it holds the read end of a pipe whose only writer is the launcher. One per
 * supervisor, started with the first child, ended (killing nothing) when supervision ends. It is
 * `sh`, not a second Node: it starts in about a millisecond and sleeps in `read` until needed.
 */
export class Watchdog {
  readonly #process: ChildProcess;
  #closed = false;

  private constructor(child: ChildProcess) {
    this.#process = child;
  }

  /**
   * Start the watchdog for the supervision `session` (its children carry that id in their
   * environment); undefined where it cannot run: on Windows, or when failing to start.
   * `lost` is called should the watchdog end before `close()` (killed by someone): the
   * children it guarded are then unguarded until a new watchdog is told of them.
   */
  static start(session: string, lost?: () => void): Watchdog | undefined {
    if (process.platform === 'win32') return undefined;
    let file: string;
    try {
      file = script();
    } catch {
      return undefined;
    }
    if (!existsSync(file)) return undefined;
    // Our own script file, not a command line: nothing from outside is interpreted by the shell.
    const child = spawn('/bin/sh', [file], {
      // Its own session: the terminal's Ctrl-C and hang-up must not take it down with the rest.
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
      // Only for `ps`, where there is no /proc to walk.
      env: { PATH: SYSTEM_PATH },
    });
    child.on('error', () => {});
    if (child.pid === undefined) return undefined;
    child.stdin!.on('error', () => {});
    // Neither the watchdog nor its pipe may keep the launcher's event loop alive.
    child.unref();
    (child.stdin as unknown as { unref?: () => void }).unref?.();
    const watchdog = new Watchdog(child);
    running.add(child);
    child.on('exit', () => {
      running.delete(child);
      if (watchdog.#closed) return;
      watchdog.#closed = true;
      lost?.();
    });
    const group = ownGroup();
    if (group !== undefined) watchdog.#send(`group ${group}`);
    // A library caller chooses the id: only a plain one may go down the line-based pipe.
    if (isSessionId(session)) watchdog.#send(`session ${session}`);
    return watchdog;
  }

  /** The watchdog's pid, for tests that prove it ends. */
  get pid(): number | undefined {
    return this.#process.pid;
  }

  /**
   * A child is about to start. Should the launcher die before `track()`, the watchdog finds
   * what that child started by the session id in its environment.
   */
  spawning(): void {
    this.#send('spawning');
  }

  track(pid: number, pgid: number | undefined): void {
    this.#send(`track ${pid} ${pgid ?? '-'}`);
  }

  forget(pid: number): void {
    this.#send(`forget ${pid}`);
  }

  /**
   * A child sharing the launcher's group ended unasked and may be restarted: what it left
   * (orphaned to init, no longer below any tracked pid) is found by the session id in its
   * environment should the launcher die, until `settled()`.
   */
  leftovers(): void {
    this.#send('leftovers');
  }

  /** What the last crash left was reaped, or is left to run on: no longer looked for. */
  settled(): void {
    this.#send('settled');
  }

  /** End the watchdog; whatever is still tracked is killed, as if the launcher had died. */
  close(): void {
    this.#closed = true;
    this.#process.stdin?.end();
  }

  // One short line per write: a pipe never splits a write this small, so lines arrive whole.
  #send(line: string): void {
    if (this.#process.stdin?.writable) this.#process.stdin.write(`${line}\n`);
  }
}
