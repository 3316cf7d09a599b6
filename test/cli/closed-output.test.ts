// End to end: a reader that goes away. `launcher list | head -1` ends quietly with 0, and a
// supervised run whose stderr nobody reads any more keeps supervising its child.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-jsonrpc/node';
import { LAUNCHER_BIN, launcher } from '../helpers/cli.js';
import { startDistServerForTest } from '../helpers/dist-server.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { placeVersion } from '../helpers/store.js';

// The first run kills itself (an abnormal end, restarted with a notice on stderr); the next
// exits 3. Nothing of its own goes to stderr, so only the launcher's notices meet the closed pipe.
const CRASH_ONCE =
  '#!/bin/sh\nif [ -e "$CRASH_MARK" ]; then exit 3; fi\n: > "$CRASH_MARK"\nkill -9 $$\n';

/** A home with 1.0.0 installed (and its shim) and an index that offers 2.0.0, crashing once. */
async function setup() {
  const server = await startDistServerForTest({
    versions: [
      { version: '1.0.0' },
      { version: '2.0.0', files: { 'bin/mycc': { content: CRASH_ONCE, mode: 0o755 } } },
    ],
  });
  const cwd = tempDir('launcher-project-');
  const env = cleanEnv({
    LAUNCHER_DIST_URL: server.indexUrl,
    CRASH_MARK: path.join(tempDir(), 'crashed'),
  });
  placeVersion(env.LAUNCHER_HOME!, '1.0.0');
  writeFileSync(path.join(cwd, '.tool-version'), '1.0.0\n');
  expect((await launcher(['rehash'], { env, cwd })).code).toBe(0);
  return { env, cwd, shim: path.join(env.LAUNCHER_HOME!, 'shims', 'mycc') };
}

/**
 * Run `file args…` with stdout or stderr a pipe whose reading end is closed at once, before the
 * process has started: every write to it fails with EPIPE. Resolves to what the other one got.
 */
function withClosedReader(
  stream: 'stdout' | 'stderr',
  file: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd: string },
): Promise<{ code: number | null; signal: NodeJS.Signals | null; other: string }> {
  const child = spawn(file, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  child[stream].destroy();
  let other = '';
  child[stream === 'stdout' ? 'stderr' : 'stdout'].setEncoding('utf8').on('data', (d: string) => {
    other += d;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, other }));
  });
}

describe('a closed stdout', () => {
  it.each([
    'current',
    'current --json',
    'list',
    'list --json',
    'list-remote',
    'list-remote --json',
    'which mycc',
    'status --json',
    'diagnostics --json',
    'diagnostics --watch',
    '--help',
    '--version',
  ])('ends `launcher %s` quietly with exit 0', async (command) => {
    const { env, cwd } = await setup();
    const r = await withClosedReader(
      'stdout',
      process.execPath,
      [LAUNCHER_BIN, ...command.split(' ')],
      {
        env,
        cwd,
      },
    );
    expect(r).toEqual({ code: 0, signal: null, other: '' });
  });

  it('keeps a failed command’s own exit code: `launcher doctor` with a failed check', async () => {
    const { env, cwd } = await setup();
    // cleanEnv's PATH lacks the shims directory: one check fails, so doctor's own code is 1.
    const open = await launcher(['doctor'], { env, cwd });
    expect(open.code).toBe(1);
    expect(open.stdout).toContain('is on PATH');
    const r = await withClosedReader('stdout', process.execPath, [LAUNCHER_BIN, 'doctor'], {
      env,
      cwd,
    });
    expect(r).toEqual({ code: 1, signal: null, other: '' });
  });
});

describe('a closed stderr', () => {
  it.each(['exec', 'shim'])(
    'costs a %s run its notices, not its child: install, restart, exit code',
    async (how) => {
      const { env, cwd, shim } = await setup();
      const runEnv = { ...env, LAUNCHER_VERSION: '2.0.0' };
      const r =
        how === 'exec'
          ? await withClosedReader('stderr', process.execPath, [LAUNCHER_BIN, 'exec', 'mycc'], {
              env: runEnv,
              cwd,
            })
          : await withClosedReader('stderr', shim, [], { env: runEnv, cwd });
      // Installed (progress lines), crashed, restarted (a notice), then the child's own 3.
      expect(r).toEqual({ code: 3, signal: null, other: '' });
      expect(existsSync(env.CRASH_MARK!)).toBe(true);
    },
  );

  it('leaves `launcher lsp --start` draining its child’s output, and serving', async () => {
    const env = cleanEnv({ LAUNCHER_VERSION: '1.0.0' });
    const cwd = tempDir('launcher-project-');
    const done = path.join(tempDir(), 'done');
    // Far more output than the pipes between the child and the launcher hold, then a mark.
    const flood = `process.stdout.write('x'.repeat(4 << 20), () => require('fs').writeFileSync(${JSON.stringify(done)}, '')); setInterval(() => {}, 1000);`;
    placeVersion(env.LAUNCHER_HOME!, '1.0.0', {
      script: `#!/bin/sh\nexec '${process.execPath}' -e "${flood.replaceAll('"', '\\"')}"\n`,
    });
    const child = spawn(process.execPath, [LAUNCHER_BIN, 'lsp', '--start', '--', 'mycc'], {
      env,
      cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stderr!.destroy();
    const exited = new Promise((resolve) => child.on('close', (code) => resolve(code)));
    const client = createMessageConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    client.listen();
    try {
      await client.sendRequest('initialize', {
        processId: null,
        rootUri: pathToFileURL(cwd).href,
        capabilities: {},
      });
      await client.sendNotification('initialized', {});
      await expect.poll(() => existsSync(done), { timeout: 15_000 }).toBe(true);
      await client.sendRequest('shutdown');
      await client.sendNotification('exit');
      expect(await exited).toBe(0);
    } finally {
      client.dispose();
      child.kill('SIGKILL');
    }
  });
});
