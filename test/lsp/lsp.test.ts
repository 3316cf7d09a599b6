// `launcher lsp --start` driven by an LSP client written with vscode-jsonrpc, around the sample
// compiler: diagnostics arrive, follow file changes, survive a crash and restart, and shutdown
// leaves no process behind.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  closeSync,
  copyFileSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, onTestFailed } from 'vitest';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-jsonrpc/node';
import { DiagnosticsKeeper } from '../../src/diagnostics/keeper.js';
import { keptDiagnosticsFile, readKept } from '../../src/diagnostics/kept-file.js';
import { launcherPaths } from '../../src/paths.js';
import { processExists } from '../../src/session/process-identity.js';
import { SessionRecord } from '../../src/session/session-record.js';
import { SAMPLES, useSampleDist } from '../examples/sample-fixture.js';
import { LAUNCHER_BIN, launcher, REPO_ROOT, run } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { placeVersion } from '../helpers/store.js';

const { dist } = useSampleDist();
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

interface Diagnostic {
  code?: string;
  message: string;
}

function startLsp(args: string[]) {
  const env = cleanEnv({
    LAUNCHER_DIST_URL: pathToFileURL(dist().indexPath).href,
    LAUNCHER_STOP_TIMEOUT_MS: '3000',
  });
  const project = tempDir('launcher-lsp-');
  writeFileSync(path.join(project, '.tool-version'), '1.5\n');
  copyFileSync(path.join(SAMPLES, 'broken.my'), path.join(project, 'broken.my'));
  const child = spawn(process.execPath, [LAUNCHER_BIN, 'lsp', ...args], {
    env,
    cwd: project,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  const exited = ended.then(({ code }) => code);
  const client = createMessageConnection(
    new StreamMessageReader(child.stdout!),
    new StreamMessageWriter(child.stdin!),
  );
  const diagnostics = new Map<string, Diagnostic[]>();
  const counts = new Map<string, number>();
  const messages: string[] = [];
  client.onNotification(
    'textDocument/publishDiagnostics',
    (p: { uri: string; diagnostics: Diagnostic[] }) => {
      diagnostics.set(p.uri, p.diagnostics);
      counts.set(p.uri, (counts.get(p.uri) ?? 0) + 1);
    },
  );
  client.onNotification('window/showMessage', (p: { message: string }) => {
    messages.push(p.message);
  });
  client.listen();
  const uri = (file: string) => pathToFileURL(path.join(project, file)).href;
  const codes = (file: string) => diagnostics.get(uri(file))?.map((d) => d.code);
  /** What an editor sends first: `initialize` with the project as root, then `initialized`. */
  const initialize = async <T = unknown>(processId: number | null = null, root = project) => {
    const result = await client.sendRequest<T>('initialize', {
      processId,
      rootUri: pathToFileURL(root).href,
      capabilities: {},
    });
    await client.sendNotification('initialized', {});
    return result;
  };
  /** Resolves once the server has handled everything sent before (answers come in order). */
  const handled = () => expect(client.sendRequest('launcher/none')).rejects.toThrow();
  /** The live sessions, as `launcher status --json` lists them. */
  const sessions = async () =>
    JSON.parse((await launcher(['status', '--json'], { env, cwd: project })).stdout);
  return {
    env,
    project,
    child,
    client,
    diagnostics,
    messages,
    exited,
    ended,
    uri,
    codes,
    initialize,
    handled,
    /** How many publishDiagnostics of that URI the editor got so far. */
    publishes: (uri: string) => counts.get(uri) ?? 0,
    /** Keep one diagnostic for `file`, as a compiler run of the project would. */
    keep: (file: string, code: string, message: string) => {
      const keeper = new DiagnosticsKeeper(launcherPaths(env), project);
      const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
      keeper.update(uri(file), [{ range, code, message }]);
      keeper.close();
    },
    /** What an editor sends last: `shutdown`, then `exit`; resolves to the exit code. */
    shutDown: async () => {
      await client.sendRequest('shutdown');
      await client.sendNotification('exit');
      return exited;
    },
    sessions,
    /** The states of the live sessions, as `launcher status --json` lists them. */
    states: async () => (await sessions()).map((s: { state: string }) => s.state),
    /**
     * Put a directory where the kept diagnostics file goes: no run can keep diagnostics there,
     * and the bridge reads none from it, so only a live session can show any. Returns its path.
     */
    blockKept: () => {
      const kept = keptDiagnosticsFile(launcherPaths(env), project);
      mkdirSync(kept, { recursive: true });
      return kept;
    },
    /** Make the pinned version test/fixtures/lsp-compiler.mjs, run with `args`. */
    useFixtureCompiler: (...args: string[]) => {
      const fixture = path.join(REPO_ROOT, 'test', 'fixtures', 'lsp-compiler.mjs');
      placeVersion(env.LAUNCHER_HOME!, '1.5.0', {
        script: `#!/bin/sh\nexec '${process.execPath}' '${fixture}' ${args.join(' ')}\n`,
      });
    },
    /** Start `launcher exec mycc serve` in the project, as from a terminal. */
    serve: () => {
      const server = spawn(process.execPath, [LAUNCHER_BIN, 'exec', 'mycc', 'serve'], {
        env,
        cwd: project,
        stdio: 'ignore',
      });
      children.push(server);
      return server;
    },
    /** The message of the first diagnostic the editor shows for `file`. */
    shown: (file: string) => diagnostics.get(uri(file))?.[0]?.message,
    stderr: () => stderr,
  };
}

/** One LSP frame holding `message` (a JSON-RPC 2.0 message without its `jsonrpc`). */
function lspFrame(message: object): string {
  const body = JSON.stringify({ jsonrpc: '2.0', ...message });
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** The messages in a server's output, in order; a frame cut short or not JSON fails the test. */
function lspMessages(output: Buffer): Array<{ id?: number; result?: unknown }> {
  const messages = [];
  let at = 0;
  while (at < output.length) {
    const headerEnd = output.indexOf('\r\n\r\n', at);
    const length = /^Content-Length: (\d+)$/.exec(output.toString('latin1', at, headerEnd))?.[1];
    expect(length, `a frame header at byte ${at}`).toBeDefined();
    const start = headerEnd + 4;
    expect(start + Number(length), `the end of the frame at byte ${at}`).toBeLessThanOrEqual(
      output.length,
    );
    messages.push(JSON.parse(output.toString('utf8', start, start + Number(length))));
    at = start + Number(length);
  }
  return messages;
}

/** `launcher lsp --start -- mycc serve` with the fixture compiler, once the editor shows it runs. */
async function startFixtureCompiler() {
  const lsp = startLsp(['--start', '--', 'mycc', 'serve']);
  lsp.useFixtureCompiler();
  onTestFailed(() => console.error(`launcher lsp wrote on stderr:\n${lsp.stderr()}`));
  await lsp.initialize();
  await expect.poll(() => lsp.shown('main.my'), { timeout: 15_000 }).toBe('running');
  return lsp;
}

describe('launcher lsp --start', () => {
  it('publishes the compiler diagnostics, follows changes and restarts, and stops cleanly', async () => {
    const lsp = startLsp(['--start', '--', 'mycc', 'serve']);
    const init = await lsp.initialize<{ serverInfo: { name: string } }>(process.pid);
    expect(init.serverInfo.name).toBe('launcher');
    onTestFailed(() =>
      console.error(`launcher lsp wrote on stderr:\n${lsp.stderr()}\nmessages: ${lsp.messages}`),
    );

    // The sample's errors arrive, installed and started on demand.
    await expect
      .poll(() => lsp.codes('broken.my'), { timeout: 30_000 })
      .toEqual(expect.arrayContaining(['MYCC001']));

    // Fixing the file clears them.
    writeFileSync(path.join(lsp.project, 'broken.my'), 'let x = 1\nprint(x)\n');
    await expect.poll(() => lsp.codes('broken.my'), { timeout: 15_000 }).toEqual([]);

    // A crash is restarted by the supervisor and shown to the user; diagnostics keep flowing.
    const [session] = await lsp.sessions();
    expect(session).toMatchObject({ state: 'ready', restarts: 0 });
    await fetch(`http://127.0.0.1:${session.port}/crash?signal=SIGKILL`);
    await expect
      .poll(() => lsp.messages, { timeout: 15_000 })
      .toEqual(['mycc 1.5.0 stopped unexpectedly and was restarted (restart 1).']);
    writeFileSync(path.join(lsp.project, 'broken.my'), 'print(nope)\n');
    await expect.poll(() => lsp.codes('broken.my'), { timeout: 15_000 }).toEqual(['MYCC001']);

    // A restart the user asks for is no crash, and is not reported as one.
    const asked = await launcher(['restart'], { env: lsp.env, cwd: lsp.project });
    expect(asked.code).toBe(0);
    await expect
      .poll(() => lsp.messages.slice(1), { timeout: 15_000 })
      .toEqual(['mycc 1.5.0 was restarted as requested (restart 2).']);
    const [restarted] = await lsp.sessions();
    expect(restarted.childPid).not.toBe(session.childPid);

    // shutdown, exit: the compiler is stopped and nothing is left running.
    expect(await lsp.shutDown()).toBe(0);
    expect(processExists(restarted.childPid)).toBe(false);
    expect(lsp.stderr()).not.toContain('internal error');
    expect(await lsp.sessions()).toEqual([]);
  });

  it('starts one compiler and sends each update once, even after a second initialized', async () => {
    const lsp = startLsp(['--start', '--', 'mycc', 'serve']);
    await lsp.initialize();
    await lsp.client.sendNotification('initialized', {});
    await expect
      .poll(() => lsp.codes('broken.my'), { timeout: 30_000 })
      .toEqual(expect.arrayContaining(['MYCC001']));
    expect(await lsp.sessions()).toHaveLength(1);
    const before = lsp.publishes(lsp.uri('broken.my'));
    writeFileSync(path.join(lsp.project, 'broken.my'), 'let x = 1\nprint(x)\n');
    await expect.poll(() => lsp.codes('broken.my'), { timeout: 15_000 }).toEqual([]);
    await lsp.handled();
    expect(lsp.publishes(lsp.uri('broken.my')) - before).toBe(1);
    expect(await lsp.shutDown()).toBe(0);
    expect(await lsp.sessions()).toEqual([]);
  });

  it('stops the compiler when the editor closes its end without shutdown', async () => {
    const lsp = startLsp(['--start', '--', 'mycc', 'serve']);
    await lsp.initialize();
    await expect
      .poll(() => lsp.codes('broken.my'), { timeout: 30_000 })
      .toEqual(expect.arrayContaining(['MYCC001']));
    const [session] = await lsp.sessions();
    lsp.client.dispose();
    children[0]!.stdin!.end();
    expect(await lsp.exited).toBe(1);
    expect(processExists(session.childPid)).toBe(false);
  });

  it('stops its compiler before it answers shutdown, so nothing of it outlives the answer', async () => {
    const lsp = await startFixtureCompiler();
    const [session] = await lsp.sessions();
    expect(processExists(session.childPid)).toBe(true);
    // An editor may end the server as soon as shutdown is answered, before (or without) `exit`.
    expect(await lsp.client.sendRequest('shutdown')).toBeNull();
    expect(processExists(session.childPid)).toBe(false);
    expect(await lsp.sessions()).toEqual([]);
    await lsp.client.sendNotification('exit');
    expect(await lsp.exited).toBe(0);
    // Asked to stop, not killed: it said goodbye.
    expect(lsp.stderr()).toContain('stopped: the editor closed the language server');
  });

  it('once its compiler has ended, says so and follows the next session of the project', async () => {
    const lsp = await startFixtureCompiler();
    expect(await launcher(['stop'], { env: lsp.env, cwd: lsp.project })).toMatchObject({ code: 0 });
    await expect
      .poll(() => lsp.messages, { timeout: 10_000 })
      .toEqual(['mycc 1.5.0 was stopped. launcher lsp now follows the other runs of the project.']);

    // Another compiler of the project, started in a terminal: attached to, so its restart shows.
    const server = lsp.serve();
    await expect.poll(lsp.states, { timeout: 10_000 }).toEqual(['ready']);
    await expect
      .poll(
        async () => {
          await launcher(['restart'], { env: lsp.env, cwd: lsp.project });
          return lsp.messages.slice(1);
        },
        { timeout: 10_000, interval: 1000 },
      )
      .toContainEqual(expect.stringMatching(/^mycc 1\.5\.0 was restarted as requested/));
    server.kill('SIGTERM');
    expect(await lsp.shutDown()).toBe(0);
    // It never kept knocking at the ended session's socket.
    expect(lsp.stderr()).not.toContain('cannot attach');
  });

  it('tells a compiler that exits with an error once, with its exit code', async () => {
    const lsp = startLsp(['--start', '--', 'mycc', 'serve']);
    lsp.useFixtureCompiler('exit=3');
    await lsp.initialize();
    await expect
      .poll(() => lsp.messages, { timeout: 15_000 })
      .toEqual([
        'mycc 1.5.0 exited with code 3. launcher lsp now follows the other runs of the project.',
      ]);
    await new Promise((resolve) => setTimeout(resolve, 300)); // nothing more comes
    expect(lsp.messages).toHaveLength(1);
    expect(await lsp.shutDown()).toBe(0);
  });

  it('ends cleanly with a warning when its compiler’s last diagnostics cannot be kept', async () => {
    const lsp = startLsp(['--start', '--', 'mycc', 'serve']);
    lsp.useFixtureCompiler();
    onTestFailed(() => console.error(`launcher lsp wrote on stderr:\n${lsp.stderr()}`));
    // A directory where the kept file goes: no write can replace it.
    const kept = lsp.blockKept();
    await lsp.initialize();
    await expect.poll(() => lsp.shown('main.my'), { timeout: 15_000 }).toBe('running');
    expect(await lsp.shutDown()).toBe(0);
    // Said when the first write failed, and in short at the end, for the same reason.
    expect(lsp.stderr()).toContain(
      '(launcher tries again at their next change): ' +
        `cannot use ${kept} (rename): it is a directory.`,
    );
    expect(lsp.stderr()).toContain(
      'launcher: warning: the last diagnostics of this run were not kept either, for the same reason\n',
    );
    expect(lsp.stderr()).not.toContain('internal error');
    expect(await lsp.sessions()).toEqual([]);
  });

  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)(
    'on %s stops the compiler gracefully, keeps its last diagnostics, then dies of the signal',
    async (signal) => {
      const lsp = await startFixtureCompiler();
      const [session] = await lsp.sessions();
      lsp.child.kill(signal);
      expect(await lsp.ended).toEqual({ code: null, signal });
      // The compiler was asked to shut down (it published, then said so), not killed with us.
      expect(lsp.stderr()).toContain(`stopped: launcher lsp received ${signal}`);
      const kept = readKept(launcherPaths(lsp.env), lsp.project);
      expect(kept.map((f) => f.diagnostics[0]?.message)).toEqual(['stopped']);
      expect(processExists(session.childPid)).toBe(false);
      expect(await lsp.sessions()).toEqual([]);
    },
  );
});

describe('launcher lsp (attaching)', () => {
  it('publishes the kept diagnostics, then follows a session started later', async () => {
    const lsp = startLsp([]);
    // Diagnostics kept from an earlier run are shown at once.
    const check = await launcher(['exec', 'mycc', 'check', 'broken.my'], {
      env: lsp.env,
      cwd: lsp.project,
    });
    expect(check.code).toBe(1);
    await lsp.initialize();
    await expect
      .poll(() => lsp.codes('broken.my'), { timeout: 10_000 })
      .toEqual(expect.arrayContaining(['MYCC001']));

    // A compiler server started afterwards is found and followed.
    const server = lsp.serve();
    writeFileSync(path.join(lsp.project, 'broken.my'), 'let x = 1\nprint(x)\n');
    await expect.poll(() => lsp.codes('broken.my'), { timeout: 20_000 }).toEqual([]);
    server.kill('SIGTERM');
    expect(await lsp.shutDown()).toBe(0);
    expect(lsp.stderr()).not.toContain('internal error');
  });

  // The kept file tells of every run too; with it blocked, these come only from the session.
  it('shows what a live session holds when it attaches, then each set it publishes', async () => {
    const lsp = startLsp([]);
    onTestFailed(() => console.error(`launcher lsp wrote on stderr:\n${lsp.stderr()}`));
    lsp.blockKept();
    const server = lsp.serve();
    // mycc publishes its first diagnostics before it reports ready: the session holds them now.
    await expect.poll(lsp.states, { timeout: 20_000 }).toEqual(['ready']);
    await lsp.initialize();
    await expect
      .poll(() => lsp.codes('broken.my'), { timeout: 10_000 })
      .toEqual(expect.arrayContaining(['MYCC001']));
    // Fixed, the file's diagnostics are published again, empty: only the live stream has that.
    writeFileSync(path.join(lsp.project, 'broken.my'), 'let x = 1\nprint(x)\n');
    await expect.poll(() => lsp.codes('broken.my'), { timeout: 15_000 }).toEqual([]);
    server.kill('SIGTERM');
    expect(await lsp.shutDown()).toBe(0);
  });

  it('goes on to the next session of the project once the one it followed has ended', async () => {
    const lsp = startLsp([]);
    onTestFailed(() => console.error(`launcher lsp wrote on stderr:\n${lsp.stderr()}`));
    lsp.blockKept();
    const first = lsp.serve();
    await lsp.initialize();
    await expect
      .poll(() => lsp.codes('broken.my'), { timeout: 20_000 })
      .toEqual(expect.arrayContaining(['MYCC001']));
    first.kill('SIGTERM');
    await once(first, 'close');
    expect(await lsp.sessions()).toEqual([]);

    // A new file, served by a new session: its diagnostics can come only from that session.
    writeFileSync(path.join(lsp.project, 'other.my'), 'print(nope)\n');
    const second = lsp.serve();
    await expect.poll(() => lsp.codes('other.my'), { timeout: 20_000 }).toEqual(['MYCC001']);
    second.kill('SIGTERM');
    expect(await lsp.shutDown()).toBe(0);
  });

  it('tells one failed run of another launcher as a warning, not as giving up', async () => {
    const lsp = startLsp([]);
    lsp.useFixtureCompiler('exit=3');
    await lsp.initialize();
    lsp.serve();
    await expect
      .poll(() => lsp.messages, { timeout: 15_000 })
      .toEqual(['mycc 1.5.0 ended with an error.']);
    expect(await lsp.shutDown()).toBe(0);
  });

  it('says once that it cannot attach to a live session, and keeps serving', async () => {
    const lsp = startLsp([]);
    // A live session (this process's) whose control socket is not there.
    const control = path.join(tempDir('launcher-socket-'), 'control.sock');
    const record = SessionRecord.create(launcherPaths(lsp.env), {
      tool: 'mycc',
      bin: 'mycc',
      version: '1.5.0',
      cwd: lsp.project,
      projectRoot: lsp.project,
      control,
    });
    try {
      await lsp.initialize();
      await expect
        .poll(() => lsp.messages, { timeout: 10_000 })
        .toEqual([expect.stringContaining(`launcher: cannot attach to the session at ${control}`)]);
      await new Promise((resolve) => setTimeout(resolve, 600)); // some more tries
      expect(lsp.messages).toHaveLength(1);
      expect(await lsp.shutDown()).toBe(0);
      expect(lsp.stderr().match(/cannot attach/g)).toHaveLength(1);
    } finally {
      record.remove();
    }
  });

  it('keeps serving when the sessions directory cannot be read, and says why', async () => {
    const lsp = startLsp([]);
    // A link to itself: reading it fails (ELOOP) for every user, root included.
    const sessions = path.join(lsp.env.LAUNCHER_HOME!, 'state', 'sessions');
    mkdirSync(path.dirname(sessions), { recursive: true });
    symlinkSync(sessions, sessions);
    await lsp.initialize();
    await expect
      .poll(() => lsp.messages.join('\n'), { timeout: 10_000 })
      .toContain(`cannot read the sessions directory ${sessions}`);
    // Still a working server: shown once, not at every look, and it shuts down cleanly.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(lsp.messages).toHaveLength(1);
    expect(await lsp.shutDown()).toBe(0);
    expect(lsp.stderr()).toContain('launcher lsp: cannot read the sessions directory');
    expect(lsp.stderr()).not.toMatch(/internal error|\n\s+at /);
  });

  it('follows the kept diagnostics: runs too short to attach to, and documents that go away', async () => {
    const lsp = startLsp([]);
    onTestFailed(() => console.error(`launcher lsp wrote on stderr:\n${lsp.stderr()}`));
    await lsp.initialize();
    await lsp.handled(); // `initialized` too
    // A write with no session at all: only the kept file tells of it.
    lsp.keep('a.my', 'K1', 'kept');
    await expect.poll(() => lsp.codes('a.my'), { timeout: 10_000 }).toEqual(['K1']);

    // Deleting the kept file (to start afresh, as ide.md says) clears the editor too.
    rmSync(keptDiagnosticsFile(launcherPaths(lsp.env), lsp.project));
    await expect.poll(() => lsp.codes('a.my'), { timeout: 10_000 }).toEqual([]);

    // A real short compiler run: over a few milliseconds after it connected.
    placeVersion(lsp.env.LAUNCHER_HOME!, '1.5.0', {
      script: `#!/bin/sh\nexec '${process.execPath}' '${path.join(REPO_ROOT, 'test', 'fixtures', 'publish.mjs')}' "$@"\n`,
    });
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
    const published = [
      { uri: lsp.uri('b.my'), diagnostics: [{ range, code: 'S1', message: 's' }] },
    ];
    const run = await launcher(['exec', 'mycc', JSON.stringify(published)], {
      env: lsp.env,
      cwd: lsp.project,
    });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    await expect.poll(() => lsp.codes('b.my'), { timeout: 10_000 }).toEqual(['S1']);

    expect(await lsp.shutDown()).toBe(0);
  });

  it('says why it cannot follow the kept diagnostics, and follows them once it can', async () => {
    const lsp = startLsp([]);
    onTestFailed(() => console.error(`launcher lsp wrote on stderr:\n${lsp.stderr()}`));
    // A stray file where the directory of kept diagnostics belongs: nothing can be watched.
    const paths = launcherPaths(lsp.env);
    const dir = path.dirname(keptDiagnosticsFile(paths, lsp.project));
    mkdirSync(path.dirname(dir), { recursive: true });
    writeFileSync(dir, 'stray');
    await lsp.initialize();
    await expect
      .poll(() => lsp.messages.join('\n'), { timeout: 10_000 })
      .toContain(`launcher: cannot use ${dir}`);
    expect(lsp.messages.join('\n')).toMatch(/Move (that file|it) away/);
    // The user removes it; the next run's diagnostics then reach the editor.
    rmSync(dir);
    lsp.keep('a.my', 'K1', 'kept');
    await expect.poll(() => lsp.codes('a.my'), { timeout: 10_000 }).toEqual(['K1']);
    expect(await lsp.shutDown()).toBe(0);
  });

  it('says when the kept diagnostics cannot be read, and shows them once they can', async () => {
    const lsp = startLsp([]);
    const file = lsp.blockKept(); // a directory in its place: unreadable for root too
    await lsp.initialize();
    await expect
      .poll(() => lsp.messages.join('\n'), { timeout: 10_000 })
      .toContain(`cannot read the kept diagnostics ${file}: it is a directory, not a file`);
    rmSync(file, { recursive: true });
    lsp.keep('a.my', 'K1', 'kept');
    await expect.poll(() => lsp.codes('a.my'), { timeout: 10_000 }).toEqual(['K1']);
    expect(await lsp.shutDown()).toBe(0);
    expect(lsp.stderr()).not.toMatch(/internal error|\n\s+at /);
  });

  it.each([
    [
      'a bad version file',
      'bad',
      'not/a/version',
      /\.tool-version:1: .*Then restart the language server\.$/,
    ],
    [
      'a folder that does not exist',
      'missing',
      null,
      /, is not a directory\. Open the project .*Then restart/,
    ],
  ])(
    'after a failed initialize (%s) it attaches to nothing and says why',
    async (_what, name, content, reason) => {
      const lsp = startLsp([]);
      // The server's own directory is a fine project, with diagnostics kept: never to be shown.
      lsp.keep('a.my', 'K1', 'not this project');
      const root = path.join(tempDir('launcher-editor-'), name);
      if (content !== null) {
        mkdirSync(root);
        writeFileSync(path.join(root, '.tool-version'), `${content}\n`);
      }
      const failed = await lsp.initialize(null, root).then(
        () => null,
        (error: { code: number; message: string; data: unknown }) => error,
      );
      // Some editors go on as if it had worked.
      await lsp.client.sendNotification('initialized', {});
      expect(failed).toMatchObject({ code: -32603, data: { retry: false } });
      expect(failed!.message).toMatch(reason);
      expect(failed!.message).not.toContain('--dir');
      await lsp.handled();
      await expect
        .poll(() => lsp.messages, { timeout: 10_000 })
        .toEqual([expect.stringMatching(/^launcher lsp shows no diagnostics: /)]);
      expect(lsp.messages[0]).toMatch(reason);
      expect(lsp.diagnostics.size).toBe(0);
      expect(await lsp.shutDown()).toBe(0);
    },
  );
});

describe('launcher lsp (LSP lifecycle)', () => {
  const codeOf = (request: Promise<unknown>) =>
    request.then(
      () => 'answered',
      (error: { code: number }) => error.code,
    );

  it('answers -32602 to a parameter of the wrong type, naming it, and accepts a good one then', async () => {
    const lsp = startLsp([]);
    const answer = (params: object) =>
      lsp.client.sendRequest('initialize', { capabilities: {}, ...params }).then(
        () => 'answered',
        (error: { code: number; message: string }) => `${error.code} ${error.message}`,
      );
    expect(await answer({ rootUri: 5 })).toBe(
      '-32602 initialize: rootUri must be a string or null, not 5',
    );
    expect(await answer({ processId: '12' })).toBe(
      '-32602 initialize: processId must be an integer or null, not "12"',
    );
    expect(await answer({ workspaceFolders: [{ name: 'x' }] })).toMatch(
      /^-32602 initialize: workspaceFolders must be an array of \{ uri, name \} or null/,
    );
    expect(await answer({ rootPath: {} })).toMatch(/^-32602 initialize: rootPath must be/);
    expect(await answer({ processId: null, rootUri: pathToFileURL(lsp.project).href })).toBe(
      'answered',
    );
    expect(await lsp.shutDown()).toBe(0);
  });

  it('serves no folder that is not on this machine: answers, says so once, shows nothing', async () => {
    const lsp = startLsp([]);
    // The server's own directory is a project with diagnostics kept: never to be shown.
    lsp.keep('a.my', 'K1', 'not this project');
    const remote = 'vscode-vfs://github/x/y';
    const result = await lsp.client.sendRequest('initialize', {
      processId: null,
      rootUri: remote,
      workspaceFolders: [{ uri: remote, name: 'y' }],
      capabilities: {},
    });
    expect(result).toMatchObject({ serverInfo: { name: 'launcher' } });
    await lsp.client.sendNotification('initialized', {});
    await lsp.handled();
    await expect
      .poll(() => lsp.messages, { timeout: 10_000 })
      .toEqual([
        expect.stringContaining(
          `only folders on this machine (file: URIs), and the editor opened ${remote}`,
        ),
      ]);
    await new Promise((resolve) => setTimeout(resolve, 500)); // what would follow a project
    expect(lsp.diagnostics.size).toBe(0);
    expect(await lsp.shutDown()).toBe(0);
  });

  it('takes the first file: folder, a workspace folder after a root that is not a file', async () => {
    const lsp = startLsp([]);
    lsp.keep('a.my', 'K1', 'not this project');
    const other = tempDir('launcher-other-');
    writeFileSync(path.join(other, '.tool-version'), '1.5\n');
    const keeper = new DiagnosticsKeeper(launcherPaths(lsp.env), other);
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
    const shown = pathToFileURL(path.join(other, 'b.my')).href;
    keeper.update(shown, [{ range, code: 'K2', message: 'this one' }]);
    keeper.close();
    await lsp.client.sendRequest('initialize', {
      processId: null,
      rootUri: 'vscode-vfs://github/x/y',
      workspaceFolders: [
        { uri: 'vscode-vfs://github/x/y', name: 'y' },
        { uri: pathToFileURL(other).href, name: 'other' },
      ],
      capabilities: {},
    });
    await lsp.client.sendNotification('initialized', {});
    await expect.poll(() => [...lsp.diagnostics.keys()], { timeout: 10_000 }).toEqual([shown]);
    expect(await lsp.shutDown()).toBe(0);
  });

  it('stops its compiler and exits 1 once the editor process named in initialize is gone', async () => {
    const editor = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
      stdio: 'ignore',
    });
    children.push(editor);
    const lsp = startLsp(['--start', '--', 'mycc', 'serve']);
    lsp.useFixtureCompiler();
    await lsp.initialize(editor.pid!);
    await expect.poll(() => lsp.shown('main.my'), { timeout: 15_000 }).toBe('running');
    const [session] = await lsp.sessions();
    editor.kill('SIGKILL');
    // The editor's end never closes the server's input here: this test holds the other end.
    expect(await lsp.exited).toBe(1);
    expect(lsp.stderr()).toContain(`the editor (process ${editor.pid}) is gone`);
    expect(lsp.stderr()).toContain('stopped: the editor closed the language server');
    expect(processExists(session.childPid)).toBe(false);
  });

  it('answers -32002 before initialize, -32600 to a second initialize and after shutdown', async () => {
    const lsp = startLsp([]);
    expect(await codeOf(lsp.client.sendRequest('textDocument/hover', {}))).toBe(-32002);
    await lsp.initialize();
    expect(await codeOf(lsp.client.sendRequest('textDocument/hover', {}))).toBe(-32601);
    expect(
      await codeOf(lsp.client.sendRequest('initialize', { processId: null, capabilities: {} })),
    ).toBe(-32600);
    await lsp.client.sendRequest('shutdown');
    expect(await codeOf(lsp.client.sendRequest('textDocument/hover', {}))).toBe(-32600);
    expect(await codeOf(lsp.client.sendRequest('shutdown'))).toBe(-32600);
    await lsp.client.sendNotification('exit');
    expect(await lsp.exited).toBe(0);
  });

  it('exits 1 on exit without a shutdown before it, as LSP says', async () => {
    const lsp = startLsp([]);
    await lsp.initialize();
    await lsp.handled();
    // The test keeps the server's input open: the exit notification alone ends it.
    await lsp.client.sendNotification('exit');
    expect(await lsp.exited).toBe(1);
  });
});

describe('launcher lsp (usage)', () => {
  it('ends cleanly (exit 0) when its input ends before any request: /dev/null or an empty pipe', async () => {
    const env = cleanEnv();
    const cwd = tempDir();
    const devNull = openSync('/dev/null', 'r');
    try {
      const fromFile = spawnSync(process.execPath, [LAUNCHER_BIN, 'lsp'], {
        env,
        cwd,
        stdio: [devNull, 'pipe', 'pipe'],
        encoding: 'utf8',
      });
      expect(fromFile).toMatchObject({ status: 0, stdout: '', stderr: '' });
    } finally {
      closeSync(devNull);
    }
    const fromPipe = await launcher(['lsp'], { env, cwd, input: '' });
    expect(fromPipe).toEqual({ code: 0, signal: null, stdout: '', stderr: '' });
  });

  // Requests read from a file or a pipe that then ends: every one is answered before the end is,
  // even behind 5000 notifications, more than the reader lets wait at once (it pauses its input
  // and resumes it).
  it('answers every request that came before its input ended, from a file or a pipe', async () => {
    const env = cleanEnv();
    const cwd = tempDir();
    const initialize = lspFrame({ id: 1, method: 'initialize', params: { rootUri: null } });
    const full =
      initialize +
      lspFrame({ method: 'initialized', params: {} }) +
      lspFrame({ method: 'test/unknown', params: {} }).repeat(5000) +
      lspFrame({ id: 2, method: 'shutdown' }) +
      lspFrame({ method: 'exit' });
    const answers = (stdout: string) =>
      [...stdout.matchAll(/"id":(\d+)/g)].map((m) => Number(m[1]));
    const file = path.join(tempDir(), 'requests');
    for (const [input, ids, code] of [
      [full, [1, 2], 0],
      // Ended after initialize, without shutdown: answered, then the abnormal end LSP means.
      [initialize, [1], 1],
    ] as const) {
      writeFileSync(file, input);
      const fd = openSync(file, 'r');
      try {
        const fromFile = spawnSync(process.execPath, [LAUNCHER_BIN, 'lsp'], {
          env,
          cwd,
          stdio: [fd, 'pipe', 'pipe'],
          encoding: 'utf8',
          timeout: 20_000,
        });
        expect([fromFile.status, answers(fromFile.stdout)]).toEqual([code, ids]);
      } finally {
        closeSync(fd);
      }
      const fromPipe = await launcher(['lsp'], { env, cwd, input });
      expect([fromPipe.code, answers(fromPipe.stdout)]).toEqual([code, ids]);
    }
  });

  // What an editor that does not wait for answers sends (or a file of requests holds): 5000
  // requests between `initialize` and `shutdown`, then `exit`.
  const requests = Array.from({ length: 5000 }, (_, i) => i + 3);
  const manyRequests =
    lspFrame({ id: 1, method: 'initialize', params: { rootUri: null } }) +
    lspFrame({ method: 'initialized', params: {} }) +
    requests.map((id) => lspFrame({ id, method: 'test/unknown' })).join('') +
    lspFrame({ id: 2, method: 'shutdown' }) +
    lspFrame({ method: 'exit' });

  /**
   * `launcher lsp` reading `input` from a file, or from a pipe (ended unless `keepOpen`), and
   * writing to a file, or to a pipe nobody reads until `read()`.
   */
  const pipedLsp = (
    input: string,
    stdin: 'file' | 'pipe',
    stdout: 'file' | 'pipe',
    keepOpen = false,
  ) => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'in'), input);
    const inFd = stdin === 'file' ? openSync(path.join(dir, 'in'), 'r') : 'pipe';
    const outFd = stdout === 'file' ? openSync(path.join(dir, 'out'), 'w') : 'pipe';
    const child = spawn(process.execPath, [LAUNCHER_BIN, 'lsp'], {
      env: cleanEnv(),
      cwd: tempDir(),
      stdio: [inFd, outFd, 'pipe'],
    });
    children.push(child);
    for (const fd of [inFd, outFd]) if (typeof fd === 'number') closeSync(fd);
    child.stdin?.write(input);
    if (!keepOpen) child.stdin?.end();
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    const exited = once(child, 'exit');
    return {
      /** Resolves once the process has exited, or after `ms`, whichever comes first. */
      exitedWithin: (ms: number) =>
        Promise.race([exited, new Promise((resolve) => setTimeout(resolve, ms))]),
      /** The editor closes its end of the output without reading it. */
      closeOutput: () => child.stdout!.destroy(),
      /** Reads the output until the server has ended: its exit code, stderr and messages. */
      read: async () => {
        const chunks: Buffer[] = [];
        child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
        const code = await closed;
        const output =
          stdout === 'file' ? readFileSync(path.join(dir, 'out')) : Buffer.concat(chunks);
        return { code, stderr, messages: lspMessages(output) };
      },
    };
  };

  // LSP: the server exits on `exit`, and everything it answered before, `shutdown` above all, must
  // reach the editor. Exiting at once dropped what its stdout still held (most of 5000 answers
  // when the editor read late), and said 0.
  it('sends every answer, shutdown’s last, before it exits, though the editor reads them late', async () => {
    for (const [stdin, stdout] of [
      ['file', 'pipe'],
      ['pipe', 'pipe'],
      ['file', 'file'],
    ] as const) {
      const lsp = pipedLsp(manyRequests, stdin, stdout);
      // Meanwhile the pipe is soon full, and the rest waits in the server's buffers.
      await lsp.exitedWithin(1500);
      const { code, stderr, messages } = await lsp.read();
      const answers = messages.filter((message) => message.id !== undefined);
      // In the order asked: the server handles them one at a time.
      expect(answers.map((answer) => answer.id)).toEqual([1, ...requests, 2]);
      expect(answers.at(-1)).toEqual({ jsonrpc: '2.0', id: 2, result: null });
      expect({ stdin, stdout, code, stderr }).toEqual({ stdin, stdout, code: 0, stderr: '' });
    }
  });

  // An editor that holds the output open and never reads it cannot keep the server for ever.
  it('gives up on output the editor does not read within 5 s, saying so, and exits 1', async () => {
    const lsp = pipedLsp(manyRequests, 'pipe', 'pipe');
    await lsp.exitedWithin(20_000);
    const { code, stderr } = await lsp.read();
    expect({ code, stderr }).toEqual({
      code: 1,
      stderr:
        'launcher lsp: the editor did not read the last messages within 5 s; ' +
        'exiting without them\n',
    });
  });

  // Each write then fails (EPIPE): an editor that can no longer hear the server is gone, and
  // that must not hold up the end either.
  it('ends when the editor closes its end of the output: at once, or after shutdown cleanly', async () => {
    const initialize = lspFrame({ id: 1, method: 'initialize', params: { rootUri: null } });
    const gone = pipedLsp(initialize, 'pipe', 'pipe', true);
    gone.closeOutput();
    expect(await gone.read()).toEqual({
      code: 1,
      stderr: 'launcher lsp: cannot write to the editor (write EPIPE); stopping\n',
      messages: [],
    });
    const done = pipedLsp(manyRequests, 'pipe', 'pipe');
    await done.exitedWithin(1500);
    done.closeOutput();
    expect(await done.read()).toEqual({ code: 0, stderr: '', messages: [] });
  });

  it('takes the editor’s folder even when started in a directory that was removed', async () => {
    const project = tempDir('launcher-project-');
    writeFileSync(path.join(project, '.tool-version'), '1.5\n');
    const gone = path.join(tempDir(), 'gone');
    mkdirSync(gone);
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { rootUri: pathToFileURL(project).href },
    });
    const r = await run(
      '/bin/sh',
      [
        '-c',
        'cd "$1" && rmdir "$1" && exec "$2" "$3" lsp',
        'sh',
        gone,
        process.execPath,
        LAUNCHER_BIN,
      ],
      {
        env: cleanEnv(),
        cwd: project,
        input: `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      },
    );
    expect(r.stdout).toContain('"serverInfo"');
    expect(r.stdout).not.toContain('"error"');
  });

  it('refuses arguments without --start (exit 2), with the command that was meant', async () => {
    const env = cleanEnv();
    const r = await launcher(['lsp', 'mycc', 'serve'], { env, cwd: tempDir() });
    expect(r).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr:
        'launcher: launcher lsp takes no arguments without --start: mycc serve\n\n' +
        'To have the language server run the compiler, use `launcher lsp --start -- mycc serve`; ' +
        "to follow the project's compiler however it runs, use `launcher lsp` alone.\n",
    });
  });

  it('refuses a --start bin that is a path at once (exit 2), before any request', async () => {
    const r = await launcher(['lsp', '--start', '--', '../../bin/echo', 'hi'], {
      env: cleanEnv(),
      cwd: tempDir(),
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('is not a plain file name');
  });
});
