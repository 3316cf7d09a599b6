// `launcher which <bin>`: the absolute path the shim would run here.
import { Command, Option } from 'clipanion';
import type { LauncherContext } from '../../context.js';
import { LauncherError } from '../../errors.js';
import { artifactFor, platformName } from '../../index/artifact.js';
import { configuredDistUrl } from '../../index/dist-url.js';
import { noMatchHint } from '../../index/index-schema.js';
import { describeLocalIndex } from '../../index/local-index.js';
import { locateBin, locateSystemBin, requireBinName } from '../../shim/locate-bin.js';
import { type CurrentVersion, currentVersion } from '../../version/current.js';
import { describeOrigin } from '../../version/requested.js';
import { LauncherCommand } from '../launcher-command.js';

export class WhichCommand extends LauncherCommand {
  static override paths = [['which']];
  static override usage = Command.Usage({
    description: 'print the path of the program a bin runs here',
    details: `
      Resolves the version in force for this directory and prints the absolute path of the bin in it. Exits 127 (naming the versions that have the bin) when the pinned version has no such bin, and 7 when the pinned version is not installed: \`which\` never installs. When the index is known without the network (a \`file:\` index, or the cached copy), a request that no version in it satisfies exits 4.
    `,
    examples: [['Where does mycc come from here?', '$0 which mycc']],
  });

  bin = Option.String({ name: 'bin' });

  run() {
    requireBinName(this.bin);
    const current = currentVersion(this.launcher);
    const { sourced } = current;
    if (sourced.request.kind === 'system') {
      this.out(locateSystemBin(this.launcher, this.bin, sourced));
      return 0;
    }
    if (!current.installed || current.version === null) throw notInstalled(this.launcher, current);
    this.out(locateBin(this.launcher, this.bin, current.version, sourced));
    return 0;
  }
}

/**
 * Nothing installed satisfies the request: exit 7 when a version would (install it), exit 4 when
 * none does, as `install` would say. Told apart only by an index known without the network.
 */
function notInstalled(ctx: LauncherContext, current: CurrentVersion): LauncherError {
  const { sourced, index: known } = current;
  const { raw } = sourced.request;
  const origin = describeOrigin(sourced);
  if (!known) {
    const why =
      configuredDistUrl(ctx) === undefined
        ? 'no distribution index is configured'
        : 'the distribution index is not cached (and `which` does not fetch it)';
    return new LauncherError(
      'E_NOT_INSTALLED',
      `no installed version satisfies ${raw} (${origin}); whether one is available is not known here: ${why}`,
      {
        hint: '`launcher install` installs the highest version that satisfies it (or says that none does); running the bin through its shim installs it too.',
      },
    );
  }
  const { index } = known;
  const where = describeLocalIndex(known);
  const entry = index.versions.find((v) => v.version === current.version);
  if (!entry) {
    return new LauncherError(
      'E_NO_MATCH',
      `no version of ${index.tool} satisfies ${raw} (${origin}): none is installed, and none is in ${where}`,
      {
        hint: noMatchHint(
          index,
          'see them all with `launcher list-remote` (which also refreshes the index), then change the request (e.g. `launcher local <version>`).',
        ),
      },
    );
  }
  const platform = platformName(process.platform, process.arch);
  if (!artifactFor(entry)) {
    return new LauncherError(
      'E_NO_ARTIFACT',
      `${index.tool} ${entry.version} satisfies ${raw} (${origin}), but ${where} has no build of it for ${platform}`,
      {
        hint: `Pick a version that has a ${platform} build (see \`launcher list-remote\`), or ask the vendor for one.`,
      },
    );
  }
  return new LauncherError(
    'E_NOT_INSTALLED',
    `${index.tool} ${entry.version} satisfies ${raw} (${origin}), but it is not installed`,
    {
      hint: 'Install it with `launcher install`; running the bin through its shim installs it too.',
    },
  );
}
