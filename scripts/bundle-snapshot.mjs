// Bundles the source of the shim's start-up snapshot into dist/shim-snapshot/ (see
// docs/architecture.md, "The shim's start-up snapshot"): `snapshot.cjs` holds all of launcher's
// own shim code, and each library only some runs need (the HTTP client, the archive reader, the
// JSON-RPC framing) is a separate CommonJS file in lib/, loaded at run time when first needed.
// A snapshot holds everything its source file holds, and every byte costs start-up time when
// the snapshot is read: the libraries alone would make it ~4 ms slower to start.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { processGlobal } from './bundle-options.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist/shim-snapshot');

// The libraries loaded from lib/ at run time, by the name they are imported as. vscode-jsonrpc's
// two entry points share one file, so both see the same classes.
const LIBRARIES = {
  undici: 'undici',
  tar: 'tar',
  'vscode-jsonrpc': 'vscode-jsonrpc',
  'vscode-jsonrpc/node': 'vscode-jsonrpc',
};
const LIBRARY_ENTRIES = { undici: 'undici', tar: 'tar', 'vscode-jsonrpc': 'vscode-jsonrpc/node' };

// An import of a library becomes a require() of its file in lib/, relative to snapshot.cjs.
// `__filename` is the snapshot source's path, kept in the snapshot as it was when it was built;
// the snapshot is only used while that file is unchanged (see src/shim/snapshot-entry.ts).
const librariesFromLib = {
  name: 'libraries-from-lib',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) =>
      Object.hasOwn(LIBRARIES, args.path)
        ? { path: LIBRARIES[args.path], namespace: 'launcher-lib' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'launcher-lib' }, (args) => ({
      contents: `module.exports = require('node:module').createRequire(__filename)(${JSON.stringify(`./lib/${args.path}.cjs`)});\n`,
      loader: 'js',
    }));
  },
};

// env-paths reads the home directory once, when its module is first run. Run while the snapshot
// is built, it would keep the build's home for every later call: it runs on first use instead.
const lazyEnvPaths = {
  name: 'lazy-env-paths',
  setup(b) {
    b.onResolve({ filter: /^env-paths$/ }, (args) =>
      args.namespace === 'lazy-env-paths'
        ? undefined
        : { path: 'env-paths', namespace: 'lazy-env-paths' },
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-env-paths' }, () => ({
      contents: "export default (...args) => require('env-paths').default(...args);\n",
      resolveDir: root,
      loader: 'js',
    }));
  },
};

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  logLevel: 'warning',
};

rmSync(outdir, { recursive: true, force: true });
await build({
  ...common,
  entryPoints: [path.join(root, 'src/shim/snapshot-entry.ts')],
  outfile: path.join(outdir, 'snapshot.cjs'),
  plugins: [librariesFromLib, lazyEnvPaths, processGlobal],
  // import.meta.url (src/package-root.ts, the entry) is this file's URL, as in the ESM bundles.
  define: { 'import.meta.url': '__launcherModuleUrl' },
  // `node --build-snapshot` runs the file with require, __filename and __dirname but no module.
  banner: {
    js:
      "var module = typeof module === 'object' ? module : { exports: {} };\n" +
      "var __launcherModuleUrl = require('node:url').pathToFileURL(__filename).href;",
  },
});
for (const [name, entry] of Object.entries(LIBRARY_ENTRIES)) {
  await build({
    ...common,
    stdin: { contents: `module.exports = require(${JSON.stringify(entry)});`, resolveDir: root },
    outfile: path.join(outdir, 'lib', `${name}.cjs`),
  });
}
