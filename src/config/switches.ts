// The environment's on/off switches for the network and installing: LAUNCHER_OFFLINE and
// LAUNCHER_AUTO_INSTALL. A string compare each, so the shim's hot path can check them first.
import { LauncherError } from '../errors.js';

/**
 * The switch `name`: true for `1`, false for `0`, `unset` when it is unset or empty (as for every
 * other setting). Anything else (`true`, `yes`, `off`) is refused (exit 2): read as either value,
 * a typo would silently download or refuse to.
 */
function envSwitch(
  env: NodeJS.ProcessEnv,
  name: string,
  unset: boolean,
  meaning: { readonly on: string; readonly off: string },
): boolean {
  const raw = env[name];
  const value = raw?.trim();
  if (value === undefined || value === '') return unset;
  if (value === '1' || value === '0') return value === '1';
  throw new LauncherError('E_USAGE', `${name} must be 1 or 0, got ${JSON.stringify(raw)}`, {
    hint: `Set ${name}=1 to ${meaning.on}, ${name}=0 to ${meaning.off}, or unset it (${unset ? 1 : 0}).`,
  });
}

/** True when `LAUNCHER_OFFLINE=1`: nothing is fetched, the caches must do. */
export const isOffline = (env: NodeJS.ProcessEnv): boolean =>
  envSwitch(env, 'LAUNCHER_OFFLINE', false, {
    on: 'use only the cached index and archives',
    off: 'use the network',
  });

/** True unless `LAUNCHER_AUTO_INSTALL=0`. */
export const autoInstallEnabled = (env: NodeJS.ProcessEnv): boolean =>
  envSwitch(env, 'LAUNCHER_AUTO_INSTALL', true, {
    on: 'install a missing version on first use',
    off: 'never install on first use',
  });

/**
 * Refuse an invalid switch before a run does anything (as the supervision settings are), rather
 * than only once an install needs it: a run that installs nothing would otherwise accept it.
 */
export function checkSwitches(env: NodeJS.ProcessEnv): void {
  isOffline(env);
  autoInstallEnabled(env);
}
