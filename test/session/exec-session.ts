// A real session for tests: `launcher exec mycc` in a fresh home and project, where the pinned
// version's `mycc` execs Node on a fixture; with `status --json`, its stdout lines and its exit.
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, expect } from 'vitest';
import type { Session } from '../../src/session/session.js';
import { LAUNCHER_BIN, launcher } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { placeVersion } from '../helpers/store.js';

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Start `launcher exec mycc` running `node <script> <args…>` (killed after the test if still up). */
export function execSession(script: string, args: string[], extra: NodeJS.ProcessEnv = {}) {
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
  // The supervisor's own notes ("restarting in …").
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const lines = createInterface({ input: child.stdout! });
  /** Resolves with the first line the child prints from now on that matches `pattern`. */
  const line = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve) =>
      lines.on('line', (l) => {
        const m = pattern.exec(l);
        if (m) resolve(m);
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
  /** SIGTERM to the launcher (a graceful stop), then its exit. */
  const stop = async () => {
    child.kill('SIGTERM');
    return exited;
  };
  return { env, child, exited, status, sessionFile, line, stop, stderr: () => stderr };
}

/** The same, once `status --json` shows the session ready; with that session object. */
export async function readySession(script: string, args: string[], extra?: NodeJS.ProcessEnv) {
  const run = execSession(script, args, extra);
  await expect.poll(async () => (await run.status())[0]?.state, { timeout: 15_000 }).toBe('ready');
  const [session] = await run.status();
  return { ...run, session: session! };
}
