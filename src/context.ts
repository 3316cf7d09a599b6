// The facts every command starts from: environment, working directory, paths and settings.
import { type LauncherConfig, readConfig } from './config/config.js';
import { configuredDistUrl } from './index/dist-url.js';
import { cachedIndexTool } from './index/index-cache.js';
import { type LauncherPaths, launcherPaths } from './paths.js';
import { listInstalled } from './store/installed.js';
import { readReceipt } from './store/receipt.js';
import type { RequestContext } from './version/requested.js';

/** One run's view of the world. Settings are read on first use, so cheap paths stay cheap. */
export class LauncherContext implements RequestContext {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly paths: LauncherPaths;
  #config: LauncherConfig | undefined;
  #tool: string | null | undefined;

  constructor(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()) {
    this.env = env;
    this.cwd = cwd;
    this.paths = launcherPaths(env);
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
}

function toolFromCachedIndex(ctx: LauncherContext): string | undefined {
  const raw = configuredDistUrl(ctx);
  if (raw === undefined || !URL.canParse(raw)) return undefined;
  // The cache is keyed by the normalised URL, as the index loader stores it.
  return cachedIndexTool(ctx.paths, new URL(raw).href);
}

function toolFromReceipts(paths: LauncherPaths): string | undefined {
  for (const version of listInstalled(paths)) {
    const tool = readReceipt(paths, version)?.tool;
    if (tool) return tool;
  }
  return undefined;
}
