// Which distribution index to use, and which URLs the launcher agrees to fetch (spec §3).
import { LauncherError } from '../errors.js';
import { quoted } from '../util/printable.js';
import { redactUrl } from './url-secrets.js';

/** The pieces of a run that decide the dist URL; `LauncherContext` satisfies it. */
export interface DistUrlSource {
  readonly env: NodeJS.ProcessEnv;
  readonly config: { readonly distUrl?: string };
}

/** The configured index URL as written (`LAUNCHER_DIST_URL`, else `distUrl`), or undefined. */
export function configuredDistUrl(source: DistUrlSource): string | undefined {
  const fromEnv = source.env.LAUNCHER_DIST_URL?.trim();
  if (fromEnv) return fromEnv;
  const fromConfig = source.config.distUrl?.trim();
  return fromConfig ? fromConfig : undefined;
}

/** The index URL, parsed and allowed by the URL rules; a clear error when none is configured. */
export function requireDistUrl(source: DistUrlSource): URL {
  const raw = configuredDistUrl(source);
  if (raw === undefined) {
    throw new LauncherError('E_BAD_CONFIG', 'no distribution index is configured', {
      hint:
        'Set LAUNCHER_DIST_URL to the URL of the index.json of your compiler vendor, or put ' +
        '"distUrl": "https://…/index.json" in the launcher settings file (config.json).',
    });
  }
  const where = source.env.LAUNCHER_DIST_URL?.trim() ? 'LAUNCHER_DIST_URL' : 'config.json distUrl';
  let url: URL;
  try {
    url = new URL(raw);
  } catch (error) {
    throw new LauncherError('E_BAD_URL', `${where} is not a URL: ${quoted(redactUrl(raw))}`, {
      hint: 'Give an absolute URL such as https://example.com/mycc/index.json or file:///srv/dist/index.json.',
      cause: error,
    });
  }
  checkUrlAllowed(url, source.env, where);
  return url;
}

/**
 * Host names that never leave this machine, so plain HTTP to them cannot be intercepted. Not
 * `*.localhost`: the C library may resolve those through the network's DNS, which can answer
 * with any address.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost') return true;
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  return /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Refuse a URL the contract does not allow: `https:`, `file:`, and `http:` only for loopback
 * hosts unless `LAUNCHER_ALLOW_INSECURE=1`. `what` names where the URL came from.
 */
export function checkUrlAllowed(url: URL, env: NodeJS.ProcessEnv, what: string): void {
  if (url.protocol === 'https:' || url.protocol === 'file:') return;
  if (url.protocol === 'http:') {
    if (isLoopbackHost(url.hostname) || env.LAUNCHER_ALLOW_INSECURE === '1') return;
    throw new LauncherError(
      'E_BAD_URL',
      `refusing plain http to ${url.hostname} (${what}: ${redactUrl(url)})`,
      {
        // Not "safe thanks to sha256": the checksums come from the index, so over plain http
        // whoever can change the traffic changes them along with the archives.
        hint:
          'Use an https: URL. Plain http is allowed only for this machine (localhost, 127.0.0.1, ::1), ' +
          'or everywhere with LAUNCHER_ALLOW_INSECURE=1. Archives are checked against the sha256 ' +
          'the index lists, which protects them only as much as the index itself: an index ' +
          'fetched over plain http can be changed on the way, checksums included.',
      },
    );
  }
  throw new LauncherError(
    'E_BAD_URL',
    `unsupported URL scheme ${url.protocol} (${what}: ${redactUrl(url)})`,
    {
      hint: 'The launcher fetches https: URLs, file: URLs, and http: URLs on this machine.',
    },
  );
}
