// bench/shim: what a compiler call through the shim costs, against bare `node` start-up on an
// empty file (the floor for any Node launcher: a CommonJS script, and an ES module for scale),
// the compiler run directly, and rbenv's shim when rbenv is installed.
// Runs are interleaved round by round so machine noise hits every variant alike; medians reported.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchHome } from './lib/bench-home.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const work = mkdtempSync(path.join(os.tmpdir(), 'launcher-bench-shim-'));

try {
  // A native one-line compiler, installed as version 1.0.0 with its receipt.
  writeFileSync(
    path.join(work, 'mycc.c'),
    '#include <stdio.h>\nint main(void){puts("ok");return 0;}\n',
  );
  const {
    home,
    binDir,
    project,
    env: baseEnv,
  } = benchHome(work, (file) => {
    const cc = spawnSync('cc', ['-O2', '-o', file, path.join(work, 'mycc.c')]);
    if (cc.status !== 0) throw new Error(`cc failed: ${cc.stderr}`);
  });
  // Bare node on an empty file, both ways Node may load one: a CommonJS script (the floor) and
  // an ES module, whose loader costs Node a few milliseconds more.
  const emptyScript = path.join(work, 'empty.js');
  const emptyModule = path.join(work, 'empty.mjs');
  writeFileSync(emptyScript, '');
  writeFileSync(emptyModule, '');
  // And Node started from a start-up snapshot that holds nothing, as the shim starts from its own.
  const emptyBlob = path.join(work, 'empty.blob');
  const noMain = path.join(work, 'no-main.js');
  writeFileSync(noMain, "require('v8').startupSnapshot.setDeserializeMainFunction(() => {});\n");
  const built = spawnSync(process.execPath, [
    '--snapshot-blob',
    emptyBlob,
    '--build-snapshot',
    noMain,
  ]);
  if (built.status !== 0) throw new Error(`building an empty snapshot failed: ${built.stderr}`);

  const rehash = spawnSync(process.execPath, [path.join(root, 'bin', 'launcher'), 'rehash'], {
    env: baseEnv,
  });
  if (rehash.status !== 0) throw new Error(`rehash failed: ${rehash.stderr}`);
  const shim = path.join(home, 'shims', 'mycc');

  // The first call builds the shim's start-up snapshot; every call after it starts from it.
  const first = spawnSync(shim, [], { cwd: project, env: baseEnv });
  if (first.status !== 0) throw new Error(`the first shim call failed: ${first.stderr}`);
  if (!existsSync(path.join(home, 'cache', 'shim-snapshot', 'shim.blob'))) {
    throw new Error('the first shim call built no start-up snapshot (see launcher doctor)');
  }

  const variants = [
    ['bare node, empty CommonJS file (`node empty.js`)', process.execPath, [emptyScript]],
    ['launcher shim → native mycc', shim, []],
    [
      'launcher shim without its start-up snapshot (`LAUNCHER_SHIM_SNAPSHOT=0`)',
      shim,
      [],
      { LAUNCHER_SHIM_SNAPSHOT: '0' },
    ],
    ['native mycc directly', path.join(binDir, 'mycc'), []],
    ['bare node, empty ES module (`node empty.mjs`)', process.execPath, [emptyModule]],
    ['bare node, empty start-up snapshot', process.execPath, ['--snapshot-blob', emptyBlob]],
  ];
  const rbenvSetup = setUpRbenv(work, path.join(binDir, 'mycc'));
  if (rbenvSetup) variants.push(['rbenv shim → native mycc', rbenvSetup.shim, [], rbenvSetup.env]);

  const caFile = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt'].find(
    (f) => {
      try {
        return spawnSync('test', ['-r', f]).status === 0;
      } catch {
        return false;
      }
    },
  );
  const modes = [['without NODE_EXTRA_CA_CERTS', undefined]];
  if (caFile) modes.push([`with NODE_EXTRA_CA_CERTS=${caFile}`, caFile]);

  let report = `## shim\n\nWall time of one compiler call, median of ${ROUNDS} interleaved rounds (each round in a new random order).\n`;
  for (const [label, ca] of modes) {
    const env = { ...baseEnv };
    delete env.NODE_EXTRA_CA_CERTS;
    if (ca) env.NODE_EXTRA_CA_CERTS = ca;
    const times = variants.map(() => []);
    for (let round = 0; round < ROUNDS + 3; round++) {
      // A fresh order each round: a call is slowed by what the one before left to finish (its
      // exit, its watchdog's, the file system's work), and no variant may always follow another.
      for (const i of shuffled(variants.map((_, index) => index))) {
        const [name, file, args, extraEnv] = variants[i];
        const start = process.hrtime.bigint();
        const r = spawnSync(file, args, {
          cwd: project,
          env: { ...env, ...extraEnv },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        if (r.status !== 0) throw new Error(`${name} failed (${r.status}): ${r.stderr}`);
        if (round >= 3) times[i].push(ms); // the first rounds warm the disk cache
      }
    }
    const medians = times.map(median);
    const floor = medians[0];
    const asModule = medians[4];
    report += `\n### ${label}\n\n| variant | median ms | × bare node (\`empty.js\`) | × bare node (\`empty.mjs\`) |\n|---|---:|---:|---:|\n`;
    variants.forEach(([name], i) => {
      report += `| ${name} | ${medians[i].toFixed(1)} | ${(medians[i] / floor).toFixed(2)} | ${(medians[i] / asModule).toFixed(2)} |\n`;
    });
    process.stderr.write(
      `bench shim: ${label}: shim ${(medians[1] / floor).toFixed(2)}× bare node (empty.js), ${(medians[1] / asModule).toFixed(2)}× (empty.mjs)\n`,
    );
  }
  report +=
    `\nGoal: shim / bare node ≤ 1.25, against \`node empty.js\`, the cheaper of the two ways to start Node on an empty file. ` +
    `(Until 2026-11-22 this benchmark compared with \`node empty.mjs\` alone.) The shim starts Node from a start-up snapshot: ` +
    `the row "empty start-up snapshot" shows what starting from one costs before anything is in it.` +
    `${rbenvSetup ? '' : ' (rbenv is not installed here: `apt-get install rbenv` adds it to the comparison.)'}\n`;
  process.stdout.write(report);
} finally {
  rmSync(work, { recursive: true, force: true });
}

function shuffled(values) {
  const out = [...values];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// rbenv's own shim for the same native binary, when rbenv is on PATH.
function setUpRbenv(dir, nativeBin) {
  const which = spawnSync('sh', ['-c', 'command -v rbenv'], { encoding: 'utf8' });
  if (which.status !== 0) return null;
  const rbenvRoot = path.join(dir, 'rbenv');
  const versionBin = path.join(rbenvRoot, 'versions', '1.0.0', 'bin');
  mkdirSync(versionBin, { recursive: true });
  spawnSync('cp', [nativeBin, path.join(versionBin, 'mycc')]);
  chmodSync(path.join(versionBin, 'mycc'), 0o755);
  writeFileSync(path.join(dir, 'project', '.ruby-version'), '1.0.0\n');
  const env = { RBENV_ROOT: rbenvRoot };
  const rehash = spawnSync('rbenv', ['rehash'], { env: { ...process.env, ...env } });
  if (rehash.status !== 0) return null;
  return { shim: path.join(rbenvRoot, 'shims', 'mycc'), env };
}
