// Bundles the shim entry into dist/shim-bundle/ with esbuild: the hot path of a compiler call is
// two files (the entry and one chunk) instead of ~60 modules; everything that only some runs need
// (installing, the JSON-RPC channel, the session's control socket) is split into lazy chunks.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

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

// semver builds dozens of regular expressions when it loads (~5 ms here), yet a pinned exact
// version never needs it (src/version/request.ts reads plain versions itself). Its bundled copy
// is loaded on first use instead: esbuild turns a require() inside a function into a call of
// the bundled module's lazy initialiser.
const lazySemver = {
  name: 'lazy-semver',
  setup(b) {
    b.onResolve({ filter: /^semver$/ }, (args) =>
      args.namespace === 'lazy-semver' ? undefined : { path: 'semver', namespace: 'lazy-semver' },
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-semver' }, () => ({
      contents: 'export default new Proxy({}, { get: (_, name) => require("semver")[name] });\n',
      resolveDir: root,
      loader: 'js',
    }));
  },
};

// `import process from 'node:process'` (env-paths) makes Node build an ES module facade of the
// process object, reading every property, lazy ones included (~1 ms). The global is the same.
const processGlobal = {
  name: 'process-global',
  setup(b) {
    b.onResolve({ filter: /^(node:)?process$/ }, () => ({ path: 'process', namespace: 'global' }));
    b.onLoad({ filter: /.*/, namespace: 'global' }, () => ({
      contents: 'export default globalThis.process;\n',
      loader: 'js',
    }));
  },
};

await build({
  entryPoints: { main: entry },
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [oneHotChunk, lazySemver, processGlobal],
  // Bundled CommonJS code (vscode-jsonrpc, undici) require()s Node's built-in modules. ESM has
  // no require(): give it one that fetches built-ins directly, without loading node:module and
  // creating a resolver in every chunk as createRequire() did.
  banner: {
    js: "const require = (id) => process.getBuiltinModule(id) ?? process.getBuiltinModule('node:module').createRequire(import.meta.url)(id);",
  },
  logLevel: 'warning',
});
