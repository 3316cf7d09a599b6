// The facts every command starts from: environment, working directory, paths and settings.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type LauncherConfig, readConfig } from './config/config.js';
import { configuredDistUrl } from './index/dist-url.js';
import { cachedIndexTool } from './index/index-cache.js';
import { type DistIndex, readLocalIndexSync, TOOL_NAME } from './index/index-schema.js';
import { type LauncherPaths, launcherPaths } from './paths.js';
import { readReceipt } from './store/receipt.js';
import { noWorkingDir, workingDir } from './util/working-dir.js';
import type { RequestContext } from './version/requested.js';

/** One run's view of the world. Settings are read on first use, so cheap paths stay cheap. */
export class LauncherContext implements RequestContext {
  readonly env: NodeJS.ProcessEnv;
  readonly paths: LauncherPaths;
  readonly #cwd: string | undefined;
  #config: LauncherConfig | undefined;
  #tool: string | null | undefined;
  #index: DistIndex | undefined;

  /** `cwd` undefined: the working directory is gone, an error for whatever needs it. */
  constructor(env: NodeJS.ProcessEnv = process.env, cwd: string | undefined = workingDir()) {
    this.env = env;
    this.#cwd = cwd;
    this.paths = launcherPaths(env);
  }

  /** The directory the command acts in; E_NO_CWD (exit 2) when it was removed. */
  get cwd(): string {
    if (this.#cwd === undefined) throw noWorkingDir();
    return this.#cwd;
  }

  get config(): LauncherConfig {
    this.#config ??= readConfig(this.paths);
    return this.#config;
  }

  /**
   * The tool's name: from `config.json`, else from the cached index of the configured dist URL,
   * else from the receipt of an installed version (written from the index it came from).
   * Undefined while nothing has told us.
   */
  get tool(): string | undefined {
    if (this.#tool === undefined) {
      this.#tool =
        this.config.tool ?? toolFromCachedIndex(this) ?? toolFromReceipts(this.paths) ?? null;
    }
    return this.#tool ?? undefined;
  }

  /** "mycc 1.4.2", for messages; "version 1.4.2" while nothing has told the tool's name. */
  versionLabel(version: string): string {
    return `${this.tool ?? 'version'} ${version}`;
  }

  /** Whether the tool's name can be learned: an index is configured to learn it from. */
  toolLearnable(): boolean {
    return configuredDistUrl(this) !== undefined;
  }

  /**
   * Keep the index just loaded: its tool's name (when nothing local knew it), and the index itself
   * for the install that follows in this run, which then fetches it no second time.
   */
  learnIndex(index: DistIndex): void {
    this.#tool = index.tool;
    this.#index = index;
  }

  /** The index this run has already loaded (`learnIndex`), if any. */
  get loadedIndex(): DistIndex | undefined {
    return this.#index;
  }
}

function toolFromCachedIndex(ctx: LauncherContext): string | undefined {
  const raw = configuredDistUrl(ctx);
  if (raw === undefined || !URL.canParse(raw)) return undefined;
  const url = new URL(raw);
  // A local index is not cached: it is read where it is (only its "tool" is looked at here).
  if (url.protocol === 'file:') return localIndexTool(url);
  // The cache is keyed by the normalised URL, as the index loader stores it.
  return cachedIndexTool(ctx.paths, url.href);
}

// Read as the index loader reads a local index (readLocalIndexSync): one over its size limit is
// not read at all. Unreadable, too large or not an index: no tool name (install and list-remote
// say what is wrong with it).
function localIndexTool(url: URL): string | undefined {
  try {
    const text = readLocalIndexSync(fileURLToPath(url), url.href);
    const tool = (JSON.parse(text) as { tool?: unknown }).tool;
    return typeof tool === 'string' && TOOL_NAME.test(tool) ? tool : undefined;
  } catch {
    return undefined;
  }
}

// Every receipt names the same tool, so the first one found will do: no ordering by version,
// which would load semver (~5 ms) into every command that names the tool in a message.
function toolFromReceipts(paths: LauncherPaths): string | undefined {
  let names: string[];
  try {
    names = readdirSync(paths.versions).sort();
  } catch {
    return undefined;
  }
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const tool = readReceipt(paths, name)?.tool;
    if (tool) return tool;
  }
  return undefined;
}
