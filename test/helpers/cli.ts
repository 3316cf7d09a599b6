// Run the built `bin/launcher` as a real process and collect what it printed.
import { type SpawnOptions, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const LAUNCHER_BIN = path.join(REPO_ROOT, 'bin', 'launcher');

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions extends Omit<SpawnOptions, 'stdio'> {
  input?: string;
}

/** Spawn a program (no shell) and wait for it to exit. */
export function run(file: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const { input, ...spawnOptions } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...spawnOptions, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    // A child that exits without reading its stdin makes this write fail with EPIPE: harmless.
    child.stdin!.on('error', () => {});
    child.stdin!.end(input ?? '');
  });
}

/** Run `launcher <args>` with the given environment and directory. */
export function launcher(
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd: string } & RunOptions,
): Promise<RunResult> {
  return run(process.execPath, [LAUNCHER_BIN, ...args], options);
}

/** `launcher <args>` run by /bin/sh after `setup`, a builtin that sets what it inherits (ulimit, umask). */
function launcherAfter(
  setup: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd: string } & RunOptions,
) {
  const script = `${setup} && exec "$0" "$@"`;
  return run('/bin/sh', ['-c', script, process.execPath, LAUNCHER_BIN, ...args], options);
}

/**
 * `launcher <args>` under a file size limit of `blocks` (the shell's `ulimit -f`): a write past it
 * fails with EFBIG (Node ignores SIGXFSZ) and takes the path a full disk's ENOSPC takes.
 */
export function launcherWithFileLimit(
  blocks: number,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd: string } & RunOptions,
) {
  return launcherAfter(`ulimit -f ${blocks}`, args, options);
}

/** `launcher <args>` under the file mode creation mask `umask` (octal, as the shell takes it). */
export function launcherWithUmask(
  umask: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd: string } & RunOptions,
) {
  return launcherAfter(`umask ${umask}`, args, options);
}
