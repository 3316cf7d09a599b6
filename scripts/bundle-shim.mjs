// Bundles the shim entry into dist/shim-bundle/ with esbuild: the hot path of a compiler call is
// two files (the entry and one chunk) instead of ~60 modules; everything that only some runs need
// (installing, the JSON-RPC channel, the session's control socket) is split into lazy chunks.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from './bundle-options.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'src/shim/main.ts');
const outdir = path.join(root, 'dist/shim-bundle');

// esbuild makes one chunk per set of entry points that reach a module, and every `import()` is
// an entry point: the modules of the hot path, shared with this or that lazy part, came out as
// fifteen chunks, each a separate file to resolve and load (~0.25 ms each). Each lazy part now
// imports the shim entry too, so every module of the hot path is reached by the same set of
// entry points and lands in a single chunk. The entry has no side effects: importing it again
// from a lazy part only links to what is already loaded.
const oneHotChunk = {
  name: 'one-hot-chunk',
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.kind !== 'dynamic-import' || args.namespace === 'lazy-part') return undefined;
      const { path: file, errors } = await b.resolve(args.path, {
        kind: 'import-statement',
        resolveDir: args.resolveDir,
        importer: args.importer,
      });
      return errors.length ? { errors } : { path: file, namespace: 'lazy-part' };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-part' }, (args) => ({
      contents: `import ${JSON.stringify(entry)};\nexport * from ${JSON.stringify(args.path)};\n`,
      resolveDir: path.dirname(args.path),
      loader: 'js',
    }));
  },
};

await bundle(entry, outdir, [oneHotChunk]);
