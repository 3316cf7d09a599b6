// The user's settings file, `config/config.json`; environment variables override each entry.
import { LauncherError } from '../errors.js';
import type { LauncherPaths } from '../paths.js';
import { MAX_TIMER_MS } from '../util/max-timer.js';
import { readSmallFile } from '../util/read-small-file.js';

/** Every setting `config.json` may hold. Unknown keys are ignored. */
export interface LauncherConfig {
  /** URL of the distribution index (`LAUNCHER_DIST_URL` overrides). */
  readonly distUrl?: string;
  /** The tool's name, until an index has told us. */
  readonly tool?: string;
  /** Restart policy (`LAUNCHER_RESTART` overrides). */
  readonly restart?: string;
  readonly maxRestarts?: number;
  readonly restartWindowMs?: number;
  readonly readyTimeoutMs?: number;
  readonly stopTimeoutMs?: number;
}

const STRING_KEYS = ['distUrl', 'tool', 'restart'] as const;
const NUMBER_KEYS = ['maxRestarts', 'restartWindowMs', 'readyTimeoutMs', 'stopTimeoutMs'] as const;

/** Read and validate `config.json`; a missing file is an empty config. */
export function readConfig(paths: LauncherPaths): LauncherConfig {
  const file = paths.configFile;
  const content = readSmallFile(file, 1024 * 1024);
  if (content.status === 'absent' || content.status === 'empty') return {};
  const fail = (what: string): never => {
    throw new LauncherError('E_BAD_CONFIG', `invalid settings file ${file}: ${what}`, {
      hint: `Fix ${file} (a JSON object such as {"distUrl": "https://…/index.json"}), or remove it.`,
    });
  };
  if (content.status === 'unreadable' && content.reason === 'permission denied') {
    // Nothing wrong with what it says: this user may not read it.
    throw new LauncherError(
      'E_BAD_CONFIG',
      `cannot read the settings file ${file}: permission denied`,
      {
        hint: `Check who owns ${file} and its mode, or set LAUNCHER_HOME to a directory of your own.`,
      },
    );
  }
  if (content.status === 'unreadable') return fail(content.reason);
  let data: unknown;
  try {
    data = JSON.parse(content.text);
  } catch (error) {
    return fail((error as Error).message);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return fail('it is not a JSON object');
  const record = data as Record<string, unknown>;
  const config: Record<string, string | number> = {};
  for (const key of STRING_KEYS) {
    const value = record[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') fail(`"${key}" must be a string`);
    config[key] = value as string;
  }
  for (const key of NUMBER_KEYS) {
    const value = record[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      fail(`"${key}" must be a non-negative number`);
    }
    if (key.endsWith('Ms') && (value as number) > MAX_TIMER_MS) {
      fail(`"${key}" must be at most ${MAX_TIMER_MS} milliseconds (about 24 days)`);
    }
    config[key] = value as number;
  }
  return config as LauncherConfig;
}
