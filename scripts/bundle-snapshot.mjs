// Bundles the source of the shim's start-up snapshot into dist/shim-snapshot/ (see
// docs/architecture.md, "The shim's start-up snapshot"): `snapshot.cjs` holds all of launcher's
// own shim code; each library only some runs need (the HTTP client, the archive reader, the
// JSON-RPC framing) is required from its own file in dist/lib/ when first needed
// (scripts/bundle-libraries.mjs). A snapshot holds everything its source file holds, and every
// byte costs start-up time when the snapshot is read: the libraries would make it ~4 ms slower.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { cjs, lazyEnvPaths, librariesFrom, moduleUrl, processGlobal } from './bundle-options.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist/shim-snapshot');

rmSync(outdir, { recursive: true, force: true });
await build({
  ...cjs,
  entryPoints: [path.join(root, 'src/shim/snapshot-entry.ts')],
  outfile: path.join(outdir, 'snapshot.cjs'),
  plugins: [librariesFrom('../lib'), lazyEnvPaths, processGlobal],
  // `node --build-snapshot` runs the file with require, __filename and __dirname but no module.
  ...moduleUrl("var module = typeof module === 'object' ? module : { exports: {} };\n"),
});
