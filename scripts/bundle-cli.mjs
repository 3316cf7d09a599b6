// Bundles the CLI into dist/cli-bundle/ with esbuild: `launcher <command>` then loads a few
// files instead of a hundred modules (start-up ~130 ms -> ~80 ms here), which matters when many
// run at once (16 installers racing for one version). Code only some commands need (installing,
// the index, doctor) stays in lazy chunks. The unbundled dist/ remains the library.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

await build({
  entryPoints: { main: path.join(root, 'src/cli/main.ts') },
  outdir: path.join(root, 'dist/cli-bundle'),
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  // Bundled CommonJS dependencies (clipanion, semver, vscode-jsonrpc) call require(); give ESM one.
  banner: {
    js: "import { createRequire as __launcherRequire } from 'node:module'; const require = __launcherRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
