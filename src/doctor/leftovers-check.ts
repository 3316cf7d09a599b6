// Doctor: nothing is left under versions/ by installs and uninstalls that did not finish.
import { deleteYourself } from '../install/remove-tree.js';
import { canPutBack, findLeftovers, type Leftover, otherHolders } from '../install/sweep.js';
import type { LauncherPaths } from '../paths.js';
import { isInstalled } from '../store/installed.js';
import { type Finding, ok, warn } from './check.js';

/**
 * One warning per leftover that no live installer works in. Each install deletes them first;
 * one still here could not be deleted (its install printed why) or no install ran since. They
 * break nothing but take space, so they are warnings, not failures.
 */
export function checkLeftovers(paths: LauncherPaths): Finding[] {
  const what = `no leftovers of unfinished installs in ${paths.versions}`;
  const leftovers = findLeftovers(paths, otherHolders(paths));
  if (leftovers.length === 0) return [ok(what)];
  return leftovers.map((leftover) => {
    if (
      leftover.kind === 'replaced' &&
      !isInstalled(paths, leftover.version) &&
      canPutBack(leftover.path)
    ) {
      return warn(
        what,
        `${leftover.path} is the copy of ${leftover.version} that a reinstall moved aside, and nothing replaced it`,
        `\`launcher install ${leftover.version}\` puts it back`,
      );
    }
    return warn(
      what,
      `${leftover.path} is ${DESCRIPTION[leftover.kind]}`,
      `the next \`launcher install\` deletes it; where that fails, ${deleteYourself(leftover.path)}`,
    );
  });
}

const DESCRIPTION: Readonly<Record<Leftover['kind'], string>> = {
  staging: 'the unpacking of an install that did not finish',
  trash: 'a version that was uninstalled but not deleted',
  replaced: 'the old copy of a version that was reinstalled',
  lock: 'a lock prepared by an installer that died',
};
