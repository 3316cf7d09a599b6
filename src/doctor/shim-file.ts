// Reading back the shims `launcher rehash` wrote: which bin each is for, and the Node and entry it runs.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { expandCmdWord } from '../shim/cmd-path.js';
import { readOurShim } from '../shim/shim-marker.js';

/** A shim as found on disk. `node` and `entry` are null when its command line cannot be read. */
export interface ShimFile {
  readonly bin: string;
  readonly file: string;
  readonly node: string | null;
  readonly entry: string | null;
}

/**
 * The shims in `dir`, by bin name; an absent directory has none. `env` is what a .cmd shim's
 * `%NAME%` expands from.
 */
export function shimFiles(dir: string, env: NodeJS.ProcessEnv): ShimFile[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  const found: ShimFile[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const file = path.join(dir, name);
    // Files without our marker line are the user's own and are left out.
    const shim = readOurShim(file);
    if (shim === undefined) continue;
    const [node, entry] = commandWords(shim.text, dir, env);
    found.push({ bin: shim.bin, file, node: node ?? null, entry: entry ?? null });
  }
  return found;
}

/**
 * The words of the shim's command line: after `exec` in the POSIX template (single-quoted, with
 * `'\''` for a quote), or the line that starts with a double-quoted word in the .cmd template,
 * as cmd expands them. Only the quoted words are taken: the rest is `"$@"` or `%*`.
 */
export function commandWords(text: string, dir: string, env: NodeJS.ProcessEnv): string[] {
  const posix = /^exec (.*)$/m.exec(text);
  if (posix)
    return [...posix[1]!.matchAll(/'((?:[^']|'\\'')*)'/g)].map((m) =>
      m[1]!.replaceAll(`'\\''`, "'"),
    );
  const cmd = text.split(/\r?\n/).find((line) => line.startsWith('"'));
  return cmd ? [...cmd.matchAll(/"([^"]*)"/g)].map((m) => expandCmdWord(m[1]!, dir, env)) : [];
}
