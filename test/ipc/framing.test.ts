// The framing over a real socket: odd chunking, the size limit, and malformed input.
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FrameWriter } from '../../src/ipc/frame-writer.js';
import { createRpcConnection } from '../../src/ipc/rpc-connection.js';
import { tempDir } from '../helpers/env.js';
import { within } from '../helpers/within.js';

const open: net.Server[] = [];
afterEach(() => {
  for (const server of open.splice(0)) server.close();
});

function frame(message: object | string): Buffer {
  const body = Buffer.from(typeof message === 'string' ? message : JSON.stringify(message));
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]);
}

const note = (n: number) => ({ jsonrpc: '2.0', method: 'test/note', params: { n } });

/**
 * A server whose connection records every notification and protocol error, and a raw client
 * socket to feed it bytes. `closed` resolves when the server side's connection has closed.
 */
async function channel(maxMessageBytes?: number) {
  const address = path.join(tempDir(), 'sock');
  const server = net.createServer();
  open.push(server);
  await new Promise<void>((resolve) => server.listen(address, resolve));
  const notes: unknown[] = [];
  const errors: string[] = [];
  const accepted = new Promise<{ closed: Promise<void> }>((resolve) => {
    server.once('connection', (socket) => {
      const connection = createRpcConnection(socket, {
        maxMessageBytes,
        onProtocolError: (message) => errors.push(message),
      });
      connection.onNotification((_method, params) => {
        notes.push(params);
      });
      const closed = new Promise<void>((done) => connection.onClose(() => done()));
      connection.listen();
      resolve({ closed });
    });
  });
  const client = net.connect(address);
  client.on('error', () => {});
  await new Promise((resolve) => client.once('connect', resolve));
  const { closed } = await accepted;
  return { client, notes, errors, closed };
}

describe('reading frames', () => {
  it('reads messages split at every byte, and several messages in one write', async () => {
    const c = await channel();
    const bytes = Buffer.concat([frame(note(1)), frame(note(2)), frame(note(3))]);
    for (const byte of bytes.subarray(0, 40)) c.client.write(Buffer.from([byte]));
    c.client.end(bytes.subarray(40));
    await c.closed;
    expect(c.notes).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(c.errors).toEqual([]);
  });

  it('handles every message that arrived before the peer closed', async () => {
    const c = await channel();
    c.client.end(Buffer.concat(Array.from({ length: 5000 }, (_, i) => frame(note(i)))));
    await c.closed;
    expect(c.notes).toHaveLength(5000);
    expect(c.notes.at(-1)).toEqual({ n: 4999 });
  });

  it('accepts any header case and a Content-Type header', async () => {
    const c = await channel();
    const body = JSON.stringify(note(7));
    c.client.end(
      `content-length: ${body.length}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n${body}`,
    );
    await c.closed;
    expect(c.notes).toEqual([{ n: 7 }]);
  });

  // The contract's limit (spec §7), written out here rather than taken from the code under test.
  const SIXTEEN_MIB = 16 * 1024 * 1024;
  const noteOf = (bytes: number) => {
    const head = '{"jsonrpc":"2.0","method":"test/note","params":{"s":"';
    const tail = '"}}';
    return head + 'x'.repeat(bytes - head.length - tail.length) + tail;
  };

  it('accepts a message of exactly 16 MiB', async () => {
    const c = await channel();
    const body = noteOf(SIXTEEN_MIB);
    expect(Buffer.byteLength(body)).toBe(SIXTEEN_MIB);
    c.client.end(frame(body));
    await c.closed;
    expect(c.errors).toEqual([]);
    expect(c.notes).toHaveLength(1);
  });

  it('refuses a message of 16 MiB and one byte, closing the connection', async () => {
    const c = await channel();
    c.client.end(frame(noteOf(SIXTEEN_MIB + 1)));
    await c.closed;
    expect(c.notes).toEqual([]);
    expect(c.errors).toEqual([
      `message of ${SIXTEEN_MIB + 1} bytes is over the limit of ${SIXTEEN_MIB} bytes`,
    ]);
  });
});

describe('malformed input closes the connection with the reason', () => {
  const cases: [string, Buffer, RegExp][] = [
    [
      'a body one byte over the limit',
      frame('x'.repeat(1025)),
      /^message of 1025 bytes is over the limit of 1024 bytes$/,
    ],
    [
      'no Content-Length',
      Buffer.from('Content-Type: x\r\n\r\n{}'),
      /^malformed frame: no Content-Length header$/,
    ],
    [
      'a Content-Length that is not a number',
      Buffer.from('Content-Length: 12a\r\n\r\n'),
      /is not a number/,
    ],
    [
      'a header line without a colon',
      Buffer.from('hello\r\n\r\n'),
      /^malformed frame: bad header line "hello"$/,
    ],
    [
      '8 KiB without the end of the headers',
      Buffer.alloc(9000, 'a'),
      /no end of headers within 8 KiB/,
    ],
    ['bad JSON', frame('{"jsonrpc": "2.0", "method": '), /^bad JSON in message body/],
    [
      'invalid UTF-8',
      frame(Buffer.from([0x7b, 0xff, 0x7d]).toString('latin1')),
      /^bad JSON in message body/,
    ],
    [
      'JSON that is not JSON-RPC 2.0',
      frame({ jsonrpc: '1.0', method: 'x' }),
      /^message is not JSON-RPC 2.0$/,
    ],
    ['a JSON array', frame([note(1)] as unknown as object), /^message is not JSON-RPC 2.0$/],
  ];
  for (const [what, bytes, reason] of cases) {
    it(`on ${what}, keeping the messages before it`, async () => {
      const c = await channel(1024);
      c.client.write(Buffer.concat([frame(note(1)), bytes]));
      await c.closed;
      expect(c.notes).toEqual([{ n: 1 }]);
      expect(c.errors).toHaveLength(1);
      expect(c.errors[0]).toMatch(reason);
    });
  }

  // More messages than the reader lets wait at once: it pauses with the bad frame still in its
  // buffer, and finds it only once the 5000 before it have been handled.
  it('after a backlog, handling every message before the bad one first', async () => {
    const c = await channel();
    const notes = Array.from({ length: 5000 }, (_, i) => frame(note(i)));
    c.client.write(Buffer.concat([...notes, frame('{"jsonrpc"')]));
    await c.closed;
    expect(c.notes).toHaveLength(5000);
    expect(c.notes.at(-1)).toEqual({ n: 4999 });
    expect(c.errors).toEqual([expect.stringMatching(/^bad JSON in message body/)]);
  });
});

describe('writing frames', () => {
  it('refuses to send a message over the limit, and sends nothing', async () => {
    const address = path.join(tempDir(), 'sock');
    const server = net.createServer();
    open.push(server);
    await new Promise<void>((resolve) => server.listen(address, resolve));
    const received: Buffer[] = [];
    server.on('connection', (socket) => socket.on('data', (chunk) => received.push(chunk)));
    const socket = net.connect(address);
    await new Promise((resolve) => socket.once('connect', resolve));
    const connection = createRpcConnection(socket, { maxMessageBytes: 100 });
    connection.listen();
    await expect(connection.sendNotification('test/big', { s: 'x'.repeat(200) })).rejects.toThrow(
      /over the limit of 100 bytes/,
    );
    await connection.sendNotification('test/small', {});
    socket.end();
    await new Promise((resolve) => socket.once('close', resolve));
    expect(Buffer.concat(received).toString()).toBe(
      frame({ jsonrpc: '2.0', method: 'test/small', params: {} }).toString(),
    );
  });

  it('answers a request whose result is over the limit with an error, not silence', async () => {
    const address = path.join(tempDir(), 'sock');
    const server = net.createServer();
    open.push(server);
    await new Promise<void>((resolve) => server.listen(address, resolve));
    server.on('connection', (socket) => {
      const answering = createRpcConnection(socket, { maxMessageBytes: 200 });
      answering.onRequest('test/big', () => ({ s: 'x'.repeat(500) }));
      answering.onRequest('test/small', () => ({ ok: true }));
      answering.listen();
    });
    const socket = net.connect(address);
    await new Promise((resolve) => socket.once('connect', resolve));
    const asking = createRpcConnection(socket, { maxMessageBytes: 200 });
    asking.listen();
    await expect(asking.sendRequest('test/big')).rejects.toThrow(
      /the response was too large: message of \d+ bytes is over the limit of 200 bytes/,
    );
    // The connection is still usable.
    await expect(asking.sendRequest('test/small')).resolves.toEqual({ ok: true });
    asking.dispose();
    socket.end();
  });

  // The LSP bridge exits once `flushed()` settles: what its output still holds would be lost.
  describe('flushed()', () => {
    /** A writer on a socket whose peer reads only when `read` is called. */
    async function slowPeer() {
      const address = path.join(tempDir(), 'sock');
      const server = net.createServer();
      open.push(server);
      await new Promise<void>((resolve) => server.listen(address, resolve));
      const peer = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
      const socket = net.connect(address);
      socket.on('error', () => {});
      await new Promise((resolve) => socket.once('connect', resolve));
      const reader = await peer;
      reader.pause();
      let received = 0;
      /** Read until `bytes` have arrived in all, then stop reading again. */
      const read = (bytes: number) => {
        reader.on('data', (chunk) => {
          received += chunk.length;
          if (received >= bytes) reader.pause();
        });
        reader.resume();
      };
      return { socket, writer: new FrameWriter(socket, Number.POSITIVE_INFINITY), read };
    }

    /** Write `count` messages of about 1 MiB each: what became of each, and their frames' bytes. */
    function write(writer: FrameWriter, count: number) {
      const outcomes: Array<'pending' | 'sent' | 'dropped'> = [];
      let bytes = 0;
      for (let i = 0; i < count; i++) {
        const params = { s: 'x'.repeat(2 ** 20) };
        const message = { jsonrpc: '2.0' as const, method: 'test/big', params };
        bytes += frame(message).length;
        outcomes.push('pending');
        writer.write(message).then(
          () => {
            outcomes[i] = 'sent';
          },
          () => {
            outcomes[i] = 'dropped';
          },
        );
      }
      return { outcomes, bytes };
    }
    const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

    it('settles at once when no write is pending', async () => {
      const { socket, writer } = await slowPeer();
      expect(await within(writer.flushed(), 1000, 'pending')).toBeUndefined();
      await writer.write(note(1));
      expect(await within(writer.flushed(), 1000, 'pending')).toBeUndefined();
      socket.destroy();
    });

    it('waits for every write made before it, not for those made after', async () => {
      const { socket, writer, read } = await slowPeer();
      // Far more than the socket's buffers hold: none of it can leave until the peer reads.
      const before = write(writer, 4);
      let flushed = false;
      const waiting = writer.flushed().then(() => (flushed = true));
      // Written in a later turn, so in another system call than those before.
      await nextTurn();
      const after = write(writer, 16);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(flushed).toBe(false);
      read(before.bytes);
      expect(await within(waiting, 5000, 'pending')).toBe(true);
      expect(before.outcomes).toEqual(['sent', 'sent', 'sent', 'sent']);
      // The peer stopped reading: most of what came after is still waiting to be sent.
      expect(after.outcomes.at(-1)).toBe('pending');
      socket.destroy();
    });

    it('settles when the writes it waits for are dropped because the stream closed', async () => {
      const { socket, writer } = await slowPeer();
      write(writer, 4);
      // Behind those, in the stream's own buffer: dropped when it is destroyed.
      await nextTurn();
      const queued = write(writer, 2);
      const waiting = writer.flushed();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(queued.outcomes).toEqual(['pending', 'pending']);
      socket.destroy();
      expect(await within(waiting, 5000, 'pending')).toBeUndefined();
      expect(queued.outcomes).toEqual(['dropped', 'dropped']);
    });

    // A write after end() is called back at once with an error, before the writes still on
    // their way (the error then destroys the socket, which calls those back): the callbacks
    // come out of order, and none may be taken for the last.
    it('settles once every write is called back, in whatever order', async () => {
      const { writer } = await slowPeer();
      // More than the socket's buffers hold: these are still on their way at the end().
      const before = write(writer, 16);
      await nextTurn();
      writer.end();
      const late = write(writer, 1);
      await vi.waitFor(() =>
        expect([...before.outcomes, ...late.outcomes].includes('pending')).toBe(false),
      );
      expect(late.outcomes).toEqual(['dropped']);
      expect(await within(writer.flushed(), 1000, 'pending')).toBeUndefined();
    });
  });
});
