// Where everything lives on disk (spec §1). The only module that builds home-directory paths.
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import envPaths from 'env-paths';
import { LauncherError, messageOf } from './errors.js';
import { quoted } from './util/printable.js';

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

/**
 * Resolve the layout for an environment (`process.env` by default). Every directory must be
 * absolute: a relative one (`LAUNCHER_HOME=~/x` in a file no shell expands, an empty HOME)
 * would move with the directory launcher runs from, so it is refused (exit 2) naming the
 * variable.
 */
export function launcherPaths(env: NodeJS.ProcessEnv = process.env): LauncherPaths {
  const home = env.LAUNCHER_HOME || undefined;
  if (home) {
    if (!path.isAbsolute(home)) throw notAbsolute('LAUNCHER_HOME', home);
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
  let platform: ReturnType<typeof envPaths>;
  try {
    platform = envPaths('launcher', { suffix: '' });
  } catch (error) {
    // env-paths asks Node for the home directory (in the bundles, when first used): with HOME
    // unset, Node asks the system's user database, which may not know this user (a container
    // run as an arbitrary uid).
    throw homeUnknown(
      `HOME is not set, and the system knows no home for this user (${messageOf(error)})`,
    );
  }
  checkPlatformDirs(platform);
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

// The variable each of env-paths' directories comes from on Linux when it is set (env-paths
// reads process.env itself); otherwise it is built from the home directory.
const XDG_OF = {
  data: 'XDG_DATA_HOME',
  config: 'XDG_CONFIG_HOME',
  cache: 'XDG_CACHE_HOME',
  log: 'XDG_STATE_HOME',
} as const;

function checkPlatformDirs(platform: Record<keyof typeof XDG_OF, string>): void {
  for (const [kind, variable] of Object.entries(XDG_OF) as [keyof typeof XDG_OF, string][]) {
    if (path.isAbsolute(platform[kind])) continue;
    const value = process.env[variable];
    if (value && !path.isAbsolute(value)) throw notAbsolute(variable, value);
    const home = process.env.HOME;
    throw homeUnknown(
      home === undefined
        ? "HOME is not set, and the system's user database gives no full path for this user's home"
        : home
          ? `HOME is ${quoted(home)}, which is not an absolute path`
          : 'HOME is empty',
    );
  }
}

// No usable home directory: for launcher's own files, LAUNCHER_HOME does without one.
function homeUnknown(reason: string): LauncherError {
  return new LauncherError('E_BAD_CONFIG', `your home directory is unknown: ${reason}`, {
    hint: 'Set HOME to your home directory, or LAUNCHER_HOME to the full path of a directory for launcher.',
  });
}

// A setting that must be a full path and is not.
function notAbsolute(variable: string, value: string): LauncherError {
  const tilde = value.startsWith('~')
    ? 'The shell does not expand "~" inside quotes, nor do most service and CI files: '
    : 'A relative one would change with the directory launcher runs from: ';
  const example =
    variable === 'LAUNCHER_HOME' ? ', as in LAUNCHER_HOME="$HOME/.launcher"' : ', or unset it';
  return new LauncherError(
    'E_BAD_CONFIG',
    `${variable} is ${quoted(value)}, which is not an absolute path`,
    { hint: `${tilde}set ${variable} to a full path${example}.` },
  );
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
