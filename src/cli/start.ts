// What `bin/launcher` runs: the CLI, bundled into one CommonJS file (dist/cli-bundle/cli.cjs),
// run with a code cache per command word kept in the home's cache directory.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeCacheDir, loadWithCodeCache, SAVE_CACHE_AFTER_MS } from '../util/code-cache.js';
import { commandWord, helpAsFlag } from './command-words.js';

/** Run the CLI with `argv` (without node and script) and return the exit code. */
export async function start(argv: string[]): Promise<number> {
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cli.cjs');
  // A run caches what it compiled, which depends on the command: one cache per command word.
  let cli: ReturnType<typeof loadWithCodeCache>;
  try {
    const word = commandWord(helpAsFlag(argv)[0]) ?? '_';
    cli = loadWithCodeCache(file, codeCacheDir(process.env), word);
  } catch (error) {
    process.stderr.write(
      `launcher: cannot load its own code from ${file} (${(error as Error).message}).\n\n` +
        "Run `npm run build` in the launcher's directory, or reinstall launcher.\n",
    );
    return 1;
  }
  // Soon, not at the end: V8 drops the bytecode of functions that have not run for a few
  // garbage collections, so the cache of a long run, saved at its end, would lack the very
  // start-up code it is for. By then the command has started; at exit if that comes first.
  cli.saveWithin(SAVE_CACHE_AFTER_MS);
  const { main } = cli.exports as typeof import('./main.js');
  return main(argv);
}
