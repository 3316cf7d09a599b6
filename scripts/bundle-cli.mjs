// Bundles the CLI into dist/cli-bundle/ with esbuild (see "The CLI runs from a V8 code cache" in
// docs/architecture.md): `cli.cjs` is all of the CLI's own code in one CommonJS file, which
// `start.cjs` (what bin/launcher requires) runs with a V8 code cache; the libraries only some
// commands need are required from dist/lib/ when first used. The unbundled dist/ remains the
// library.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import {
  cjs,
  lazyEnvPaths,
  lazySemver,
  librariesFrom,
  moduleUrl,
  processGlobal,
  stampBuildId,
} from './bundle-options.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist/cli-bundle');

rmSync(outdir, { recursive: true, force: true });
await build({
  ...cjs,
  entryPoints: [path.join(root, 'src/cli/main.ts')],
  outfile: path.join(outdir, 'cli.cjs'),
  sourcemap: 'linked',
  plugins: [librariesFrom('../lib'), lazyEnvPaths, lazySemver, processGlobal],
  ...moduleUrl(),
});
stampBuildId(path.join(outdir, 'cli.cjs'));
// CommonJS too, as is bin/launcher (bin/package.json): Node starts a CommonJS script ~4 ms
// sooner than an ES module, on every CLI call.
await build({
  ...cjs,
  entryPoints: [path.join(root, 'src/cli/start.ts')],
  outfile: path.join(outdir, 'start.cjs'),
  plugins: [lazyEnvPaths, processGlobal],
  ...moduleUrl(),
});
