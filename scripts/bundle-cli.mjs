// Bundles the CLI into dist/cli-bundle/ with esbuild (see "The CLI runs from a V8 code cache" in
// docs/architecture.md): `cli.cjs` is all of the CLI's own code in one CommonJS file, which
// `start.cjs` (what bin/launcher requires) runs with a V8 code cache; the libraries only some
// commands need are required from dist/lib/ when first used. The unbundled dist/ remains the
// library.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { cjs, lazySemver, librariesFrom, processGlobal, stampBuildId } from './bundle-options.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist/cli-bundle');

// import.meta.url (src/package-root.ts, src/cli/start.ts) is the file's URL, as in an ES module.
// The banner comes before esbuild's own "use strict", which would then be a mere string: it says
// it first.
const moduleUrlBanner =
  "'use strict';\nvar __launcherModuleUrl = require('node:url').pathToFileURL(__filename).href;";

rmSync(outdir, { recursive: true, force: true });
await build({
  ...cjs,
  entryPoints: [path.join(root, 'src/cli/main.ts')],
  outfile: path.join(outdir, 'cli.cjs'),
  sourcemap: 'linked',
  plugins: [librariesFrom('../lib'), lazySemver, processGlobal],
  define: { 'import.meta.url': '__launcherModuleUrl' },
  banner: { js: moduleUrlBanner },
});
stampBuildId(path.join(outdir, 'cli.cjs'));
// CommonJS too, as is bin/launcher (bin/package.json): Node starts a CommonJS script ~4 ms
// sooner than an ES module, on every CLI call.
await build({
  ...cjs,
  entryPoints: [path.join(root, 'src/cli/start.ts')],
  outfile: path.join(outdir, 'start.cjs'),
  plugins: [processGlobal],
  define: { 'import.meta.url': '__launcherModuleUrl' },
  banner: { js: moduleUrlBanner },
});
