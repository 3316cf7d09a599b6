// Flow control over a real socket: a peer that sends faster than this side handles waits in the
// socket instead of piling up in this side's memory, and nothing it sent is lost or reordered.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRpcConnection } from '../../src/ipc/rpc-connection.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/env.js';

const open: net.Server[] = [];
afterEach(() => {
  for (const server of open.splice(0)) server.close();
});

// The bytes of the frame a message came in: the fixture writes exactly this (JSON keeps the order
// of keys, so the message handled serializes back to the same body).
const frameBytes = (message: object) => {
  const body = Buffer.byteLength(JSON.stringify(message));
  return Buffer.byteLength(`Content-Length: ${body}\r\n\r\n`) + body;
};

interface FloodRun {
  /** The most bytes read but not yet handled at any moment. */
  readonly maxBacklog: number;
  readonly sent: number;
  /** How often the sender had to wait for 'drain'. */
  readonly blocked: number;
  /** Messages handled when the sender exited. */
  readonly handledAtExit: number;
  readonly log: string | undefined;
  readonly report: string;
  /** The versions of the diagnostics handled, in order. */
  readonly versions: number[];
}

/**
 * Let test/fixtures/flood-frames.mjs flood a connection for `floodMs`, handled by a slow
 * embedder taking `handlerMs` a message; `textBytes` makes its messages large.
 */
async function flood(options: {
  floodMs: number;
  handlerMs: number;
  textBytes?: number;
}): Promise<FloodRun> {
  const address = path.join(tempDir(), 'sock');
  const server = net.createServer();
  open.push(server);
  await new Promise<void>((resolve) => server.listen(address, resolve));
  const versions: number[] = [];
  let handledBytes = 0;
  let maxBacklog = 0;
  let log: string | undefined;
  let handledAtExit = -1;
  const closed = new Promise<void>((resolve) => {
    server.once('connection', (socket) => {
      const connection = createRpcConnection(socket);
      connection.onNotification((method, sent) => {
        const params = sent as { version: number; message: string };
        handledBytes += frameBytes({ jsonrpc: '2.0', method, params });
        maxBacklog = Math.max(maxBacklog, socket.bytesRead - handledBytes);
        if (method === 'launcher/log') log = params.message;
        else versions.push(params.version);
        const until = performance.now() + options.handlerMs;
        while (performance.now() < until) {}
      });
      connection.onClose(() => resolve());
      connection.listen();
    });
  });
  const env: Record<string, string> = { LAUNCHER_SOCKET: address };
  if (options.textBytes !== undefined) env.FLOOD_TEXT_BYTES = String(options.textBytes);
  const child = spawn(
    process.execPath,
    [path.join(REPO_ROOT, 'test/fixtures/flood-frames.mjs'), String(options.floodMs)],
    { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let report = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    report += text;
  });
  const exited = once(child, 'exit').then(() => {
    handledAtExit = versions.length;
  });
  // 'close' once its output is read to the end too, which 'exit' does not wait for.
  const outputRead = once(child, 'close');
  await Promise.all([closed, exited, outputRead]);
  const [, sent, blocked] = /^sent (\d+) blocked (\d+)\n$/.exec(report)!.map(Number);
  return { maxBacklog, sent: sent!, blocked: blocked!, handledAtExit, log, report, versions };
}

describe('a peer that floods the connection', () => {
  it('waits in the socket while this side is behind, and every message is handled in order', async () => {
    // A slow embedder: ~50 µs a message, well below the rate the fixture sends at.
    const run = await flood({ floodMs: 1500, handlerMs: 0.05 });
    // Read but not yet handled, bytes: what this side holds for the peer. The window is 1000
    // messages of ~400 bytes, plus what the socket and the reader buffer (a chunk or two);
    // without flow control it grows by megabytes a second.
    expect(run.maxBacklog).toBeLessThan(2 * 1024 * 1024);
    // The sender had to wait for the socket, and was gone before its last messages were
    // handled: they were still read, and the close came after them.
    expect(run.blocked).toBeGreaterThan(5);
    expect(run.handledAtExit).toBeLessThan(run.sent);
    expect(run.log).toBe(run.report.trim());
    expect(run.versions).toHaveLength(run.sent);
    expect(run.versions.every((version, i) => version === i)).toBe(true);
  });

  it('is held to a window in bytes when its messages are large', async () => {
    // Messages of ~200 KB, 1 ms each to handle: a thousand of them (the window's count) would
    // be 200 MB. The byte window is 8 MiB; add a message, a chunk being parsed and the socket's
    // own buffer.
    const run = await flood({ floodMs: 1000, handlerMs: 1, textBytes: 200_000 });
    expect(run.maxBacklog).toBeLessThan(10 * 1024 * 1024);
    expect(run.blocked).toBeGreaterThan(5);
    expect(run.log).toBe(run.report.trim());
    expect(run.versions).toHaveLength(run.sent);
    expect(run.versions.every((version, i) => version === i)).toBe(true);
  });
});
