// Subscribers of a real session's control socket: they see a crash-restart and the new port, and
// a subscriber that never reads slows neither the compiler nor the other subscribers.
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { connectEndpoint } from '../../src/ipc/endpoint.js';
import { createRpcConnection } from '../../src/ipc/rpc-connection.js';
import { connectControl, sendControl, subscribe } from '../../src/session/control-client.js';
import { ControlMethods } from '../../src/session/control-server.js';
import type { Session } from '../../src/session/session.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/env.js';
import { readySession } from './exec-session.js';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

type PublishedDiagnostics = { uri: string; diagnostics: Diagnostic[] };
const FIXTURES = path.join(REPO_ROOT, 'test', 'session', 'fixtures');

/** A subscriber that collects every state and the latest message of each URI. */
async function subscriber(address: string) {
  const client = await connectControl(address);
  closers.push(() => client.close());
  const states: Session[] = [];
  const last = new Map<string, string>();
  const first = await subscribe(client, {
    onState: (s) => states.push(s),
    onDiagnostics: (p) => last.set(p.uri, p.diagnostics[0]?.message ?? ''),
  });
  return { client, states, last, first };
}

/** A subscriber that sends subscribe, reads the answer, and then never reads another byte. */
async function stuckSubscriber(address: string): Promise<net.Socket> {
  const socket = net.connect(address);
  closers.push(() => socket.destroy());
  await new Promise((resolve) => socket.once('connect', resolve));
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: ControlMethods.subscribe });
  socket.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  // Once the answer arrives the subscription is in place; from then on nothing is read.
  await new Promise((resolve) => socket.once('data', resolve));
  socket.pause();
  return socket;
}

describe('control-socket subscribers of a live session', () => {
  it('see a crashed child restarted: restarts incremented, then ready with the new port', async () => {
    const ports = path.join(tempDir(), 'ports');
    const { session, stop } = await readySession(path.join(FIXTURES, 'port-server.mjs'), [ports]);
    const watcher = await subscriber(session.control!);
    expect(watcher.first.state).toMatchObject({ state: 'ready', port: session.port });

    // A crash nobody asked for: the default policy restarts it.
    process.kill(session.childPid!, 'SIGKILL');
    await expect
      .poll(() => watcher.states.find((s) => s.state === 'ready'), { timeout: 15_000 })
      .toBeDefined();
    const ready = watcher.states.find((s) => s.state === 'ready')!;
    const [firstPort, secondPort] = readFileSync(ports, 'utf8').trim().split('\n').map(Number);
    expect(session.port).toBe(firstPort);
    expect(ready).toMatchObject({ session: session.session, restarts: 1, port: secondPort });
    expect(ready.port).not.toBe(session.port);
    expect(ready.childPid).not.toBe(session.childPid);
    // On the way: the backoff (no child, no port), then the new child starting.
    expect(watcher.states.map((s) => [s.state, s.restarts])).toEqual([
      ['backoff', 0],
      ['starting', 1],
      ['ready', 1],
    ]);
    await stop();
  });

  const COUNT = 10_000;
  const URIS = 20;

  /**
   * One run of the flooding compiler with nine reading subscribers (and a stuck one if asked).
   * Returns the flood's duration as the compiler measured it, once every reader has the last
   * message of every URI.
   */
  async function floodRound(withStuck: boolean): Promise<number> {
    const { session, line, stop } = await readySession(path.join(FIXTURES, 'timed-flood.mjs'), [
      String(COUNT),
      String(URIS),
      '1000',
    ]);
    const readers = await Promise.all(
      Array.from({ length: 9 }, () => subscriber(session.control!)),
    );
    if (withStuck) await stuckSubscriber(session.control!);
    const reported = line(/^flood-ms (\d+(?:\.\d+)?)$/);
    const answer = await readers[0]!.client.connection.sendRequest(ControlMethods.request, {
      method: 'flood/go',
    });
    expect(answer).toEqual({});
    const ms = Number((await reported)[1]);
    for (const { last } of readers) {
      await expect
        .poll(() => last.get(`file:///flood/f${URIS - 1}.my`)?.endsWith(`#${COUNT - 1}`), {
          timeout: 20_000,
        })
        .toBe(true);
      for (let f = 0; f < URIS; f++) {
        expect(last.get(`file:///flood/f${f}.my`)).toMatch(new RegExp(` #${COUNT - URIS + f}$`));
      }
    }
    await stop();
    return ms;
  }

  it('deliver the last state of every URI and the final state to a subscriber that was behind when the session ended', async () => {
    const { session, sessionFile, line, exited } = await readySession(
      path.join(FIXTURES, 'timed-flood.mjs'),
      [String(COUNT), String(URIS), '1000', 'exit'],
    );
    const socket = await connectEndpoint(session.control!);
    closers.push(() => socket.destroy());
    const connection = createRpcConnection(socket);
    const last = new Map<string, string>();
    const states: Session[] = [];
    connection.onNotification(ControlMethods.publishDiagnostics, (p: PublishedDiagnostics) => {
      last.set(p.uri, p.diagnostics[0]?.message ?? '');
    });
    connection.onNotification(ControlMethods.state, (s: Session) => {
      states.push(s);
    });
    // Announced once every message that arrived before the socket closed has been handled.
    const closed = new Promise<void>((resolve) => connection.onClose(() => resolve()));
    connection.listen();
    await connection.sendRequest(ControlMethods.subscribe, {});
    // Fall behind: read nothing while the compiler floods and ends, and until the launcher is
    // tearing the session down (its file is removed just before the control socket closes).
    socket.pause();
    await sendControl(session.control!, ControlMethods.request, { method: 'flood/go' });
    await line(/^flood-ms /);
    await expect
      .poll(() => existsSync(sessionFile(session.session)), { interval: 5, timeout: 15_000 })
      .toBe(false);
    socket.resume();
    await closed;
    await exited;
    for (let f = 0; f < URIS; f++) {
      expect(last.get(`file:///flood/f${f}.my`)).toMatch(new RegExp(` #${COUNT - URIS + f}$`));
    }
    expect(states.at(-1)).toMatchObject({ session: session.session, state: 'exited' });
  });

  it('give the last state of every URI to nine readers while a tenth never reads, and do not slow the compiler', async () => {
    // With the stuck subscriber first, so warm-up favours the baseline run, not this one.
    const withStuck = await floodRound(true);
    const baseline = await floodRound(false);
    // A generous bound: a stuck subscriber that slowed the compiler would hold it for ever
    // (its socket never drains). The precise ratio is in bench/subscribers.bench.mjs.
    expect(withStuck).toBeLessThanOrEqual(3 * baseline + 500);
  });
});
