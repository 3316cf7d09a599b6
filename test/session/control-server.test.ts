// The control socket over real Unix sockets, with a target that records what it was asked to do.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Diagnostic, FileDiagnostics } from '../../src/diagnostics/diagnostic.js';
import { launcherPaths } from '../../src/paths.js';
import { connectControl, subscribe } from '../../src/session/control-client.js';
import {
  ControlMethods,
  ControlServer,
  type ControlTarget,
} from '../../src/session/control-server.js';
import type { Session } from '../../src/session/session.js';
import { cleanEnv } from '../helpers/env.js';

const servers: ControlServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

function session(change: Partial<Session> = {}): Session {
  return {
    session: '0123456789abcdef',
    pid: process.pid,
    childPid: 4242,
    tool: 'mycc',
    bin: 'mycc',
    version: '1.4.2',
    cwd: '/p',
    projectRoot: '/p',
    state: 'ready',
    port: 43121,
    restarts: 0,
    startedAt: '2026-01-01T00:00:00.000Z',
    control: null,
    ...change,
  };
}

function diagnostic(message: string): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
    severity: 1,
    message,
  };
}

async function serve(extra: Partial<ControlTarget> = {}) {
  const calls: string[] = [];
  const kept: FileDiagnostics[] = [{ uri: 'file:///p/a.my', diagnostics: [diagnostic('kept')] }];
  const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const target: ControlTarget = {
    session: () => session(),
    diagnostics: () => kept,
    // The first control takes longest: answers must still come back in the order sent.
    restart: async () => {
      await delay(50);
      calls.push('restart');
    },
    stop: async () => {
      calls.push('stop');
    },
    signal: async (name) => {
      calls.push(`signal ${name}`);
    },
    request: async (method, params) => ({ method, params }),
    ...extra,
  };
  const server = await ControlServer.listen(launcherPaths(cleanEnv()), target);
  servers.push(server);
  return { server, calls };
}

describe('the session control socket', () => {
  it('answers subscribe with the session and its diagnostics, then streams changes', async () => {
    const { server } = await serve();
    const client = await connectControl(server.address);
    const states: Session[] = [];
    const updates: string[] = [];
    const result = await subscribe(client, {
      onState: (s) => states.push(s),
      onDiagnostics: (p) => updates.push(`${p.uri}:${p.diagnostics.length}`),
    });
    expect(result.state).toMatchObject({ state: 'ready', port: 43121 });
    expect(result.diagnostics).toEqual([
      { uri: 'file:///p/a.my', diagnostics: [diagnostic('kept')] },
    ]);
    server.publishState(session({ state: 'backoff', restarts: 1 }));
    server.publishDiagnostics('file:///p/a.my', []);
    await expect.poll(() => updates).toEqual(['file:///p/a.my:0']);
    expect(states).toEqual([expect.objectContaining({ state: 'backoff', restarts: 1 })]);
    client.close();
  });

  it('carries out controls in the order received and answers {} after each', async () => {
    const { server, calls } = await serve();
    const client = await connectControl(server.address);
    const answers = await Promise.all([
      client.connection.sendRequest(ControlMethods.restart, {}),
      client.connection.sendRequest(ControlMethods.signal, { signal: 'SIGUSR1' }),
      client.connection.sendRequest(ControlMethods.stop, {}),
    ]);
    expect(answers).toEqual([{}, {}, {}]);
    expect(calls).toEqual(['restart', 'signal SIGUSR1', 'stop']);
    client.close();
  });

  it('forwards launcher/request and returns the answer, or the JSON-RPC error', async () => {
    const { server } = await serve({
      request: async (method) => {
        if (method === 'fail')
          throw Object.assign(new Error('the child is not connected'), { code: -32002 });
        return { echoed: method };
      },
    });
    const client = await connectControl(server.address);
    await expect(
      client.connection.sendRequest(ControlMethods.request, { method: 'x/y', params: {} }),
    ).resolves.toEqual({
      echoed: 'x/y',
    });
    await expect(
      client.connection.sendRequest(ControlMethods.request, { method: 'fail' }),
    ).rejects.toThrow('not connected');
    await expect(
      client.connection.sendRequest(ControlMethods.signal, { signal: 'SIGFOO' }),
    ).rejects.toMatchObject({ code: -32602 });
    await expect(
      client.connection.sendRequest(ControlMethods.signal, { signal: 'rm -rf' }),
    ).rejects.toThrow('signal name');
    client.close();
  });

  it('keeps serving every other subscriber when one never reads', async () => {
    const { server } = await serve();
    // A subscriber that sends subscribe and then never reads a byte.
    const stuck = net.connect(server.address);
    await new Promise((resolve) => stuck.once('connect', resolve));
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: ControlMethods.subscribe,
      params: {},
    });
    stuck.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    stuck.pause();

    const readers = await Promise.all(
      Array.from({ length: 9 }, async () => {
        const client = await connectControl(server.address);
        const last = new Map<string, string>();
        await subscribe(client, {
          onState: () => {},
          onDiagnostics: (p) => last.set(p.uri, p.diagnostics[0]?.message ?? ''),
        });
        return { client, last };
      }),
    );
    const big = 'x'.repeat(2000);
    for (let i = 0; i < 10_000; i++) {
      server.publishDiagnostics(`file:///p/f${i % 10}.my`, [diagnostic(`${big}${i}`)]);
    }
    for (const { last } of readers) {
      await expect
        .poll(() => last.get('file:///p/f9.my')?.endsWith('9999'), { timeout: 20_000 })
        .toBe(true);
      for (let f = 0; f < 10; f++) expect(last.get(`file:///p/f${f}.my`)).toBe(`${big}${9990 + f}`);
    }
    for (const { client } of readers) client.close();
    stuck.destroy();
  });
});
