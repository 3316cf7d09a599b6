// What the build's esbuild bundles (the shim's hot path, its start-up snapshot, the CLI and the
// libraries of dist/lib/) have in common: semver loaded on first use, no facade module for
// `node:process`, the CommonJS options and build ids, the libraries loaded from dist/lib/ through
// the code cache, and the shim's ESM bundle with lazy chunks and a require() for bundled CommonJS
// code. Each output directory is emptied first, so no stale chunk is ever shipped.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// semver builds dozens of regular expressions when it loads (~5 ms here), yet a pinned exact
// version never needs it (src/version/request.ts reads plain versions itself). Its bundled copy
// is loaded on first use instead: esbuild turns a require() inside a function into a call of
// the bundled module's lazy initialiser.
export const lazySemver = {
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
export const processGlobal = {
  name: 'process-global',
  setup(b) {
    b.onResolve({ filter: /^(node:)?process$/ }, () => ({ path: 'process', namespace: 'global' }));
    b.onLoad({ filter: /.*/, namespace: 'global' }, () => ({
      contents: 'export default globalThis.process;\n',
      loader: 'js',
    }));
  },
};

// As src/util/code-cache.ts reads it.
const BUILD_ID_MARK = '\n//# launcherBuild=';

/**
 * Give a bundle run through the code cache its build id, a hash of its content, on a line of
 * its own (before the source map's): a release keeps the same modification time for every
 * version of a file, so the file's identity alone cannot tell two builds apart.
 */
export function stampBuildId(file) {
  const text = readFileSync(file, 'utf8');
  const map = text.lastIndexOf('\n//# sourceMappingURL=');
  const at = map < 0 ? text.length : map;
  const id = createHash('sha256').update(text).digest('hex').slice(0, 32);
  writeFileSync(file, `${text.slice(0, at)}${BUILD_ID_MARK}${id}${text.slice(at)}`);
}

/**
 * For a CommonJS bundle of code that reads import.meta.url (src/package-root.ts): it becomes the
 * bundle file's URL, as in an ES module. The banner says "use strict" first: after the banner,
 * esbuild's own directive would be a mere string. `lines`: more of the banner, before the URL.
 */
export function moduleUrl(lines = '') {
  return {
    define: { 'import.meta.url': '__launcherModuleUrl' },
    banner: {
      js: `'use strict';\n${lines}var __launcherModuleUrl = require('node:url').pathToFileURL(__filename).href;`,
    },
  };
}

/** What the CommonJS bundles (the snapshot's source, the CLI, the libraries) share. */
export const cjs = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  logLevel: 'warning',
};

/** The libraries with a file of their own in dist/lib/ (scripts/bundle-libraries.mjs), by entry. */
export const LIBRARY_ENTRIES = {
  undici: 'undici',
  tar: 'tar',
  'vscode-jsonrpc': 'vscode-jsonrpc/node',
};

// The imports served by each file in dist/lib/. vscode-jsonrpc's two entry points share one
// file, so both see the same classes.
const LIBRARIES = {
  undici: 'undici',
  tar: 'tar',
  'vscode-jsonrpc': 'vscode-jsonrpc',
  'vscode-jsonrpc/node': 'vscode-jsonrpc',
};

// What loads them: through the code cache (src/util/code-cache.ts).
const libraryLoader = path.join(root, 'src', 'util', 'code-cache.ts');

/**
 * An import of a library becomes a load of its file in dist/lib/ (`dir`, relative to the
 * bundle's own file), with its code cache, when the importing module is first run: a bundle
 * that only some runs need the library in stays small. Every bundle shares the same copy.
 */
export function librariesFrom(dir) {
  return {
    name: 'libraries-from-lib',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) =>
        Object.hasOwn(LIBRARIES, args.path)
          ? { path: LIBRARIES[args.path], namespace: 'launcher-lib' }
          : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'launcher-lib' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(libraryLoader)}).loadLibrary(${JSON.stringify(`${dir}/${args.path}.cjs`)}, __filename);\n`,
        resolveDir: root,
        loader: 'js',
      }));
    },
  };
}

// env-paths reads the home directory once, when its module is first run: run when a bundle
// loads (or while the snapshot is built, which would keep the build's home for every later
// call), it would fail every command where the home directory is unknown (no HOME, and none
// for the user in the system's database), LAUNCHER_HOME set or not. It runs on first use
// instead: only when LAUNCHER_HOME is unset, and src/paths.ts then says what is wrong.
export const lazyEnvPaths = {
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

/** Bundle `entry` into `outdir` (emptied first) as `main.mjs` plus chunks. */
export async function bundle(entry, outdir, plugins = []) {
  rmSync(outdir, { recursive: true, force: true });
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
    plugins: [...plugins, lazyEnvPaths, lazySemver, processGlobal],
    // Bundled CommonJS code (vscode-jsonrpc, undici, clipanion) require()s Node's built-in
    // modules. ESM has no require(): give it one that fetches built-ins directly, without loading
    // node:module and creating a resolver in every chunk as createRequire() did.
    banner: {
      js: "const require = (id) => process.getBuiltinModule(id) ?? process.getBuiltinModule('node:module').createRequire(import.meta.url)(id);",
    },
    logLevel: 'warning',
  });
}
