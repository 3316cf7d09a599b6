// `launcher list-remote [request]`: the versions the distribution index offers, highest first.
import { Command, Option } from 'clipanion';
import { LauncherError } from '../../errors.js';
import { artifactFor, platformName } from '../../index/artifact.js';
import { noMatchHint } from '../../index/index-schema.js';
import { redactUrl } from '../../index/url-secrets.js';
import { isInstalled } from '../../store/installed.js';
import { parseRequest, satisfies } from '../../version/request.js';
import { LauncherCommand } from '../launcher-command.js';

export class ListRemoteCommand extends LauncherCommand {
  static override paths = [['list-remote']];
  static override usage = Command.Usage({
    description: 'list the versions of the distribution index',
    details: `
      Fetches the index (revalidating the cached copy) and lists its versions, highest first, marking the installed ones. With a request, only the versions that satisfy it, and exit 4 when none does. Versions without a build for this machine are marked as such.
    `,
    examples: [
      ['All versions', '$0 list-remote'],
      ['The 1.x line, for scripts', '$0 list-remote 1 --json'],
    ],
  });

  json = Option.Boolean('--json', false, { description: 'Print a JSON array instead of text' });
  request = Option.String({ required: false, name: 'request' });

  async run() {
    const request = this.request === undefined ? undefined : parseRequest(this.request);
    const { loadIndex } = await import('../../index/load-index.js');
    const { index } = await loadIndex(this.launcher, {
      note: (line) => this.note(`launcher: ${line}`),
    });
    const { paths } = this.launcher;
    const versions = index.versions.filter(
      (v) => request === undefined || satisfies(request, v.version),
    );
    // Asked for versions that do not exist: exit 4, as `install` of that request would. Without
    // a request, an empty index is only an empty answer.
    if (request !== undefined && versions.length === 0) {
      throw new LauncherError(
        'E_NO_MATCH',
        `no version of ${index.tool} in ${redactUrl(index.url)} satisfies ${request.raw}`,
        {
          hint: noMatchHint(index, 'see them all with `launcher list-remote` (without a request).'),
        },
      );
    }
    if (this.json) {
      this.printJson(
        versions.map((v) => ({
          version: v.version,
          installed: isInstalled(paths, v.version),
          ...(v.published === undefined ? {} : { published: v.published }),
        })),
      );
      return 0;
    }
    if (versions.length === 0) {
      this.note(`no version of ${index.tool} in ${redactUrl(index.url)}`);
      return 0;
    }
    for (const v of versions) {
      const notes = [
        isInstalled(paths, v.version) ? 'installed' : undefined,
        v.published ? v.published.slice(0, 10) : undefined,
        artifactFor(v) ? undefined : `no ${platformName(process.platform, process.arch)} build`,
      ].filter(Boolean);
      this.out(`${v.version}${notes.length ? `  (${notes.join(', ')})` : ''}`);
    }
    return 0;
  }
}
