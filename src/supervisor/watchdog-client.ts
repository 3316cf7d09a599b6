// Starts the watchdog program and tells it which children to kill if the launcher is killed.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../package-root.js';

// The compiled program, found from the package root: this module may be compiled into dist/ or
// bundled into the shim's bundle, where no watchdog.js sits next to it.
function program(): string {
  return path.join(packageRoot(), 'dist', 'supervisor', 'watchdog.js');
}

/**
 * Node cannot ask the kernel to kill a child's descendants when the parent dies, so a small
 * process does it: it holds the read end of a pipe whose only writer is the launcher. One per
 * supervisor, started with the first child, ended (killing nothing) when supervision ends.
 */
export class Watchdog {
  readonly #process: ChildProcess;

  private constructor(child: ChildProcess) {
    this.#process = child;
  }

  /**
   * Start the watchdog; undefined where it cannot run: on Windows, when failing to start, or
   * when the package has not been built (no compiled program).
   */
  static start(): Watchdog | undefined {
    if (process.platform === 'win32') return undefined;
    const file = program();
    if (!existsSync(file)) return undefined;
    const child = spawn(
      process.execPath,
      ['--max-old-space-size=16', '--max-semi-space-size=1', file],
      // Its own session: the terminal's Ctrl-C and hang-up must not take it down with the rest.
      { detached: true, stdio: ['pipe', 'ignore', 'ignore'], env: {} },
    );
    if (child.pid === undefined) {
      child.on('error', () => {});
      return undefined;
    }
    child.on('error', () => {});
    child.stdin!.on('error', () => {});
    // Neither the watchdog nor its pipe may keep the launcher's event loop alive.
    child.unref();
    (child.stdin as unknown as { unref?: () => void }).unref?.();
    return new Watchdog(child);
  }

  /** The watchdog's pid, for tests that prove it ends. */
  get pid(): number | undefined {
    return this.#process.pid;
  }

  track(pid: number, pgid: number | undefined): void {
    this.#send(`track ${pid} ${pgid ?? '-'}`);
  }

  forget(pid: number): void {
    this.#send(`forget ${pid}`);
  }

  /** End the watchdog; whatever is still tracked is killed, as if the launcher had died. */
  close(): void {
    this.#process.stdin?.end();
  }

  #send(line: string): void {
    if (this.#process.stdin?.writable) this.#process.stdin.write(`${line}\n`);
  }
}
