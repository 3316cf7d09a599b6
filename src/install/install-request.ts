// Installing what a request asks for: consult the index, pick the highest satisfying version,
// install it (once, across processes), refresh the shims.
import type { LauncherContext } from '../context.js';
import { LauncherError } from '../errors.js';
import { chooseArtifact } from '../index/artifact.js';
import { HttpClient } from '../index/http-client.js';
import type { DistIndex, DistVersion } from '../index/index-schema.js';
import { loadIndex } from '../index/load-index.js';
import { versionDir } from '../paths.js';
import { rehash } from '../shim/rehash.js';
import { isInstalled } from '../store/installed.js';
import { highestSatisfying, type Request } from '../version/request.js';
import { installVersion } from './install-version.js';
import { interruptible } from './interrupt.js';
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

/** What an install did. */
export interface InstallOutcome {
  readonly tool: string | undefined;
  readonly version: string;
  readonly dir: string;
  readonly installedNow: boolean;
}

/** The highest version of the index satisfying the request; E_NO_MATCH (exit 4) when none. */
export function pickVersion(index: DistIndex, target: InstallTarget): DistVersion {
  const best = highestSatisfying(
    target.request,
    index.versions.map((v) => v.version),
  );
  const found = best === null ? undefined : index.versions.find((v) => v.version === best);
  if (found) return found;
  const some = index.versions.slice(0, 5).map((v) => v.version);
  throw new LauncherError(
    'E_NO_MATCH',
    `no version of ${index.tool} in ${index.url} satisfies ${target.request.raw} (${target.origin})`,
    {
      hint:
        (some.length ? `The newest are ${some.join(', ')}; ` : 'The index lists no versions; ') +
        'see them all with `launcher list-remote`, then change the request (e.g. `launcher local <version>`).',
    },
  );
}

/**
 * Install the highest version satisfying `target` (nothing to do when it is installed, unless
 * `force`). Ctrl-C or kill removes what was started and re-raises the signal.
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
  if (request.kind === 'exact' && !options.force && isInstalled(ctx.paths, request.version)) {
    sweepLeftovers(ctx.paths);
    return {
      tool: ctx.tool,
      version: request.version,
      dir: versionDir(ctx.paths, request.version),
      installedNow: false,
    };
  }
  return interruptible(async (signal) => {
    let client: HttpClient | undefined;
    const getClient = () => {
      client ??= new HttpClient(ctx.env);
      return client;
    };
    try {
      const { index } = await loadIndex(ctx, {
        client: getClient(),
        signal,
        note: (line) => options.output?.write(`launcher: ${line}\n`),
      });
      const chosen = pickVersion(index, target);
      const v = chosen.version;
      if (!options.force && isInstalled(ctx.paths, v)) {
        sweepLeftovers(ctx.paths);
        return { tool: index.tool, version: v, dir: versionDir(ctx.paths, v), installedNow: false };
      }
      const artifact = chooseArtifact(index, chosen, ctx.env);
      const done = await installVersion(
        ctx,
        { tool: index.tool, version: chosen, artifact },
        {
          output: options.output,
          quiet: options.quiet,
          force: options.force,
          client: getClient,
          signal,
        },
      );
      if (done.installedNow) await rehash(ctx);
      return { tool: index.tool, version: v, ...done };
    } finally {
      await client?.close();
    }
  });
}
