#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.mjs in turn and writes their reports to bench/RESULTS.md.
// Each benchmark prints one Markdown section to stdout (a heading, what was measured side by side,
// and the ratios to its baseline); progress goes to stderr. Pass names to run only some:
// `npm run bench -- install shim`.
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = path.join(root, 'bench');
const only = process.argv.slice(2);
const files = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => only.length === 0 || only.includes(f.replace(/\.bench\.mjs$/, '')))
  .sort();

const sections = [];
let failed = 0;
for (const file of files) {
  // Each benchmark starts on a quiet disk: the install benchmark writes and deletes hundreds of
  // MiB, whose write-back would otherwise land in whatever runs next. (Not timed.)
  if (process.platform !== 'win32') spawnSync('sync', { stdio: 'ignore' });
  process.stderr.write(`bench: running ${file}\n`);
  const result = spawnSync(process.execPath, [path.join(benchDir, file)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    failed++;
    sections.push(`## ${file}\n\nFailed (exit ${result.status ?? result.signal}).\n`);
  } else {
    sections.push(`${result.stdout.trim()}\n`);
  }
}

const header =
  `# Benchmark results\n\nWritten by \`npm run bench\` on ${new Date().toISOString()}: ` +
  `Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ` +
  `${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.arch()}.\n` +
  'Every figure is a ratio against a baseline measured side by side in the same run.\n';
if (only.length === 0)
  writeFileSync(path.join(benchDir, 'RESULTS.md'), `${header}\n${sections.join('\n')}`);
else process.stdout.write(sections.join('\n'));
process.exitCode = failed ? 1 : 0;
