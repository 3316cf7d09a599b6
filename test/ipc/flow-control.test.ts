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

describe('a peer that floods the connection', () => {
  // Read but not yet handled, bytes: what this side holds for the peer. The window is 1000
  // messages of ~400 bytes, plus what the socket and the reader buffer (a chunk or two);
  // without flow control it grows by megabytes a second.
  const MAX_BACKLOG_BYTES = 2 * 1024 * 1024;

  it('waits in the socket while this side is behind, and every message is handled in order', async () => {
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
          // A slow embedder: ~50 µs a message, well below the rate the fixture sends at.
          const until = performance.now() + 0.05;
          while (performance.now() < until) {}
        });
        connection.onClose(() => resolve());
        connection.listen();
      });
    });
    const child = spawn(
      process.execPath,
      [path.join(REPO_ROOT, 'test/fixtures/flood-frames.mjs'), '1500'],
      {
        env: cleanEnv({ LAUNCHER_SOCKET: address }),
        stdio: ['ignore', 'pipe', 'inherit'],
      },
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
    expect(maxBacklog).toBeLessThan(MAX_BACKLOG_BYTES);
    // The sender had to wait for the socket, and was gone before its last messages were
    // handled: they were still read, and the close came after them.
    expect(blocked).toBeGreaterThan(5);
    expect(handledAtExit).toBeLessThan(sent!);
    expect(log).toBe(report.trim());
    expect(versions).toHaveLength(sent!);
    expect(versions.every((version, i) => version === i)).toBe(true);
  });
});
