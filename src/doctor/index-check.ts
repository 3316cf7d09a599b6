// Doctor: the distribution index is configured, reachable and valid.
import { isOffline } from '../config/switches.js';
import type { LauncherContext } from '../context.js';
import { isLauncherError } from '../errors.js';
import { configuredDistUrl } from '../index/dist-url.js';
import { HttpClient, httpSettings } from '../index/http-client.js';
import { loadIndex } from '../index/load-index.js';
import { redactUrl } from '../index/url-secrets.js';
import { type Finding, fail, failFrom, ok, warn } from './check.js';

// A diagnosis should be quick: one retry tells a blip from an outage without the install's
// full backoff (about 8 s by default).
const DOCTOR_RETRIES = 1;

/** Load the index the way an install would, and say how it went. */
export async function checkIndex(ctx: LauncherContext): Promise<Finding[]> {
  const raw = configuredDistUrl(ctx);
  if (raw === undefined) {
    return [
      warn(
        'distribution index',
        'none is configured, so versions cannot be installed (only those already installed run)',
        'set LAUNCHER_DIST_URL to the URL of your compiler vendor\'s index.json, or put "distUrl": "https://…/index.json" in ' +
          ctx.paths.configFile,
      ),
    ];
  }
  const what = `distribution index ${redactUrl(raw)} is reachable and valid`;
  const settings = httpSettings(ctx.env);
  const client = new HttpClient(ctx.env, {
    ...settings,
    retries: Math.min(settings.retries, DOCTOR_RETRIES),
  });
  let fellBack: string | undefined;
  try {
    const { index, origin } = await loadIndex(ctx, { client, note: (line) => (fellBack = line) });
    const summary = `${index.tool}, ${index.versions.length} version${index.versions.length === 1 ? '' : 's'}`;
    if (fellBack !== undefined) {
      return [
        fail(
          what,
          `${fellBack.replace(/^warning: /, '')}; installs work from the cache only until it is reachable again`,
          'check the network and the proxy settings (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), and that LAUNCHER_DIST_URL (or distUrl) is right',
        ),
      ];
    }
    if (origin === 'cache' && isOffline(ctx.env)) {
      return [
        warn(
          what,
          `not checked online because LAUNCHER_OFFLINE=1; the cached copy is valid (${summary})`,
          'unset LAUNCHER_OFFLINE to check the server',
        ),
      ];
    }
    return [ok(`${what} (${summary})`)];
  } catch (error) {
    if (!isLauncherError(error)) throw error;
    return [failFrom(what, error)];
  } finally {
    await client.close();
  }
}
