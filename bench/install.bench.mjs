// bench/install: installing a large archive from a loopback server, against the shell baseline
// `curl -s URL | tee >(sha256sum) | tar xz` run side by side; the launcher's peak memory at two
// archive sizes (streaming keeps it flat); and 16 concurrent installers of one version against
// one (they must share a single download). Imports nothing from src: it runs the built CLI.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import {
  chmodSync,
  cpSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const work = mkdtempSync(path.join(os.tmpdir(), 'launcher-bench-install-'));
const log = (line) => process.stderr.write(`bench/install: ${line}\n`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** A .tar.gz of about `size` bytes: 8 MiB files of random bytes under `mycc/`, plus the bin. */
async function buildArchive(file, size) {
  const gzip = createGzip({ level: 1 });
  const out = gzip.pipe(createWriteStream(file));
  const header = (name, bytes, mode, type = '0') => {
    const h = Buffer.alloc(512);
    h.write(name, 0);
    h.write(`${mode.toString(8).padStart(7, '0')}\0`, 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(`${bytes.toString(8).padStart(11, '0')}\0`, 124);
    h.write(`${(1_700_000_000).toString(8).padStart(11, '0')}\0`, 136);
    h.write('        ', 148);
    h.write(type, 156);
    h.write('ustar\x0000', 257);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    return h;
  };
  const write = async (chunk) => {
    if (!gzip.write(chunk)) await once(gzip, 'drain');
  };
  const script = Buffer.from('#!/bin/sh\necho mycc\n');
  await write(header('mycc/bin/mycc', script.length, 0o755));
  await write(Buffer.concat([script, Buffer.alloc(512 - script.length)]));
  const chunk = 8 * 2 ** 20;
  for (let i = 0; i * chunk < size; i++) {
    await write(header(`mycc/lib/blob-${i}`, chunk, 0o644));
    await write(randomBytes(chunk));
  }
  await write(Buffer.alloc(1024));
  gzip.end();
  await once(out, 'finish');
  const hash = createHash('sha256');
  for await (const data of createReadStream(file)) hash.update(data);
  return { sha256: hash.digest('hex'), size: statSync(file).size };
}

/** A loopback server for index.json and the archives (streamed from disk), counting requests. */
async function serve(archives) {
  const hits = new Map();
  const server = http.createServer((req, res) => {
    hits.set(req.url, (hits.get(req.url) ?? 0) + 1);
    if (req.url === '/index.json') {
      const versions = archives.map((a) => ({
        version: a.version,
        artifacts: [
          {
            os: process.platform,
            arch: process.arch,
            url: a.name,
            sha256: a.sha256,
            size: a.size,
            strip: 1,
          },
        ],
      }));
      res.end(JSON.stringify({ schema: 1, tool: 'mycc', bins: { mycc: 'bin/mycc' }, versions }));
      return;
    }
    const archive = archives.find((a) => req.url === `/${a.name}`);
    if (!archive) return res.writeHead(404).end();
    res.writeHead(200, {
      'content-length': archive.size,
      etag: `"${archive.sha256.slice(0, 16)}"`,
    });
    createReadStream(archive.file, { highWaterMark: 1 << 20 }).pipe(res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, hits, url: `http://127.0.0.1:${server.address().port}/` };
}

// Runs the built CLI like bin/launcher does (a CommonJS script), then reports its own peak RSS
// on stderr.
const wrapper = path.join(work, 'launcher-rss.cjs');
writeFileSync(
  wrapper,
  `require(${JSON.stringify(path.join(root, 'dist', 'cli-bundle', 'start.cjs'))})\n` +
    '  .start(process.argv.slice(2))\n' +
    '  .then((code) => {\n' +
    '    process.exitCode = code;\n' +
    "    process.stderr.write('maxrss-kib ' + process.resourceUsage().maxRSS + '\\n');\n" +
    '  });\n',
);

// NODE_EXTRA_CA_CERTS makes every Node start parse that file (~45 ms of CPU here), which says
// nothing about installing from a loopback server: runs go without it unless `ca` is given (the
// concurrency part is measured both ways).
const CA_FILE = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt'].find(
  (file) => existsSync(file),
);

// Homes are removed after each measured step (not timed), as the baseline removes its directory:
// hundreds of MiB left behind would slow later runs down with the kernel's write-back.
const homes = [];
function dropHomes() {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
}

// The CLI keeps a code cache per command word in its home (cache/code/): a home where
// launcher has run before has one. `codeCache`, a directory of them, is copied in (not timed).
function launcherEnv(indexUrl, ca, codeCache) {
  const env = {
    ...process.env,
    LAUNCHER_DIST_URL: indexUrl,
    LAUNCHER_HOME: mkdtempSync(path.join(work, 'home-')),
  };
  homes.push(env.LAUNCHER_HOME);
  if (codeCache) {
    // Made 0755 whatever the umask: under a directory others may write to, no cache is used.
    mkdirSync(path.join(env.LAUNCHER_HOME, 'cache'), { mode: 0o755 });
    chmodSync(path.join(env.LAUNCHER_HOME, 'cache'), 0o755);
    cpSync(codeCache, path.join(env.LAUNCHER_HOME, 'cache', 'code'), { recursive: true });
  }
  for (const key of Object.keys(env)) if (/^(https?|no)_proxy$/i.test(key)) delete env[key];
  delete env.NODE_EXTRA_CA_CERTS;
  if (ca) env.NODE_EXTRA_CA_CERTS = ca;
  return env;
}

// The floor of any Node installer's crowd: a Node process that does nothing at all (an empty
// CommonJS script, which Node starts ~4 ms sooner than an empty ES module).
const emptyScript = path.join(work, 'empty.js');
writeFileSync(emptyScript, '');

/** Start a bare `node empty.js`; resolves once it has exited. */
function startBareNode(env) {
  const child = spawn(process.execPath, [emptyScript], { env, stdio: 'ignore' });
  return once(child, 'close');
}

/** Start one `launcher install`; resolves to its wall time (ms) and peak RSS (KiB). */
function startInstall(version, env) {
  return startLauncher(['install', version, '--quiet'], env);
}

function startLauncher(args, env) {
  const start = performance.now();
  const child = spawn(process.execPath, [wrapper, ...args], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return once(child, 'close').then(([code]) => {
    if (code !== 0) throw new Error(`launcher ${args.join(' ')} failed (${code}): ${stderr}`);
    return { ms: performance.now() - start, rssKib: Number(/maxrss-kib (\d+)/.exec(stderr)?.[1]) };
  });
}

// Async on purpose: the server lives in this process, so a spawnSync here would starve it.
async function baseline(url) {
  const dir = mkdtempSync(path.join(work, 'curl-'));
  const start = performance.now();
  const child = spawn(
    'bash',
    ['-c', 'curl -s "$1" | tee >(sha256sum > /dev/null) | tar xz -C "$2"', 'bench', url, dir],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const [code] = await once(child, 'close');
  const ms = performance.now() - start;
  if (code !== 0) throw new Error(`baseline failed: ${stderr}`);
  rmSync(dir, { recursive: true, force: true });
  return ms;
}

let served;
try {
  const sizes = [
    ['1.0.0', 100 * 2 ** 20],
    ['0.2.0', 20 * 2 ** 20],
  ];
  const archives = [];
  for (const [version, size] of sizes) {
    const name = `mycc-${version}.tar.gz`;
    const file = path.join(work, name);
    log(`building a ${mib(size)} archive`);
    archives.push({ version, name, file, ...(await buildArchive(file, size)) });
  }
  served = await serve(archives);
  const indexUrl = `${served.url}index.json`;
  const big = archives[0];

  const launcherMs = [];
  const curlMs = [];
  const rss = { [big.version]: [], [archives[1].version]: [] };
  for (let round = 0; round < ROUNDS; round++) {
    log(`round ${round + 1}/${ROUNDS}: launcher install vs curl | tee >(sha256sum) | tar xz`);
    const run = await startInstall(big.version, launcherEnv(indexUrl));
    dropHomes();
    launcherMs.push(run.ms);
    rss[big.version].push(run.rssKib);
    curlMs.push(await baseline(`${served.url}${big.name}`));
    rss[archives[1].version].push(
      (await startInstall(archives[1].version, launcherEnv(indexUrl))).rssKib,
    );
    dropHomes();
  }

  // The code caches a home has once launcher has installed something in it and run `--version`
  // (kept outside the homes, which are dropped).
  async function warmCodeCache() {
    const env = launcherEnv(indexUrl);
    await startInstall(big.version, env);
    await startLauncher(['--version'], env);
    const kept = mkdtempSync(path.join(work, 'code-cache-'));
    cpSync(path.join(env.LAUNCHER_HOME, 'cache', 'code'), kept, { recursive: true });
    dropHomes();
    // The homes must really use it: a run that found it unusable would save it anew.
    const check = launcherEnv(indexUrl, undefined, kept);
    const code = path.join(check.LAUNCHER_HOME, 'cache', 'code');
    const files = () =>
      readdirSync(code)
        .map((f) => `${f}:${statSync(path.join(code, f)).mtimeMs}`)
        .join();
    const before = files();
    await startLauncher(['--version'], check);
    if (files() !== before) throw new Error('the homes do not use the code cache');
    dropHomes();
    return kept;
  }

  // One installer, then 16 installers of one version in one fresh home, then (for scale) 16
  // `launcher --version`: rounds interleaved, medians. Every home has the code cache of a home
  // launcher has been used in, but for the cold crowd's, which is new in every way.
  async function concurrency(ca, codeCache) {
    log(
      `concurrency${ca ? ' (NODE_EXTRA_CA_CERTS set)' : ''}: 1 installer, then 16 of one version`,
    );
    const solo = [];
    const crowd = [];
    const coldCrowd = [];
    const floor = [];
    const floorRss = [];
    const nodeFloor = [];
    const downloads = [];
    const crowdOf16 = async (env) => {
      const before = served.hits.get(`/${big.name}`) ?? 0;
      const start = performance.now();
      await Promise.all(Array.from({ length: 16 }, () => startInstall(big.version, env)));
      downloads.push((served.hits.get(`/${big.name}`) ?? 0) - before);
      dropHomes();
      return performance.now() - start;
    };
    for (let round = 0; round < ROUNDS; round++) {
      const startUp = performance.now();
      const versions = await Promise.all(
        Array.from({ length: 16 }, () =>
          startLauncher(['--version'], launcherEnv(indexUrl, ca, codeCache)),
        ),
      );
      floor.push(performance.now() - startUp);
      floorRss.push(versions[0].rssKib);
      dropHomes();
      solo.push((await startInstall(big.version, launcherEnv(indexUrl, ca, codeCache))).ms);
      dropHomes();
      crowd.push(await crowdOf16(launcherEnv(indexUrl, ca, codeCache)));
      coldCrowd.push(await crowdOf16(launcherEnv(indexUrl, ca)));
      // One real installer among fifteen processes that only start Node and end: what 16
      // installers would take if each waiter cost no more than Node's own start-up.
      const floorEnv = launcherEnv(indexUrl, ca, codeCache);
      const floorStart = performance.now();
      await Promise.all([
        startInstall(big.version, floorEnv),
        ...Array.from({ length: 15 }, () => startBareNode(floorEnv)),
      ]);
      nodeFloor.push(performance.now() - floorStart);
      dropHomes();
    }
    return {
      solo: median(solo),
      crowd: median(crowd),
      coldCrowd: median(coldCrowd),
      floor: median(floor),
      floorRss: median(floorRss),
      nodeFloor: median(nodeFloor),
      downloads,
    };
  }
  // One warm cache serves both: NODE_EXTRA_CA_CERTS is no Node flag, so not part of its key.
  const codeCache = await warmCodeCache();
  const plain = await concurrency(undefined, codeCache);
  const withCa = CA_FILE ? await concurrency(CA_FILE, codeCache) : undefined;
  rmSync(codeCache, { recursive: true, force: true });

  const l = median(launcherMs);
  const c = median(curlMs);
  const rBig = median(rss[big.version]);
  const rSmall = median(rss[archives[1].version]);
  const { solo: s, crowd: k, coldCrowd: kc, floor: f, nodeFloor: n, downloads } = plain;
  const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
  process.stdout.write(
    `## install\n\n` +
      `A ${mib(big.size)} \`.tar.gz\` (random content, gzip -1) served from a loopback HTTP server; ` +
      `every launcher run starts with an empty \`LAUNCHER_HOME\` (index fetch, download to the cache with sha256, ` +
      `verification, guarded unpacking, receipt, rename, shims). Medians of ${ROUNDS} interleaved rounds.\n\n` +
      `The concurrency rows start from a home without versions that has the CLI's code cache ` +
      `(\`cache/code/\`, kept from an earlier install and \`--version\`), as any home launcher was used in; ` +
      `one row starts from a home where launcher never ran.\n\n` +
      `| measured | time | ratio |\n|---|---|---|\n` +
      `| \`curl -s URL \\| tee >(sha256sum) \\| tar xz\` (baseline) | ${fmt(c)} | 1.00× |\n` +
      `| \`launcher install\` | ${fmt(l)} | ${(l / c).toFixed(2)}× (goal ≤ 1.15×) |\n` +
      `| one \`launcher install\` (home without versions) | ${fmt(s)} | 1.00× |\n` +
      `| 16 concurrent \`launcher install\` of that version (one home without versions) | ${fmt(k)} | ${(k / s).toFixed(2)}× (goal ≤ 1.3×) |\n` +
      `| the same in a home where launcher never ran (no code cache yet) | ${fmt(kc)} | ${(kc / s).toFixed(2)}× |\n` +
      `| for scale: 16 concurrent \`launcher --version\` (process start-up alone) | ${fmt(f)} | ${(f / s).toFixed(2)}× |\n` +
      `| floor: one \`launcher install\` with 15 bare \`node empty.js\` started alongside | ${fmt(n)} | ${(n / s).toFixed(2)}× |\n\n` +
      (withCa
        ? `With NODE_EXTRA_CA_CERTS=${CA_FILE} (every Node start parses it): one installer ${fmt(withCa.solo)}, ` +
          `16 concurrent ${fmt(withCa.crowd)} (${(withCa.crowd / withCa.solo).toFixed(2)}×; ` +
          `${(withCa.coldCrowd / withCa.solo).toFixed(2)}× without a code cache), ` +
          `16 \`launcher --version\` ${fmt(withCa.floor)}, the floor ${fmt(withCa.nodeFloor)} ` +
          `(${(withCa.nodeFloor / withCa.solo).toFixed(2)}×). The other rows run without it.\n\n`
        : '') +
      `Downloads of the archive per 16-installer round: ${[...downloads, ...(withCa?.downloads ?? [])].join(', ')} (goal: exactly 1).\n\n` +
      `Peak RSS of \`launcher install\`: ${(rSmall / 1024).toFixed(0)} MiB for a ${mib(archives[1].size)} archive, ` +
      `${(rBig / 1024).toFixed(0)} MiB for ${mib(big.size)} (${(rBig / rSmall).toFixed(2)}×; goal: flat, ` +
      `i.e. streaming rather than buffering); \`launcher --version\` alone peaks at ${(plain.floorRss / 1024).toFixed(0)} MiB.\n\n` +
      `Sixteen installers are sixteen Node processes on ${os.cpus().length} cores: the start-up row shows what ` +
      `that costs before any install work; the fifteen that wait load neither the HTTP client nor node-tar and ` +
      `never fetch the index. The floor row is the best any installer written for Node could do here: its ` +
      `fifteen waiters would have to cost less than an empty Node process to beat it.\n\n` +
      `Note: the baseline overlaps download, checksum and unpacking in one pipe; the launcher must finish ` +
      `the checksum before it unpacks anything (spec §4), so it reads the archive twice: once from the ` +
      `network into the cache, once from the cache into staging.\n`,
  );
} finally {
  served?.server.closeAllConnections();
  served?.server.close();
  rmSync(work, { recursive: true, force: true });
}
