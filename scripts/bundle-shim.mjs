// Bundles the shim entry into dist/shim-bundle/ with esbuild: one file for the hot path, so a
// compiler call loads a single module instead of ~60; installing code is split into lazy chunks.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

await build({
  entryPoints: { main: path.join(root, 'src/shim/main.ts') },
  outdir: path.join(root, 'dist/shim-bundle'),
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  // Bundled CommonJS dependencies (semver, vscode-jsonrpc) call require(); give ESM one.
  banner: {
    js: "import { createRequire as __launcherRequire } from 'node:module'; const require = __launcherRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
