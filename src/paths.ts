// Where everything lives on disk (spec §1). The only module that builds home-directory paths.
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import envPaths from 'env-paths';

/** The directories of spec §1, resolved once for an environment. */
export interface LauncherPaths {
  /** `LAUNCHER_HOME` when set, else undefined (the platform directories are used). */
  readonly home: string | undefined;
  /** Installed versions: `versions/<version>/`. */
  readonly versions: string;
  readonly shims: string;
  /** Download cache and index cache. */
  readonly cache: string;
  readonly config: string;
  /** `config/config.json`. */
  readonly configFile: string;
  /** `config/version`: the global default written by `launcher global`. */
  readonly globalVersionFile: string;
  /** Sessions, sockets and kept diagnostics; created 0700 by `ensureStateDir`. */
  readonly state: string;
}

/** Resolve the layout for an environment (`process.env` by default). */
export function launcherPaths(env: NodeJS.ProcessEnv = process.env): LauncherPaths {
  const home = env.LAUNCHER_HOME ? path.resolve(env.LAUNCHER_HOME) : undefined;
  if (home) {
    const config = path.join(home, 'config');
    return {
      home,
      versions: path.join(home, 'versions'),
      shims: path.join(home, 'shims'),
      cache: path.join(home, 'cache'),
      config,
      configFile: path.join(config, 'config.json'),
      globalVersionFile: path.join(config, 'version'),
      state: path.join(home, 'state'),
    };
  }
  const platform = envPaths('launcher', { suffix: '' });
  return {
    home: undefined,
    versions: path.join(platform.data, 'versions'),
    shims: path.join(platform.data, 'shims'),
    cache: platform.cache,
    config: platform.config,
    configFile: path.join(platform.config, 'config.json'),
    globalVersionFile: path.join(platform.config, 'version'),
    state: runtimeStateDir(env) ?? platform.log,
  };
}

// $XDG_RUNTIME_DIR is the best home for sockets (short, private, cleaned at logout), but only
// when it really is ours and private; otherwise fall back to the persistent state directory.
function runtimeStateDir(env: NodeJS.ProcessEnv): string | undefined {
  const runtime = env.XDG_RUNTIME_DIR;
  if (!runtime || !path.isAbsolute(runtime) || process.platform === 'win32') return undefined;
  try {
    const st = statSync(runtime);
    const uid = process.getuid?.();
    if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o777) !== 0o700) return undefined;
  } catch {
    return undefined;
  }
  return path.join(runtime, 'launcher');
}

/** Directory of one installed (or installing) version. */
export function versionDir(paths: LauncherPaths, version: string): string {
  return path.join(paths.versions, version);
}

/** The install receipt: a version directory without one does not count as installed. */
export function receiptPath(paths: LauncherPaths, version: string): string {
  return path.join(paths.versions, version, RECEIPT_FILE);
}
export const RECEIPT_FILE = '.launcher-install.json';

/** Sub-directories of the state directory, all private to the user. */
export function stateSubdir(
  paths: LauncherPaths,
  name: 'sessions' | 'sockets' | 'diagnostics',
): string {
  return path.join(paths.state, name);
}

/**
 * Create the state directory (and an optional sub-directory) with mode 0700, tightening the mode
 * if the directory already existed with a looser one. Returns the directory.
 */
export function ensureStateDir(
  paths: LauncherPaths,
  sub?: 'sessions' | 'sockets' | 'diagnostics',
): string {
  const dirs = sub ? [paths.state, stateSubdir(paths, sub)] : [paths.state];
  for (const dir of dirs) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (process.platform !== 'win32' && (statSync(dir).mode & 0o777) !== 0o700)
      chmodSync(dir, 0o700);
  }
  return dirs[dirs.length - 1]!;
}
