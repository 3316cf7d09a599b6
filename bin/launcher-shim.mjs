#!/usr/bin/env node
// What every shim runs: the bundled shim entry (dist/shim-bundle/), built by `npm run build`.
import { shimMain } from '../dist/shim-bundle/main.mjs';

await shimMain(process.argv.slice(2));
