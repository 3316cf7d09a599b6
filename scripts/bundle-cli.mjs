// Bundles the CLI into dist/cli-bundle/ with esbuild: `launcher <command>` then loads a few
// files instead of a hundred modules (start-up ~130 ms -> ~80 ms here), which matters when many
// run at once (16 installers racing for one version). Code only some commands need (installing,
// the index, doctor) stays in lazy chunks. The unbundled dist/ remains the library.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from './bundle-options.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

await bundle(path.join(root, 'src/cli/main.ts'), path.join(root, 'dist/cli-bundle'));
