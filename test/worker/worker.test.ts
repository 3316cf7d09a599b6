// The worker library, from the compiler's side: standalone, the handshake, messages, shutdown.
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type MessageConnection, ParameterStructures, ResponseError } from 'vscode-jsonrpc/node';
import { createRpcConnection } from '../../src/ipc/rpc-connection.js';
import { newToken } from '../../src/ipc/token.js';
import { connect, type WorkerConnection, type WorkerOptions } from '../../src/worker/index.js';
import { tempDir } from '../helpers/env.js';
import { within } from '../helpers/within.js';
import { fixture, nextEvent, supervise } from '../supervisor/helpers.js';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const step of cleanup.splice(0)) step();
});

interface Seen {
  method: string;
  params: unknown;
}

/**
 * A stand-in launcher: accepts one connection, answers the hello with session "s-1" (or refuses
 * it), and records every notification. Lifeline off in these tests: the test process stays.
 */
async function fakeLauncher(options: { refuse?: string; askAtOnce?: string } = {}) {
  const address = path.join(tempDir(), 'sock');
  const token = newToken();
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(address, resolve));
  const seen: Seen[] = [];
  const waiters: (() => void)[] = [];
  let hello: unknown;
  // `askAtOnce`: that request leaves right behind the hello's answer, in the same write.
  let asked: Promise<unknown> | undefined;
  const launcher = new Promise<{ connection: MessageConnection; socket: net.Socket }>((resolve) => {
    server.once('connection', (socket) => {
      const connection = createRpcConnection(socket, {
        dispatched: (message) => {
          if (options.askAtOnce && !asked && 'result' in message)
            asked = connection.sendRequest(options.askAtOnce, {}).catch((error) => error);
        },
      });
      connection.onRequest('launcher/hello', (params: unknown) => {
        hello = params;
        if (options.refuse) throw new ResponseError(-32001, options.refuse);
        return { session: 's-1', protocolVersion: 1 };
      });
      connection.onNotification((method, params) => {
        seen.push({ method, params });
        for (const wake of waiters.splice(0)) wake();
      });
      connection.listen();
      resolve({ connection, socket });
    });
  });
  cleanup.push(() => server.close());
  const env = { LAUNCHER_SOCKET: address, LAUNCHER_TOKEN: token, LAUNCHER_SESSION: 's-1' };
  const until = async (count: number, method?: string) => {
    const matching = () => seen.filter((s) => !method || s.method === method);
    while (matching().length < count) await new Promise<void>((wake) => waiters.push(wake));
    return matching();
  };
  return { env, token, launcher, seen, until, hello: () => hello, asked: () => asked };
}

async function connected(env: NodeJS.ProcessEnv, extra = {}): Promise<WorkerConnection> {
  const worker = await connect({ env, lifeline: false, heartbeatMs: 0, ...extra });
  expect(worker).not.toBeNull();
  cleanup.push(() => worker!.close());
  return worker!;
}

describe('connect()', () => {
  it('resolves null when no launcher started this process, and clears the channel variables', async () => {
    process.env.LAUNCHER_SESSION = 'left-over';
    expect(await connect({ env: { LAUNCHER_SESSION: 'x' } })).toBeNull();
    expect(process.env.LAUNCHER_SESSION).toBeUndefined();
  });

  it('says hello with the token, its pid, the protocol version and what it is', async () => {
    const fake = await fakeLauncher();
    const worker = await connected(fake.env, {
      name: 'mycc',
      version: '1.4.2',
      server: true,
      heartbeatMs: 250,
    });
    expect(worker.session).toBe('s-1');
    expect(fake.hello()).toEqual({
      token: fake.token,
      pid: process.pid,
      protocolVersion: 1,
      name: 'mycc',
      version: '1.4.2',
      server: true,
      heartbeatMs: 250,
    });
  });

  it('fails with a clear error when the launcher refuses the hello', async () => {
    const fake = await fakeLauncher({ refuse: 'wrong token' });
    await expect(connect({ env: fake.env, lifeline: false })).rejects.toMatchObject({
      code: 'E_SESSION',
      message: expect.stringContaining('refused'),
      hint: expect.stringContaining('LAUNCHER_TOKEN'),
    });
  });

  it('gives the fix for what the launcher said, not always the token’s', async () => {
    const fake = await fakeLauncher({ refuse: 'child 42 is already connected' });
    await expect(connect({ env: fake.env, lifeline: false })).rejects.toMatchObject({
      code: 'E_SESSION',
      hint: expect.stringContaining('Connect once per process'),
    });
  });

  // A timer of more than 2^31-1 ms fires every millisecond, and the launcher would refuse it.
  for (const heartbeatMs of [-1, 1.5, Number.NaN, 715_827_883, '1000']) {
    it(`refuses heartbeatMs ${typeof heartbeatMs === 'string' ? `"${heartbeatMs}"` : heartbeatMs} with E_USAGE before connecting`, async () => {
      const fake = await fakeLauncher();
      const options = { env: fake.env, lifeline: false, heartbeatMs } as WorkerOptions;
      await expect(connect(options)).rejects.toMatchObject({
        code: 'E_USAGE',
        message: expect.stringMatching(
          /^connect\(\): option heartbeatMs is .+; it takes a whole number of milliseconds, from 0 to 715827882$/,
        ),
        hint: 'See the options of connect() in docs/protocol.md §10.',
      });
      expect(fake.hello()).toBeUndefined();
    });
  }

  it('names the type when heartbeatMs is a string', async () => {
    await expect(connect({ heartbeatMs: '1000' } as never)).rejects.toMatchObject({
      message: expect.stringContaining('option heartbeatMs is "1000" (a string)'),
    });
  });

  // Standalone too: a wrong call must not pass for "no launcher here" (null).
  for (const [what, options, got] of [
    ['a number', 42, 'not 42 (a number)'],
    ['a string', 'mycc', 'not "mycc" (a string)'],
    ['null', null, 'not null'],
  ] as const) {
    it(`rejects options that are ${what} with E_USAGE, even when standalone`, async () => {
      await expect(connect(options as never)).rejects.toMatchObject({
        code: 'E_USAGE',
        message: `connect() takes an options object, ${got}`,
      });
    });
  }

  for (const [option, value, message] of [
    ['name', 42, 'option name is 42 (a number); it takes a string'],
    ['server', 'yes', 'option server is "yes" (a string); it takes true or false'],
    ['lifeline', 0, 'option lifeline is 0 (a number); it takes true or false'],
    ['env', 'PATH=/bin', 'option env is "PATH=/bin" (a string); it takes an object'],
  ] as const) {
    it(`rejects ${option}: ${JSON.stringify(value)} with E_USAGE naming it`, async () => {
      await expect(connect({ [option]: value } as never)).rejects.toMatchObject({
        code: 'E_USAGE',
        message: `connect(): ${message}`,
      });
    });
  }

  it('fails with a clear error when the launcher’s socket is gone', async () => {
    const env = { LAUNCHER_SOCKET: path.join(tempDir(), 'gone'), LAUNCHER_TOKEN: newToken() };
    await expect(connect({ env, name: 'mycc' })).rejects.toMatchObject({
      code: 'E_SESSION',
      message: expect.stringContaining('cannot reach the launcher'),
    });
  });
});

describe('a connected worker', () => {
  it('sends ready, diagnostics and log messages in the protocol’s shapes', async () => {
    const fake = await fakeLauncher();
    const worker = await connected(fake.env);
    const range = { start: { line: 1, character: 2 }, end: { line: 1, character: 5 } };
    worker.ready({ port: 8080, host: '127.0.0.1' });
    worker.publishDiagnostics('file:///a.my', [{ range, message: 'bad' }], 3);
    worker.publishDiagnostics('file:///b.my', []);
    worker.log('warn', 'careful');
    expect(await fake.until(4)).toEqual([
      { method: 'launcher/ready', params: { port: 8080, host: '127.0.0.1' } },
      {
        method: 'textDocument/publishDiagnostics',
        params: { uri: 'file:///a.my', version: 3, diagnostics: [{ range, message: 'bad' }] },
      },
      {
        method: 'textDocument/publishDiagnostics',
        params: { uri: 'file:///b.my', diagnostics: [] },
      },
      { method: 'launcher/log', params: { level: 'warn', message: 'careful' } },
    ]);
  });

  it('says on stderr that a message over 16 MiB was not sent, and keeps its connection', async () => {
    const fake = await fakeLauncher();
    const worker = await connected(fake.env, { name: 'mycc' });
    const written: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => written.push(String(chunk)) > 0) as never;
    try {
      worker.log('info', 'x'.repeat(16 * 1024 * 1024));
      worker.log('info', 'small');
      expect(await fake.until(1)).toEqual([
        { method: 'launcher/log', params: { level: 'info', message: 'small' } },
      ]);
    } finally {
      process.stderr.write = write;
    }
    expect(written.join('')).toMatch(
      /^mycc: launcher\/log not sent: message of \d+ bytes is over the limit of 16777216 bytes\n$/,
    );
  });

  it('sends heartbeats at the interval it announced', async () => {
    const fake = await fakeLauncher();
    await connected(fake.env, { heartbeatMs: 20 });
    expect(await fake.until(3, 'launcher/heartbeat')).toHaveLength(3);
  });

  it('answers ping, its own requests with their params as sent, and -32601 for the rest', async () => {
    const fake = await fakeLauncher();
    const worker = await connected(fake.env);
    worker.onRequest('mycc/sum', (params) => (params as number[]).reduce((a, b) => a + b, 0));
    worker.onRequest('mycc/later', async (params) => ({ later: params }));
    const { connection } = await fake.launcher;
    await expect(connection.sendRequest('launcher/ping', {})).resolves.toEqual({});
    await expect(connection.sendRequest('mycc/later', { a: 1 })).resolves.toEqual({
      later: { a: 1 },
    });
    const sum = connection.sendRequest('mycc/sum', ParameterStructures.byPosition, 1, 2, 3);
    await expect(sum).resolves.toBe(6);
    await expect(connection.sendRequest('mycc/nothing', {})).rejects.toMatchObject({
      code: -32601,
    });
  });

  it('answers a request that arrives together with the answer to its hello', async () => {
    const fake = await fakeLauncher({ askAtOnce: 'launcher/ping' });
    await connected(fake.env);
    expect(fake.asked()).toBeDefined();
    await expect(fake.asked()).resolves.toEqual({});
  });

  // The launcher's socket paused stands for a launcher that makes a flooding compiler wait.
  async function flooded() {
    const fake = await fakeLauncher();
    const worker = await connected(fake.env);
    await worker.drained();
    const { socket } = await fake.launcher;
    socket.pause();
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
    // 2 MB: more than the socket's buffers take, so some of it waits in the worker.
    for (let i = 0; i < 2000; i++)
      worker.publishDiagnostics('file:///a.my', [{ range, message: 'x'.repeat(1000) }], i);
    return { fake, worker, socket, waiting: worker.drained() };
  }

  it('lets a flooding compiler wait with drained() until the launcher has read what it sent', async () => {
    const { fake, socket, waiting } = await flooded();
    expect(await within(waiting, 300)).toBe('nothing within 300 ms');
    socket.resume();
    await waiting;
    const versions = (await fake.until(2000)).map((s) => (s.params as { version: number }).version);
    expect(versions).toEqual(Array.from({ length: 2000 }, (_, i) => i));
  });

  it('ends the wait of drained() when the connection closes', async () => {
    const { socket, waiting } = await flooded();
    socket.destroy();
    expect(await within(waiting, 5000)).toBeUndefined();
  });

  it('flushes everything on close(), then ends the stream', async () => {
    const fake = await fakeLauncher();
    const worker = await connected(fake.env);
    for (let i = 0; i < 2000; i++) worker.log('debug', `line ${i} ${'x'.repeat(200)}`);
    worker.close();
    const { connection } = await fake.launcher;
    await new Promise<void>((resolve) => connection.onClose(() => resolve()));
    expect(fake.seen).toHaveLength(2000);
    // After close() messages are dropped, not thrown at the compiler.
    expect(() => worker.log('info', 'too late')).not.toThrow();
  });
});

describe('shutdown, under a real supervisor', () => {
  it('answers and exits 0 by itself when the compiler registered no handler', async () => {
    // lifeline-worker ignores SIGTERM: only the worker library's own exit can end it with 0.
    const { supervisor, line } = supervise(fixture('lifeline-worker.mjs'), { stopTimeoutMs: 2000 });
    await supervisor.start();
    await line(/^\{/);
    await supervisor.stop();
    expect(await supervisor.wait()).toMatchObject({ code: 0, signal: null, cause: 'stopped' });
  });

  it('exits 1 when the compiler’s shutdown handler throws', async () => {
    const { supervisor, line } = supervise(fixture('shutdown-throws.mjs'), { stopTimeoutMs: 2000 });
    const connectedEvent = nextEvent(supervisor, 'connected');
    await supervisor.start();
    await connectedEvent;
    await line(/^connected$/);
    await supervisor.stop();
    expect(await supervisor.wait()).toMatchObject({ code: 1, signal: null, cause: 'stopped' });
  });
});
