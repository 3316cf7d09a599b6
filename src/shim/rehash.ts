// `launcher rehash`: one shim per bin of every installed version, and none for bins no longer provided.
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { LauncherContext } from '../context.js';
import { configuredDistUrl } from '../index/dist-url.js';
import type { DistIndex } from '../index/index-schema.js';
import { localIndexAt } from '../index/local-index.js';
import { acquireLock, lockHolder } from '../install/install-lock.js';
import { packageRoot } from '../package-root.js';
import { listInstalled } from '../store/installed.js';
import { readReceipt } from '../store/receipt.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { isOrphanedTemporary } from '../util/orphaned-temporary.js';
import { makeOwnDir } from '../util/own-dir.js';
import { cmdPath, quoteCmd } from './cmd-path.js';
import { quotePosix } from './shell-quote.js';
import { readOurShim } from './shim-marker.js';
import { forgetSnapshotFailure, removeSnapshotLeftovers, snapshotFiles } from './snapshot.js';

/** The script every shim runs: the lean shim entry (see docs/architecture.md). */
function shimEntry(): string {
  return path.join(packageRoot(), 'bin', 'launcher-shim.mjs');
}
const isWindows = process.platform === 'win32';

/**
 * Every bin name provided by an installed version or declared by the configured index, so a
 * bin has its shim (and auto-installs on first use) before any version of it is installed.
 * Only the cached (or local `file:`) index is read: rehash never touches the network.
 */
export function providedBins(ctx: LauncherContext): ProvidedBins {
  const bins = new Set<string>();
  const damaged: string[] = [];
  for (const version of listInstalled(ctx.paths)) {
    const receipt = readReceipt(ctx.paths, version);
    if (receipt === null) damaged.push(version);
    for (const name of Object.keys(receipt?.bins ?? {})) bins.add(name);
  }
  for (const name of indexBins(ctx)) bins.add(name);
  return { bins, damaged };
}

/**
 * The bins to have shims for, and the installed versions whose bins cannot be told (a damaged
 * receipt): while there are any, no shim is removed, since it may be one of theirs, whose call
 * says the version is damaged and how to repair it.
 */
export interface ProvidedBins {
  readonly bins: Set<string>;
  readonly damaged: readonly string[];
}

function indexBins(ctx: LauncherContext): string[] {
  return (indexForShims(ctx)?.versions ?? []).flatMap((v) => Object.keys(v.bins));
}

/**
 * The index whose bins rehash writes shims for: the local `file:` index, or the cached copy of
 * a remote one, since rehash never touches the network. Undefined when none is configured or
 * none can be read and parsed: an unusable index adds no shims here, and install and
 * list-remote report what is wrong with it.
 */
export function indexForShims(ctx: LauncherContext): DistIndex | undefined {
  const raw = configuredDistUrl(ctx);
  if (!raw) return undefined;
  try {
    return localIndexAt(new URL(raw), ctx.paths)?.index;
  } catch {
    return undefined;
  }
}

/** Quote a word for the template's language: POSIX sh single quotes, or cmd double quotes. */
export function quoteForShim(word: string, windows = isWindows): string {
  return windows ? quoteCmd(word) : quotePosix(word);
}

/** What a shim runs: this Node, the shim's script, and the start-up snapshot it may start from. */
export interface ShimTarget {
  readonly node: string;
  readonly entry: string;
  readonly blob: string;
}

/**
 * Where a shim is written and for which system. A .cmd shim spells a path outside ASCII from its
 * own folder or a user folder (cmd-path.ts); `onNonAscii` hears of each path it cannot.
 */
export interface ShimPlace {
  readonly windows?: boolean;
  readonly dir?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly onNonAscii?: (file: string) => void;
}

/** The text of the shim for `bin` (by default for this system). */
export function renderShim(bin: string, target: ShimTarget, place: ShimPlace = {}): string {
  const windows = place.windows ?? isWindows;
  const template = readFileSync(
    path.join(packageRoot(), 'shims', windows ? 'launcher-shim.cmd' : 'launcher-shim.sh'),
    'utf8',
  );
  const pathWord = (file: string): string => {
    if (!windows) return quotePosix(file);
    const spelled = cmdPath(file, place.dir ?? '', place.env ?? {});
    if (!spelled.ascii) place.onNonAscii?.(file);
    return spelled.word;
  };
  // One pass: a path that happens to contain `@BLOB@` must not be substituted again. Only the
  // placeholders the template has are spelled (the .cmd one runs no snapshot).
  const values: Record<string, () => string> = {
    BIN_ARG: () => quoteForShim(bin, windows),
    NODE: () => pathWord(target.node),
    ENTRY: () => pathWord(target.entry),
    BLOB: () => pathWord(target.blob),
    BIN: () => bin,
  };
  return template.replace(/@(BIN_ARG|NODE|ENTRY|BLOB|BIN)@/g, (_, key: string) => values[key]!());
}

// cmd.exe reads a .cmd file in the console's code page: such a path may reach Node misspelt.
function nonAsciiWarning(file: string, dir: string, shims: readonly string[]): string {
  const which = `${shims.length === 1 ? 'the shim' : 'the shims'} ${shims.join(', ')} in ${dir}`;
  return `launcher: warning: ${which} ${shims.length === 1 ? 'runs' : 'run'} ${file}, a path with characters outside ASCII that cmd.exe may misread (it reads .cmd files in the console's code page), and no ASCII spelling of it was found (from the shims' folder, %LOCALAPPDATA%, %APPDATA% or %USERPROFILE%). Install Node.js and launcher in folders with ASCII names, or set LAUNCHER_HOME to a folder on the same drive inside the folders of that path with other names, then run \`launcher rehash\`.\n`;
}

function shimFile(dir: string, bin: string): string {
  return path.join(dir, isWindows ? `${bin}.cmd` : bin);
}

export interface RehashOptions {
  /** Ends a wait for the lock (Ctrl-C, kill): the caller's `interruptible` signal. */
  readonly signal?: AbortSignal | undefined;
  /** Where the note about waiting for another process goes; null or absent for silence. */
  readonly output?: NodeJS.WritableStream | null | undefined;
}

/**
 * Bring the shims directory in line with the installed versions. Concurrent rehashes (from
 * parallel installs) take turns through a lock, so each one sees a complete, current set.
 */
export async function rehash(
  ctx: LauncherContext,
  options: RehashOptions = {},
): Promise<{ written: string[]; removed: string[] }> {
  const dir = ctx.paths.shims;
  makeOwnDir(dir);
  // A wait says for whom, as an install's wait for its version's lock does, and ends on Ctrl-C.
  const lock = await acquireLock(path.join(dir, '.rehash.lock'), {
    pollMs: 20,
    signal: options.signal,
    onWait: (owner, file) =>
      options.output?.write(
        `launcher: waiting for ${lockHolder(owner, file)}, which is refreshing the shims…\n`,
      ),
  });
  try {
    const { bins, damaged } = providedBins(ctx);
    const target = {
      node: process.execPath,
      entry: shimEntry(),
      blob: snapshotFiles(ctx.paths).blob,
    };
    // An explicit rehash (and each install) gives a snapshot that failed to build another chance,
    // and removes what killed builds left, which no call removes once a build has succeeded.
    forgetSnapshotFailure(ctx.paths);
    removeSnapshotLeftovers(ctx.paths);
    const written: string[] = [];
    // Paths a .cmd shim had to write outside ASCII, with the shims that hold them.
    const nonAscii = new Map<string, string[]>();
    for (const bin of [...bins].sort()) {
      const file = shimFile(dir, bin);
      const onNonAscii = (p: string) =>
        nonAscii.set(p, [...(nonAscii.get(p) ?? []), path.basename(file)]);
      writeFileAtomic(file, renderShim(bin, target, { dir, env: ctx.env, onNonAscii }), 0o755);
      chmodSync(file, 0o755);
      written.push(bin);
    }
    for (const [file, shims] of nonAscii) options.output?.write(nonAsciiWarning(file, dir, shims));
    const removed: string[] = [];
    if (damaged.length > 0) {
      options.output?.write(
        `launcher: keeping every shim: the install receipt of ${damaged.join(', ')} is damaged, so which bins it has cannot be told (\`launcher install --force <version>\` repairs it)\n`,
      );
    }
    for (const name of readdirSync(dir)) {
      const bin = isWindows ? name.replace(/\.cmd$/i, '') : name;
      const file = path.join(dir, name);
      if (name.startsWith('.') || bins.has(bin)) continue;
      // A shim a killed rehash was writing: no shim (maybe empty), so it goes whatever else is
      // kept, and unlisted. Only rehash writes here, under the lock we hold.
      if (isOrphanedTemporary(name)) rmSync(file, { force: true });
      // Never a user's file that happens to sit here: only one with our marker line.
      else if (damaged.length === 0 && readOurShim(file) !== undefined) {
        rmSync(file, { force: true });
        removed.push(bin);
      }
    }
    return { written, removed };
  } finally {
    lock.release();
  }
}

/**
 * Refresh the shims unless every bin of the installed `version` has one. An install killed
 * between renaming the version into place and refreshing the shims leaves it installed without
 * them; the next install of it finds it there and must still leave it callable. A few `stat`s.
 */
export async function ensureShims(
  ctx: LauncherContext,
  version: string,
  options: RehashOptions = {},
): Promise<void> {
  const bins = Object.keys(readReceipt(ctx.paths, version)?.bins ?? {});
  if (bins.every((bin) => existsSync(shimFile(ctx.paths.shims, bin)))) return;
  await rehash(ctx, options);
}
