// Bundles each library that only some runs need (the HTTP client, the archive reader, the
// JSON-RPC framing) into one CommonJS file of its own in dist/lib/, shared by the CLI's bundle and
// the shim's snapshot (see `librariesFrom` in bundle-options.mjs), which load it through the code
// cache.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { cjs, LIBRARY_ENTRIES, stampBuildId } from './bundle-options.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist/lib');

rmSync(outdir, { recursive: true, force: true });
for (const [name, entry] of Object.entries(LIBRARY_ENTRIES)) {
  await build({
    ...cjs,
    stdin: { contents: `module.exports = require(${JSON.stringify(entry)});`, resolveDir: root },
    outfile: path.join(outdir, `${name}.cjs`),
  });
  stampBuildId(path.join(outdir, `${name}.cjs`));
}
