// The channel's defences: only the child's own hello opens it, and bad input closes only it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv } from '../helpers/env.js';
import { within } from '../helpers/within.js';
import { FIXTURES, fixture, nextEvent, record, supervise, superviseProcess } from './helpers.js';

// Everything a child can make the supervisor use; none of it may appear for a refused child.
const USED = ['connected', 'ready', 'diagnostics', 'log'] as const;

function raw(scenario: string, options = {}) {
  const test = supervise(fixture('raw-child.mjs', scenario), { name: 'mycc', ...options });
  // Recording starts now, before the child runs; `used()` reads what was recorded by then.
  const seen = USED.map((name) => ({ name, events: record(test.supervisor, name) }));
  const errors = record(test.supervisor, 'protocol-error');
  /** The events of USED the supervisor emitted so far, one name per event. */
  const used = () => seen.flatMap(({ name, events }) => events.map(() => name));
  return { ...test, used, errors };
}

/**
 * How the connection of a hello-deadline scenario ended: "closed" or "accepted". The wait is
 * bounded from the moment the child connected (when the deadline starts), far above the
 * deadlines used here, so that a deadline that never fires fails the assertion in seconds.
 */
async function endAfterConnecting(t: ReturnType<typeof raw>): Promise<string> {
  await t.line(/^connected$/);
  return within(t.line(/^(closed|accepted)$/), 6000);
}

// The child is still supervised afterwards: it runs, and a stop ends it the usual way.
async function stillSupervised(t: ReturnType<typeof raw>): Promise<void> {
  expect(t.supervisor.snapshot().childPid).not.toBeNull();
  await t.supervisor.stop();
  expect(await t.supervisor.wait()).toMatchObject({ code: 0, cause: 'stopped' });
}

describe('a connection that does not authenticate', () => {
  it('is refused on a wrong token, and nothing it sends is used', async () => {
    const t = raw('wrong-token');
    await t.supervisor.start();
    await t.line(/^closed$/);
    expect(t.stdout()).toBe('error -32001\nclosed\n');
    expect(t.errors).toEqual([['refused a connection: wrong token']]);
    expect(t.lines).toContain('launcher: refused a connection: wrong token');
    expect(t.used()).toEqual([]);
    await stillSupervised(t);
  });

  // Each scenario sends something else first, which closes the connection unanswered (there
  // is no request to answer). vscode-jsonrpc handles responses and `$/` notifications on its
  // own: they must not slip by. A hello without an id is no hello (spec §7: it is a request),
  // and the refusal says so rather than "it sent launcher/hello before launcher/hello".
  for (const [scenario, what, reason] of [
    ['notify-first', 'a notification', 'it sent launcher/ready before launcher/hello'],
    ['response-first', 'a response', 'it sent a response before launcher/hello'],
    ['cancel-first', '$/cancelRequest', 'it sent $/cancelRequest before launcher/hello'],
    [
      'hello-notification',
      'the hello as a notification',
      'it sent launcher/hello as a notification: it must be a request (with an id)',
    ],
  ] as const) {
    it(`is closed when ${what} comes first (${scenario}), and nothing it sends is used`, async () => {
      const t = raw(scenario);
      await t.supervisor.start();
      await t.line(/^closed$/);
      expect(t.stdout()).toBe('closed\n');
      expect(t.errors).toEqual([[`refused a connection: ${reason}`]]);
      expect(t.used()).toEqual([]);
      await stillSupervised(t);
    });
  }

  it('refuses a hello whose heartbeat interval no timer can keep', async () => {
    const t = raw('huge-heartbeat');
    await t.supervisor.start();
    await t.line(/^closed$/);
    expect(t.stdout()).toBe('error -32001\nclosed\n');
    expect(t.errors).toEqual([
      ['refused a connection: hello "heartbeatMs" must be an integer from 0 to 715827882'],
    ]);
    expect(t.used()).toEqual([]);
    await stillSupervised(t);
  });

  it('is closed when no hello comes within the hello timeout', async () => {
    const t = raw('silent', { helloTimeoutMs: 200 });
    await t.supervisor.start();
    expect(await endAfterConnecting(t)).toBe('closed');
    expect(t.errors).toEqual([['refused a connection: no launcher/hello within 200 ms']]);
    await stillSupervised(t);
  });

  // The deadline runs from the connection, not from its last byte: a hello begun and never
  // finished is as late as none at all.
  it.each(['header-only', 'half-hello'])(
    'is closed when its hello stalls part-way (%s) past the hello timeout',
    async (scenario) => {
      const t = raw(scenario, { helloTimeoutMs: 200 });
      await t.supervisor.start();
      expect(await endAfterConnecting(t)).toBe('closed');
      expect(t.errors).toEqual([['refused a connection: no launcher/hello within 200 ms']]);
      expect(t.used()).toEqual([]);
      await stillSupervised(t);
    },
  );

  it('is closed at the hello timeout after it connected, however late its first byte came', async () => {
    const t = raw('slow-hello', { helloTimeoutMs: 1500 });
    await t.supervisor.start();
    expect(await endAfterConnecting(t)).toBe('closed');
    expect(t.stdout()).toBe('connected\nclosed\n');
    expect(t.errors).toEqual([['refused a connection: no launcher/hello within 1500 ms']]);
    expect(t.used()).toEqual([]);
    await stillSupervised(t);
  });

  it('accepts only one connection per child', async () => {
    const t = raw('twice');
    await t.supervisor.start();
    await t.line(/^second closed$/);
    expect(t.stdout()).toContain('accepted\n');
    expect(t.stdout()).toContain('error -32001\n');
    expect(t.stdout()).not.toMatch(/^closed$/m);
    expect(t.errors[0]?.[0]).toMatch(/^refused a connection: child \d+ is already connected$/);
    await stillSupervised(t);
  });
});

describe('the answer to the hello', () => {
  // Spec §7: the hello's result answers the child's first request; nothing may come before it.
  it('is the first frame the child receives, even when a connected listener sends a request', async () => {
    const t = raw('first-frame');
    const pinged = new Promise<unknown>((resolve) =>
      t.supervisor.once('connected', () => resolve(t.supervisor.request('launcher/ping'))),
    ).catch(() => 'no answer');
    await t.supervisor.start();
    await Promise.all([t.line(/^first: /), t.line(/^accepted$/)]);
    expect(t.stdout()).toBe('accepted\nfirst: answer\n');
    await stillSupervised(t);
    // The raw child never answers the ping; it is rejected once the connection is gone.
    expect(await pinged).toBe('no answer');
  });
});

describe('a hello whose optional params are null', () => {
  it('is shown without them, in the connected event and the snapshot: null reads as absent', async () => {
    const t = raw('null-optionals');
    const connected = nextEvent(t.supervisor, 'connected');
    await t.supervisor.start();
    const pid = t.supervisor.snapshot().childPid!;
    expect(await connected).toEqual([{ pid, protocolVersion: 1 }]);
    expect(t.supervisor.snapshot().hello).toEqual({ pid, protocolVersion: 1 });
    await stillSupervised(t);
  });
});

describe('a child that sends its diagnostics right behind its hello and hangs up', () => {
  // Protocol §3 lets a child send notifications without waiting for the hello's answer. A batch
  // compiler may then be gone before the answer can be written: the fixture stops the
  // supervising process until the hello, the diagnostics and the close are all on the socket,
  // the order in which it lost the connection (and the diagnostics with it) every time.
  it('counts as connected, and its diagnostics are used after its hello, every time', async () => {
    for (let run = 0; run < 5; run++) {
      const host = superviseProcess(fixture('pipelined-hello.mjs'), {
        name: 'mycc',
        restart: 'no',
      });
      expect(await host.exited).toEqual([1, null]);
      const events = host.stderr
        .text()
        .split('\n')
        .filter((line) => /^@event (connected|diagnostics|disconnected) /.test(line))
        .map((line) => line.split(' ')[1]);
      expect({ run, events }).toEqual({
        run,
        events: ['connected', 'diagnostics', 'disconnected'],
      });
      expect(host.stderr.text()).toMatch(
        /^@event connected \{"pid":\d+,"protocolVersion":1,"name":"fastc","version":"9.9.9"\}$/m,
      );
    }
  });
});

describe('a connected child that breaks the framing', () => {
  const cases = [
    ['garbage', /^malformed frame: bad header line/],
    ['bad-json', /^bad JSON in message body/],
    ['oversized', /^message of 16777217 bytes is over the limit of 16777216 bytes$/],
  ] as const;
  for (const [scenario, reason] of cases) {
    it(`loses its connection with a log line (${scenario}), and stays supervised`, async () => {
      const t = raw(scenario);
      const disconnected = nextEvent(t.supervisor, 'disconnected');
      await t.supervisor.start();
      await t.line(/^closed$/);
      await disconnected;
      expect(t.stdout()).toBe('accepted\nclosed\n');
      expect(t.errors).toHaveLength(1);
      expect(t.errors[0]?.[0]).toMatch(reason);
      const pid = t.supervisor.snapshot().childPid;
      expect(t.lines).toContain(
        `launcher: closed the connection of mycc (pid ${pid}): ${t.errors[0]?.[0]}`,
      );
      await stillSupervised(t);
    });
  }

  // Protocol §2: messages that arrived complete before the bad one are still handled.
  it('has the hello and ready that came in the same write before a bad frame handled', async () => {
    const t = raw('batch-behind-ready');
    await t.supervisor.start();
    await t.line(/^closed$/);
    expect(t.stdout()).toBe('accepted\nclosed\n');
    expect(t.errors).toEqual([['message is not JSON-RPC 2.0']]);
    expect(t.supervisor.snapshot()).toMatchObject({ state: 'ready', port: 4242 });
    await stillSupervised(t);
  });

  it('has ready and diagnostics that came with a bad frame handled, and is not judged hung', async () => {
    const t = raw('garbage-behind-diagnostics', { readyTimeoutMs: 1000 });
    await t.supervisor.start();
    await t.line(/^closed$/);
    expect(t.errors).toHaveLength(1);
    expect(t.errors[0]?.[0]).toMatch(/^bad JSON in message body/);
    expect(t.supervisor.snapshot()).toMatchObject({ state: 'ready', port: 4242 });
    expect(t.supervisor.diagnostics()).toEqual([
      {
        uri: 'file:///x.my',
        diagnostics: [
          {
            range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
            message: 'kept',
          },
        ],
      },
    ]);
    await stillSupervised(t);
  });

  it('has invalid params dropped, the first of each kind with a log line, and keeps its connection', async () => {
    const t = raw('bad-params');
    await t.supervisor.start();
    await t.line(/^sent$/);
    expect(t.stdout()).toBe('accepted\nsent\n');
    const reason = 'ready needs "port": an integer from 0 to 65535';
    expect(t.errors).toEqual([[reason], [reason], [reason]]);
    const pid = t.supervisor.snapshot().childPid;
    expect(t.lines.filter((line) => line.includes('dropped'))).toEqual([
      `launcher: dropped launcher/ready from mycc (pid ${pid}): ${reason} (later invalid launcher/ready messages from it are dropped without a word)`,
    ]);
    // The hello only: none of the invalid launcher/ready messages.
    expect(t.used()).toEqual(['connected']);
    await stillSupervised(t);
  });

  it('gets -32601 for a request the launcher does not know, and keeps its connection', async () => {
    const t = raw('unknown-request');
    await t.supervisor.start();
    await t.line(/^error -32601$/);
    expect(t.stdout()).toBe('accepted\nerror -32601\n');
    expect(t.errors).toEqual([]);
    await stillSupervised(t);
  });
});

describe('a flood of diagnostics', () => {
  it('delivers all 10 000 in order, and the last one is the one kept', async () => {
    const { supervisor } = supervise(fixture('flood.mjs', '10000'));
    const seen = record(supervisor, 'diagnostics');
    await supervisor.start();
    expect(await supervisor.wait()).toMatchObject({ code: 0, cause: 'exited' });
    expect(seen).toHaveLength(10_000);
    expect(
      seen.every(([d], i) => d.version === i && d.diagnostics[0]?.message === `problem ${i}`),
    ).toBe(true);
    expect(supervisor.diagnostics()).toEqual([seen[9999]?.[0]]);
  });

  // The child sends as fast as its socket takes it for 3 s, to an embedder that spends 100 µs on
  // each set; it promised heartbeats every 500 ms and sends none, so only its flood, handled
  // while the launcher makes it wait, keeps it from being judged hung. The supervising process
  // stops should its live heap pass 32 MiB: without flow control it does within a second.
  it('makes a child that floods faster than the embedder handles wait, with memory bounded', async () => {
    const host = spawn(
      process.execPath,
      ['--expose-gc', path.join(FIXTURES, 'supervise-flood.mjs'), '3000', '100', '32'],
      { env: cleanEnv(), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    host.stdout.setEncoding('utf8').on('data', (text: string) => {
      out += text;
    });
    await once(host, 'close');
    const summary = JSON.parse(out);
    expect(summary).toMatchObject({ over: false, code: 0, cause: 'exited' });
    const [, sent, blocked] = /^sent (\d+) blocked (\d+)$/.exec(summary.childReport)!.map(Number);
    expect(blocked).toBeGreaterThan(5);
    expect(summary).toMatchObject({ received: sent, inOrder: true, afterLog: 0 });
  });
});
