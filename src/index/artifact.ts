// Choosing the build of a version for this machine, and where to download it from.
import { LauncherError } from '../errors.js';
import { quoted } from '../util/printable.js';
import { checkUrlAllowed } from './dist-url.js';
import type { DistArtifact, DistIndex, DistVersion } from './index-schema.js';
import { redactUrl, withOriginCredentials } from './url-secrets.js';

/** An artifact with its absolute, allowed download URL. */
export interface ChosenArtifact {
  readonly artifact: DistArtifact;
  readonly url: URL;
}

/** `linux-x64`: how platforms are named in messages. */
export const platformName = (os: string, arch: string): string => `${os}-${arch}`;

/** The build of `version` for `os`/`arch` (Node's names), by default this machine's, if any. */
export function artifactFor(
  version: DistVersion,
  os: string = process.platform,
  arch: string = process.arch,
): DistArtifact | undefined {
  return version.artifacts.find((a) => a.os === os && a.arch === arch);
}

/**
 * The artifact of `version` for `os`/`arch` (Node's `process.platform`/`process.arch` names).
 * When none fits, the error lists the platforms the version does have.
 */
export function chooseArtifact(
  index: DistIndex,
  version: DistVersion,
  env: NodeJS.ProcessEnv,
  os: string = process.platform,
  arch: string = process.arch,
): ChosenArtifact {
  const artifact = artifactFor(version, os, arch);
  if (!artifact) {
    const available = [...new Set(version.artifacts.map((a) => platformName(a.os, a.arch)))];
    throw new LauncherError(
      'E_NO_ARTIFACT',
      `${index.tool} ${version.version} has no build for ${platformName(os, arch)} in ${redactUrl(index.url)}` +
        (available.length
          ? ` (it has builds for ${available.join(', ')})`
          : ' (it has no builds at all)'),
      {
        hint: `Pick a version that has a ${platformName(os, arch)} build (see \`launcher list-remote\`), or ask the vendor for one.`,
      },
    );
  }
  return { artifact, url: artifactUrl(index, version, artifact, env) };
}

/**
 * Resolve an artifact's URL against the index URL and apply the URL rules. A `file:` artifact is
 * accepted only from a `file:` index: a remote index may not make the launcher read local files.
 */
export function artifactUrl(
  index: DistIndex,
  version: DistVersion,
  artifact: DistArtifact,
  env: NodeJS.ProcessEnv,
): URL {
  const what = `the ${platformName(artifact.os, artifact.arch)} build of ${version.version} in ${redactUrl(index.url)}`;
  const base = new URL(index.url);
  let url: URL;
  try {
    // Relative to the index, the URL keeps the index's credentials; absolute on its origin, it
    // gets them too (url-secrets.ts).
    url = withOriginCredentials(new URL(artifact.url, base), base);
  } catch (error) {
    throw new LauncherError(
      'E_BAD_INDEX',
      `invalid URL ${quoted(redactUrl(artifact.url))} for ${what}`,
      {
        hint: 'Ask the vendor to fix the index: "url" is absolute or relative to the index URL.',
        cause: error,
      },
    );
  }
  checkUrlAllowed(url, env, what);
  if (url.protocol === 'file:' && !index.url.startsWith('file:')) {
    throw new LauncherError(
      'E_BAD_URL',
      `refusing the local file ${redactUrl(url)} named by ${what}`,
      {
        hint: 'A remote index may only point at https: (or loopback http:) downloads.',
      },
    );
  }
  return url;
}
