// bench/ipc: the child channel, child → launcher notifications per second and launcher → child
// request round trips (p50/p99), each side by side with a raw Unix socket carrying the same
// bytes with no framing, JSON or JSON-RPC work. The launcher side is a real Supervisor from
// dist/; the child is this file run again with `--child <mode>`, using the built worker library.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SELF = fileURLToPath(import.meta.url);
const NOTIFICATIONS = Number(process.env.BENCH_NOTIFICATIONS ?? 100_000);
const ROUND_TRIPS = Number(process.env.BENCH_ROUND_TRIPS ?? 5000);
const WARMUP = 500;
const log = (line) => process.stderr.write(`bench/ipc: ${line}\n`);

// One diagnostics notification as a compiler would send it: one error on one line.
const diagnosticsParams = (i) => ({
  uri: 'file:///project/src/main.my',
  version: i,
  diagnostics: [
    {
      range: { start: { line: 12, character: 4 }, end: { line: 12, character: 17 } },
      severity: 1,
      code: 'E0425',
      source: 'mycc',
      message: `cannot find value \`counter_${i}\` in this scope`,
    },
  ],
});

const frame = (message) => {
  const body = JSON.stringify({ jsonrpc: '2.0', ...message });
  return Buffer.from(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
};

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

// ---- child side ---------------------------------------------------------------------------

async function child(mode) {
  if (mode === 'worker') {
    const { connect } = await import(path.join(root, 'dist/worker/index.js'));
    const worker = await connect({ name: 'bench', heartbeatMs: 0 });
    worker.onRequest('bench/flood', ({ count }) => {
      setImmediate(() => {
        for (let i = 0; i < count; i++)
          worker.publishDiagnostics(
            'file:///project/src/main.my',
            diagnosticsParams(i).diagnostics,
            i,
          );
      });
      return {};
    });
    setInterval(() => {}, 1000);
    return;
  }
  // The raw baseline: the same bytes, written in large batches, and a fixed answer per ping.
  const socket = net.connect(process.env.BENCH_RAW_SOCKET);
  await once(socket, 'connect');
  const [what, countText] = process.argv.slice(4);
  if (what === 'flood') {
    const frames = [];
    for (let i = 0; i < Number(countText); i++)
      frames.push(
        frame({ method: 'textDocument/publishDiagnostics', params: diagnosticsParams(i) }),
      );
    socket.end(Buffer.concat(frames));
    return;
  }
  const pong = frame({ id: 1, result: {} });
  const pingLength = frame({ id: 1, method: 'launcher/ping', params: {} }).length;
  let pending = 0;
  socket.on('data', (chunk) => {
    pending += chunk.length;
    while (pending >= pingLength) {
      pending -= pingLength;
      socket.write(pong);
    }
  });
}

// ---- launcher side ------------------------------------------------------------------------

async function protocolRun() {
  const { Supervisor } = await import(path.join(root, 'dist/supervisor/index.js'));
  const { launcherPaths } = await import(path.join(root, 'dist/paths.js'));
  const home = mkdtempSync(path.join(os.tmpdir(), 'lbi-'));
  const supervisor = new Supervisor({
    command: process.execPath,
    args: [SELF, '--child', 'worker'],
    env: { ...process.env, LAUNCHER_HOME: home },
    paths: launcherPaths({ LAUNCHER_HOME: home }),
    stdio: 'pipe',
    log: () => {},
  });
  const connected = once(supervisor, 'connected');
  await supervisor.start();
  await connected;

  // Notifications: from the first to the last one received, as 'diagnostics' events.
  let received = 0;
  let first = 0n;
  let last = 0n;
  let done;
  const all = new Promise((resolve) => {
    done = resolve;
  });
  supervisor.on('diagnostics', () => {
    if (received === 0) first = process.hrtime.bigint();
    received += 1;
    if (received === NOTIFICATIONS) {
      last = process.hrtime.bigint();
      done();
    }
  });
  await supervisor.request('bench/flood', { count: NOTIFICATIONS });
  await all;
  const perSecond = ((NOTIFICATIONS - 1) * 1e9) / Number(last - first);

  // Round trips: launcher/ping, one at a time.
  const times = [];
  for (let i = 0; i < WARMUP + ROUND_TRIPS; i++) {
    const start = process.hrtime.bigint();
    await supervisor.request('launcher/ping', {});
    if (i >= WARMUP) times.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  times.sort((a, b) => a - b);
  await supervisor.stop();
  rmSync(home, { recursive: true, force: true });
  return { perSecond, p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
}

async function rawRun() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lbr-'));
  const address = path.join(dir, 'sock');
  const server = net.createServer();
  await new Promise((resolve) => server.listen(address, resolve));
  const env = { ...process.env, BENCH_RAW_SOCKET: address };

  // Flood: the receiver only counts bytes.
  const total = (() => {
    let bytes = 0;
    for (let i = 0; i < NOTIFICATIONS; i++)
      bytes += frame({
        method: 'textDocument/publishDiagnostics',
        params: diagnosticsParams(i),
      }).length;
    return bytes;
  })();
  const flooding = new Promise((resolve) => {
    server.once('connection', (socket) => {
      let bytes = 0;
      let first = 0n;
      socket.on('data', (chunk) => {
        if (bytes === 0) first = process.hrtime.bigint();
        bytes += chunk.length;
        if (bytes === total) resolve(Number(process.hrtime.bigint() - first));
      });
    });
  });
  spawn(process.execPath, [SELF, '--child', 'raw', 'flood', String(NOTIFICATIONS)], {
    env,
    stdio: 'inherit',
  });
  const floodNs = await flooding;

  // Ping-pong: the same request and answer bytes as the protocol run, no parsing on either side.
  const socketReady = new Promise((resolve) => server.once('connection', resolve));
  const echo = spawn(process.execPath, [SELF, '--child', 'raw', 'echo'], { env, stdio: 'inherit' });
  const socket = await socketReady;
  const ping = frame({ id: 1, method: 'launcher/ping', params: {} });
  const pongLength = frame({ id: 1, result: {} }).length;
  const times = [];
  for (let i = 0; i < WARMUP + ROUND_TRIPS; i++) {
    const start = process.hrtime.bigint();
    const answered = new Promise((resolve) => {
      let got = 0;
      const onData = (chunk) => {
        got += chunk.length;
        if (got >= pongLength) {
          socket.off('data', onData);
          resolve();
        }
      };
      socket.on('data', onData);
    });
    socket.write(ping);
    await answered;
    if (i >= WARMUP) times.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  times.sort((a, b) => a - b);
  echo.kill();
  server.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    perSecond: ((NOTIFICATIONS - 1) * 1e9) / floodNs,
    p50: percentile(times, 0.5),
    p99: percentile(times, 0.99),
  };
}

async function main() {
  log(`${NOTIFICATIONS} notifications and ${ROUND_TRIPS} round trips, protocol then raw socket`);
  const protocol = await protocolRun();
  log(`protocol: ${Math.round(protocol.perSecond)}/s, p50 ${protocol.p50.toFixed(1)} µs`);
  const raw = await rawRun();
  log(`raw: ${Math.round(raw.perSecond)}/s, p50 ${raw.p50.toFixed(1)} µs`);
  const n = (x) => Math.round(x).toLocaleString('en-US');
  const us = (x) => `${x.toFixed(1)} µs`;
  const notificationBytes = frame({
    method: 'textDocument/publishDiagnostics',
    params: diagnosticsParams(NOTIFICATIONS - 1),
  }).length;
  process.stdout.write(
    [
      '## ipc',
      '',
      `The child channel end to end: a child using the worker library (\`dist/worker\`) and a real`,
      `\`Supervisor\` (\`dist/supervisor\`) over its Unix socket, against a raw Unix socket carrying`,
      `the same bytes with no framing, JSON or JSON-RPC work on either side (the raw receiver only`,
      `counts bytes; the raw child answers each ping with fixed bytes). ${n(NOTIFICATIONS)} diagnostics`,
      `notifications of about ${notificationBytes} bytes each, counted from the first to the last received`,
      `(the protocol side counts \`diagnostics\` events); ${n(ROUND_TRIPS)} sequential \`launcher/ping\``,
      `round trips after ${WARMUP} warm-up ones.`,
      '',
      '| measure | launcher protocol | raw socket | protocol / raw | goal |',
      '|---|---:|---:|---:|---|',
      `| notifications per second, child → launcher | ${n(protocol.perSecond)} | ${n(raw.perSecond)} | ${(protocol.perSecond / raw.perSecond).toFixed(2)}× | ≥ 40,000/s: ${protocol.perSecond >= 40_000 ? 'met' : 'NOT met'} |`,
      `| request round trip, p50 | ${us(protocol.p50)} | ${us(raw.p50)} | ${(protocol.p50 / raw.p50).toFixed(2)}× | < 150 µs: ${protocol.p50 < 150 ? 'met' : 'NOT met'} |`,
      `| request round trip, p99 | ${us(protocol.p99)} | ${us(raw.p99)} | ${(protocol.p99 / raw.p99).toFixed(2)}× | |`,
      '',
    ].join('\n'),
  );
}

if (process.argv[2] === '--child') await child(process.argv[3]);
else await main();
