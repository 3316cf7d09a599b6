// bench/subscribers: does a session's control socket slow the compiler? A real compiler (the
// timed-flood fixture) publishes 10 000 diagnostics sets of ~1 kB through `launcher exec`, and
// reports how long its own sending took; run side by side with no subscriber (the baseline),
// nine reading subscribers, nine readers plus one that never reads, and the stuck one alone.
// Variants are interleaved round by round so machine noise hits them alike; medians reported.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { launcherPaths } from '../dist/paths.js';
import { connectControl, subscribe } from '../dist/session/control-client.js';
import { listSessions } from '../dist/session/registry.js';
import { benchHome } from './lib/bench-home.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const COUNT = 10_000;
const URIS = 20;
const MESSAGE_BYTES = 1000;
const fixture = path.join(root, 'test', 'session', 'fixtures', 'timed-flood.mjs');
const work = mkdtempSync(path.join(os.tmpdir(), 'launcher-bench-subscribers-'));

const VARIANTS = [
  { name: 'no subscriber (baseline)', readers: 0, stuck: false },
  { name: '9 reading subscribers', readers: 9, stuck: false },
  { name: '9 readers + 1 never reading', readers: 9, stuck: true },
  { name: '1 never reading', readers: 0, stuck: true },
];

try {
  const words = [process.execPath, fixture, COUNT, URIS, MESSAGE_BYTES].map((w) => `'${w}'`);
  const { project, env } = benchHome(
    work,
    (file) => writeFileSync(file, `#!/bin/sh\nexec ${words.join(' ')}\n`, { mode: 0o755 }),
    { LAUNCHER_STOP_TIMEOUT_MS: '2000' },
  );

  const flood = VARIANTS.map(() => []);
  const caughtUp = VARIANTS.map(() => []);
  for (let round = 0; round < ROUNDS + 1; round++) {
    for (const [i, variant] of VARIANTS.entries()) {
      const result = await floodRound(env, project, variant);
      // The first round warms the disk cache and the JIT of this process.
      if (round === 0) continue;
      flood[i].push(result.floodMs);
      if (result.caughtUpMs !== null) caughtUp[i].push(result.caughtUpMs);
    }
    process.stderr.write(`bench subscribers: round ${round + 1}/${ROUNDS + 1}\n`);
  }

  const base = median(flood[0]);
  let report =
    '## subscribers\n\n' +
    `A compiler publishing ${COUNT} diagnostics sets (~${MESSAGE_BYTES} B each, ${URIS} URIs) ` +
    'through `launcher exec`, with subscribers on the session\'s control socket. "Flood" is the ' +
    "compiler's own time from the first message to the last byte handed to its socket; " +
    '"readers caught up" is the time from the go request until every reading subscriber had the ' +
    `last set of every URI. Medians of ${ROUNDS} interleaved rounds.\n\n` +
    '| subscribers | flood ms | × baseline | readers caught up ms |\n|---|---:|---:|---:|\n';
  for (const [i, variant] of VARIANTS.entries()) {
    const f = median(flood[i]);
    const c = caughtUp[i].length ? median(caughtUp[i]).toFixed(0) : '—';
    report += `| ${variant.name} | ${f.toFixed(0)} | ${(f / base).toFixed(2)} | ${c} |\n`;
  }
  report +=
    '\nGoal: a subscriber that never reads costs the compiler nothing (ratio ≈ the 9-reader one), ' +
    'and the other subscribers still get the last state of every URI.\n\n' +
    'The launcher reads the compiler no faster than it handles what arrives (docs/protocol.md §2, ' +
    'flow control): handing each set to every reading subscriber is the work it waits for, so ' +
    'the flood takes about as long as the readers take to catch up. Before that pacing (until ' +
    '2026-11-22) the launcher took in the whole flood at once, in memory without bound, and ' +
    'the 9-reader flood took 1.08× the baseline with the readers caught up at about the same ' +
    'time as now.\n';
  process.stdout.write(report);
} finally {
  rmSync(work, { recursive: true, force: true });
}

async function floodRound(env, project, variant) {
  const launcher = spawn(process.execPath, [path.join(root, 'bin', 'launcher'), 'exec', 'mycc'], {
    env,
    cwd: project,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(launcher, 'close');
  const reported = new Promise((resolve) => {
    createInterface({ input: launcher.stdout }).on('line', (line) => {
      const m = /^flood-ms (\S+)$/.exec(line);
      if (m) resolve(Number(m[1]));
    });
  });
  const session = await readySession(env);
  const closers = [];
  const readers = [];
  for (let r = 0; r < variant.readers; r++) {
    const client = await connectControl(session.control);
    closers.push(() => client.close());
    const last = new Map();
    await subscribe(client, {
      onState: () => {},
      onDiagnostics: (p) => last.set(p.uri, p.diagnostics[0]?.message ?? ''),
    });
    readers.push(last);
  }
  if (variant.stuck) closers.push(await stuckSubscriber(session.control));
  const go = await connectControl(session.control);
  closers.push(() => go.close());
  const start = performance.now();
  await go.connection.sendRequest('launcher/request', { method: 'flood/go' });
  const floodMs = await reported;
  let caughtUpMs = null;
  if (readers.length) {
    await until(() => readers.every(hasLastState));
    caughtUpMs = performance.now() - start;
  }
  for (const close of closers) close();
  launcher.kill('SIGTERM');
  await exited;
  return { floodMs, caughtUpMs };
}

function hasLastState(last) {
  for (let f = 0; f < URIS; f++) {
    if (!last.get(`file:///flood/f${f}.my`)?.endsWith(` #${COUNT - URIS + f}`)) return false;
  }
  return true;
}

async function readySession(env) {
  const paths = launcherPaths(env);
  return until(() => listSessions(paths).find((s) => s.state === 'ready'));
}

// Subscribes, reads the answer, then never reads again.
async function stuckSubscriber(address) {
  const socket = net.connect(address);
  await once(socket, 'connect');
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'launcher/subscribe' });
  socket.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  await once(socket, 'data');
  socket.pause();
  return () => socket.destroy();
}

// Polls a condition every few milliseconds (the bench's own loop, not part of what is timed).
async function until(condition, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('bench subscribers: timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
