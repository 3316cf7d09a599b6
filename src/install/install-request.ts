// Installing what a request asks for: pick the highest satisfying version of the index, install
// it (once, across processes), refresh the shims. The HTTP client is loaded only when the index
// or an archive must really be fetched.
import type { LauncherContext } from '../context.js';
import { LauncherError } from '../errors.js';
import { chooseArtifact } from '../index/artifact.js';
import type { HttpClient } from '../index/http-client.js';
import { type DistIndex, type DistVersion, noMatchHint } from '../index/index-schema.js';
import { redactUrl } from '../index/url-secrets.js';
import { versionDir } from '../paths.js';
import type { RehashOptions } from '../shim/rehash.js';
import { isIntact } from '../store/installed.js';
import { highestSatisfying, type Request } from '../version/request.js';
import { type InstallPlan, installVersion } from './install-version.js';
import { interruptible } from './interrupt.js';
import { warnTo } from './remove-tree.js';
import { sweepLeftovers } from './sweep.js';

/** A request and the words that say where it came from ("set by /p/.tool-version"). */
export interface InstallTarget {
  readonly request: Request;
  readonly origin: string;
}

export interface InstallOptions {
  /** Where progress, waiting notes and warnings go; null for silence. */
  readonly output: NodeJS.WritableStream | null;
  readonly quiet?: boolean | undefined;
  readonly force?: boolean | undefined;
}

/** What an install did. `tool` is unknown only when nothing had to be fetched or installed. */
export interface InstallOutcome {
  readonly tool: string | undefined;
  readonly version: string;
  readonly dir: string;
  readonly installedNow: boolean;
}

/** The highest version of the index satisfying the request; E_NO_MATCH (exit 4) when none. */
function pickVersion(index: DistIndex, target: InstallTarget): DistVersion {
  const best = highestSatisfying(
    target.request,
    index.versions.map((v) => v.version),
  );
  const found = best === null ? undefined : index.versions.find((v) => v.version === best);
  if (found) return found;
  throw new LauncherError(
    'E_NO_MATCH',
    `no version of ${index.tool} in ${redactUrl(index.url)} satisfies ${target.request.raw} (${target.origin})`,
    {
      hint: noMatchHint(
        index,
        'see them all with `launcher list-remote`, then change the request (e.g. `launcher local <version>`).',
      ),
    },
  );
}

/**
 * Install the highest version satisfying `target` (nothing to do when it is installed and not
 * damaged, unless `force`), and see that its bins have shims. An exact request takes the
 * version's lock before fetching anything, so installers that race for one version wait without
 * touching the network. Ctrl-C or kill removes what was started and re-raises the signal.
 */
export async function installRequest(
  ctx: LauncherContext,
  target: InstallTarget,
  options: InstallOptions,
): Promise<InstallOutcome> {
  const { request } = target;
  if (request.kind === 'system') {
    throw new LauncherError('E_BAD_REQUEST', `"system" (${target.origin}) cannot be installed`, {
      hint: '`system` means the compiler already on your PATH; name a version such as 1.4.2 to install one.',
    });
  }
  const alreadyThere = async (
    version: string,
    tool: string | undefined,
    signal: AbortSignal,
  ): Promise<InstallOutcome> => {
    sweepLeftovers(ctx.paths, undefined, warnTo(options.output));
    await refreshShims(ctx, version, false, { signal, output: options.output });
    return { tool, version, dir: versionDir(ctx.paths, version), installedNow: false };
  };
  if (request.kind === 'exact' && !options.force && isIntact(ctx.paths, request.version)) {
    return interruptible((signal) => alreadyThere(request.version, ctx.tool, signal));
  }
  return interruptible(async (signal) => {
    let client: HttpClient | undefined;
    const getClient = async () => {
      if (!client) {
        const { HttpClient } = await import('../index/http-client.js');
        client = new HttpClient(ctx.env);
      }
      return client;
    };
    const fetchIndex = async () => {
      // Loaded already in this run (to learn the tool's name from it): fresh enough.
      if (ctx.loadedIndex) return ctx.loadedIndex;
      const { loadIndex } = await import('../index/load-index.js');
      const note = warnTo(options.output);
      return (await loadIndex(ctx, { client: await getClient(), signal, note })).index;
    };
    const planOf = (index: DistIndex, chosen: DistVersion): InstallPlan => ({
      tool: index.tool,
      version: chosen,
      artifact: chooseArtifact(index, chosen, ctx.env),
    });
    try {
      let version: string;
      let plan: () => Promise<InstallPlan>;
      if (request.kind === 'exact') {
        version = request.version;
        plan = async () => {
          const index = await fetchIndex();
          return planOf(index, pickVersion(index, target));
        };
      } else {
        const index = await fetchIndex();
        const chosen = pickVersion(index, target);
        version = chosen.version;
        if (!options.force && isIntact(ctx.paths, version))
          return await alreadyThere(version, index.tool, signal);
        plan = async () => planOf(index, chosen);
      }
      const done = await installVersion(ctx, version, {
        plan,
        output: options.output,
        quiet: options.quiet,
        force: options.force,
        client: getClient,
        signal,
      });
      await refreshShims(ctx, version, done.installedNow, { signal, output: options.output });
      return { version, ...done };
    } finally {
      await client?.close();
    }
  });
}

/**
 * Refresh the shims after installing `version`; when this run did not install it (it was there,
 * or another installer finished it while this one waited), only if one of its bins has no shim:
 * the run that installed it may have been killed before its own refresh.
 */
async function refreshShims(
  ctx: LauncherContext,
  version: string,
  installedNow: boolean,
  options: RehashOptions,
): Promise<void> {
  const { ensureShims, rehash } = await import('../shim/rehash.js');
  await (installedNow ? rehash(ctx, options) : ensureShims(ctx, version, options));
}
