// The supervision settings a user controls: environment variables over `config.json` over defaults.
import type { LauncherConfig } from '../config/config.js';
import { LauncherError } from '../errors.js';
import { MAX_TIMER_MS } from '../util/max-timer.js';
import { RESTART_POLICIES, type RestartPolicy } from './restart-policy.js';

/** What `LAUNCHER_RESTART*`, `LAUNCHER_READY_TIMEOUT_MS` and `LAUNCHER_STOP_TIMEOUT_MS` set. */
export interface SupervisionSettings {
  restart: RestartPolicy;
  maxRestarts: number;
  restartWindowMs: number;
  readyTimeoutMs: number;
  stopTimeoutMs: number;
}

/** The spec's defaults (§6, §7). */
export const DEFAULT_SETTINGS: Readonly<SupervisionSettings> = {
  restart: 'on-abnormal',
  maxRestarts: 5,
  restartWindowMs: 60_000,
  readyTimeoutMs: 30_000,
  stopTimeoutMs: 5000,
};

const NUMERIC = [
  ['maxRestarts', 'LAUNCHER_MAX_RESTARTS'],
  ['restartWindowMs', 'LAUNCHER_RESTART_WINDOW_MS'],
  ['readyTimeoutMs', 'LAUNCHER_READY_TIMEOUT_MS'],
  ['stopTimeoutMs', 'LAUNCHER_STOP_TIMEOUT_MS'],
] as const;

/**
 * Read the settings for a supervised run. A non-empty variable beats `config.json`'s entry of
 * the same meaning, which beats the default; an invalid value is an error naming where it
 * came from, never silently replaced.
 */
export function settingsFromEnv(
  env: NodeJS.ProcessEnv,
  config: LauncherConfig = {},
): SupervisionSettings {
  const settings: SupervisionSettings = { ...DEFAULT_SETTINGS };
  const restart = env.LAUNCHER_RESTART || undefined;
  if (restart !== undefined) settings.restart = policy(restart, 'LAUNCHER_RESTART');
  else if (config.restart !== undefined)
    settings.restart = policy(config.restart, '"restart" in config.json');
  for (const [key, variable] of NUMERIC) {
    const text = env[variable];
    if (text) settings[key] = count(text, variable);
    else if (config[key] !== undefined) settings[key] = Math.floor(config[key]);
  }
  return settings;
}

/**
 * The stop timeout alone, for commands that only wait for a stop (`launcher stop`, `restart`):
 * a mistake in another setting is not theirs to refuse, nor is one in this (the default then).
 */
export function stopTimeoutSetting(env: NodeJS.ProcessEnv, config: LauncherConfig = {}): number {
  try {
    const text = env.LAUNCHER_STOP_TIMEOUT_MS;
    if (text) return count(text, 'LAUNCHER_STOP_TIMEOUT_MS');
  } catch {
    return DEFAULT_SETTINGS.stopTimeoutMs;
  }
  return config.stopTimeoutMs === undefined
    ? DEFAULT_SETTINGS.stopTimeoutMs
    : Math.floor(config.stopTimeoutMs);
}

function policy(value: string, origin: string): RestartPolicy {
  if ((RESTART_POLICIES as readonly string[]).includes(value)) return value as RestartPolicy;
  throw new LauncherError('E_BAD_CONFIG', `invalid restart policy "${value}" in ${origin}`, {
    hint: `Use one of: ${RESTART_POLICIES.join(', ')}.`,
  });
}

function count(text: string, variable: string): number {
  const trimmed = text.trim();
  const isMs = variable.endsWith('_MS');
  if (/^\d{1,15}$/.test(trimmed) && !(isMs && Number(trimmed) > MAX_TIMER_MS))
    return Number(trimmed);
  throw new LauncherError('E_BAD_CONFIG', `invalid ${variable}="${text}"`, {
    hint: isMs
      ? `Set ${variable} to a whole number of milliseconds, at most ${MAX_TIMER_MS} (about 24 days), or unset it.`
      : `Set ${variable} to a whole number of restarts, or unset it.`,
  });
}
