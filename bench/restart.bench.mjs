// bench/restart: how long a crashed child takes to be ready again under the Supervisor (zero
// backoff), against the same child's own cold start run side by side; and the memory of a
// supervising process with one child, against a bare Node process. The child is this file run
// again with `--child`; the supervising process is this file with `--host`.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SELF = fileURLToPath(import.meta.url);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const log = (line) => process.stderr.write(`bench/restart: ${line}\n`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (ns) => Number(ns) / 1e6;

// The child: a small HTTP server. Supervised, it reports ready over the channel and crashes on
// request; alone, it prints "ready <port>".
async function child() {
  const { connect } = await import(path.join(root, 'dist/worker/index.js'));
  const worker = await connect({ name: 'bench-server', server: true });
  const server = http.createServer((_req, res) => res.end('ok'));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  if (!worker) {
    process.stdout.write(`ready ${port}\n`);
    return;
  }
  worker.onRequest('bench/crash', () => {
    setImmediate(() => process.kill(process.pid, 'SIGKILL'));
    return {};
  });
  worker.ready({ port, host: '127.0.0.1' });
}

function supervisor(Supervisor, launcherPaths, home) {
  return new Supervisor({
    command: process.execPath,
    args: [SELF, '--child'],
    env: { ...process.env, LAUNCHER_HOME: home },
    paths: launcherPaths({ LAUNCHER_HOME: home }),
    stdio: 'pipe',
    restart: 'on-abnormal',
    backoffBaseMs: 0,
    maxRestarts: 10_000,
    log: () => {},
  });
}

// The supervising process of the memory measure: one child, ready, then it waits to be read.
async function host() {
  const { Supervisor } = await import(path.join(root, 'dist/supervisor/index.js'));
  const { launcherPaths } = await import(path.join(root, 'dist/paths.js'));
  const sup = supervisor(Supervisor, launcherPaths, process.env.BENCH_HOME);
  const ready = once(sup, 'ready');
  await sup.start();
  await ready;
  process.stdout.write(`${JSON.stringify({ child: sup.snapshot().childPid })}\n`);
  process.on('SIGTERM', () => sup.stop().then(() => process.exit(0)));
}

async function coldStart() {
  const start = process.hrtime.bigint();
  const proc = spawn(process.execPath, [SELF, '--child'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await once(proc.stdout, 'data');
  const took = process.hrtime.bigint() - start;
  proc.kill();
  await once(proc, 'exit');
  return ms(took);
}

async function crashToReady(sup) {
  const ready = once(sup, 'ready');
  const start = process.hrtime.bigint();
  sup.request('bench/crash', {}).catch(() => {});
  await ready;
  return ms(process.hrtime.bigint() - start);
}

// Resident set, and proportional set (shared pages, such as the Node binary's, divided among
// the processes that share them), from /proc.
const memoryOf = (pid) => {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kib = (field) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? 0) * 1024;
  return { rss: kib('Rss'), pss: kib('Pss') };
};

function childrenOf(pid) {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function memory() {
  const home = mkdtempSync(path.join(os.tmpdir(), 'lbm-'));
  const supervising = spawn(process.execPath, [SELF, '--host'], {
    env: { ...process.env, BENCH_HOME: home },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const { child: childPid } = JSON.parse((await once(supervising.stdout, 'data'))[0].toString());
  const bare = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000); console.log("up")'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await once(bare.stdout, 'data');
  // Let both settle after start-up before reading their resident sets.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const watchdog = childrenOf(supervising.pid).find((pid) =>
    readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('launcher-watchdog'),
  );
  const result = {
    supervisor: memoryOf(supervising.pid),
    watchdog: watchdog ? memoryOf(watchdog) : { rss: 0, pss: 0 },
    child: memoryOf(childPid),
    bare: memoryOf(bare.pid),
  };
  bare.kill();
  supervising.kill('SIGTERM');
  await once(supervising, 'exit');
  rmSync(home, { recursive: true, force: true });
  return result;
}

async function main() {
  const { Supervisor } = await import(path.join(root, 'dist/supervisor/index.js'));
  const { launcherPaths } = await import(path.join(root, 'dist/paths.js'));
  const home = mkdtempSync(path.join(os.tmpdir(), 'lbr-'));
  const sup = supervisor(Supervisor, launcherPaths, home);
  const firstReady = once(sup, 'ready');
  await sup.start();
  await firstReady;
  log(`${ROUNDS} rounds of crash → ready again, each beside one cold start`);
  const cold = [];
  const restart = [];
  for (let i = 0; i < ROUNDS; i++) {
    cold.push(await coldStart());
    restart.push(await crashToReady(sup));
  }
  await sup.stop();
  rmSync(home, { recursive: true, force: true });
  log('memory of a supervising process with one child');
  const mem = await memory();
  const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  const ratio = median(restart) / median(cold);
  process.stdout.write(
    [
      '## restart',
      '',
      'A supervised HTTP server child (worker library, `server: true`) is made to crash with',
      'SIGKILL; measured from the request that makes it crash to the `ready` event of its',
      'replacement, with zero backoff (`backoffBaseMs: 0`). Baseline, run alternately in the same',
      'loop: the same child started directly, from spawn to its "ready" line on stdout.',
      `Medians of ${ROUNDS} rounds.`,
      '',
      '| measure | supervised | baseline | ratio | goal |',
      '|---|---:|---:|---:|---|',
      `| crash → ready again vs cold start | ${median(restart).toFixed(1)} ms | ${median(cold).toFixed(1)} ms | ${ratio.toFixed(2)}× | < 1.2×: ${ratio < 1.2 ? 'met' : 'NOT met'} |`,
      `| RSS of the supervising process (one child) vs a bare \`node\` | ${mib(mem.supervisor.rss)} | ${mib(mem.bare.rss)} | ${(mem.supervisor.rss / mem.bare.rss).toFixed(2)}× | < 60 MB: ${mem.supervisor.rss < 60e6 ? 'met' : 'NOT met'} |`,
      `| PSS of the supervising process vs a bare \`node\` | ${mib(mem.supervisor.pss)} | ${mib(mem.bare.pss)} | ${(mem.supervisor.pss / mem.bare.pss).toFixed(2)}× | |`,
      `| RSS of its watchdog process vs a bare \`node\` | ${mib(mem.watchdog.rss)} | ${mib(mem.bare.rss)} | ${(mem.watchdog.rss / mem.bare.rss).toFixed(2)}× | |`,
      `| PSS of its watchdog process vs a bare \`node\` | ${mib(mem.watchdog.pss)} | ${mib(mem.bare.pss)} | ${(mem.watchdog.pss / mem.bare.pss).toFixed(2)}× | |`,
      '',
      `The child itself: RSS ${mib(mem.child.rss)}. The watchdog is a separate small \`sh\` process`,
      'that kills the child tree if the launcher is SIGKILLed. RSS counts the pages of a binary',
      'in full for every process; PSS divides them among the processes sharing them, so it is',
      'closer to what each process adds.',
      '',
    ].join('\n'),
  );
}

if (process.argv[2] === '--child') await child();
else if (process.argv[2] === '--host') await host();
else await main();
