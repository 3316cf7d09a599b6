#!/usr/bin/env node
// `node scripts/build-sample-dist.mjs [outDir]`: builds the sample mycc distribution (default
// `.sample-dist/`) and prints what it wrote. See scripts/sample-dist.mjs.
import { performance } from 'node:perf_hooks';
import { buildSampleDist, DEFAULT_OUT_DIR } from './sample-dist.mjs';

const started = performance.now();
const { indexPath, versions } = await buildSampleDist(process.argv[2] ?? DEFAULT_OUT_DIR);
for (const { archive, sha256, size } of versions) {
  process.stdout.write(`${archive}  ${size} bytes  sha256 ${sha256}\n`);
}
process.stdout.write(`${indexPath}\n`);
process.stderr.write(
  `built mycc ${versions.map((v) => v.version).join(', ')} in ${Math.round(performance.now() - started)} ms\n`,
);
