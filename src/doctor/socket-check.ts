// Doctor: the socket directory is private to the user, and socket paths fit the Unix limit.
import { type Stats, statSync } from 'node:fs';
import { isLauncherError } from '../errors.js';
import { checkSocketPathFits, MAX_SOCKET_PATH_BYTES } from '../ipc/endpoint.js';
import { type LauncherPaths, stateSubdir } from '../paths.js';
import { type Finding, fail, failFrom, ok } from './check.js';
import { notADirectory } from './dirs-check.js';

/** Mode and owner of the state directory and its `sockets/`, then the socket path length. */
export function checkSocketDirectory(paths: LauncherPaths): Finding[] {
  if (process.platform === 'win32') return [ok('sockets are named pipes on Windows')];
  const sockets = stateSubdir(paths, 'sockets');
  const findings: Finding[] = [];
  for (const dir of [paths.state, sockets]) {
    const what = `${dir} is private (mode 0700, owned by you)`;
    const blocked = notADirectory(dir);
    if (blocked) {
      findings.push(fail(what, blocked.problem, blocked.fix));
      continue;
    }
    let st: Stats;
    try {
      st = statSync(dir);
    } catch {
      // Not made yet: every supervised run creates it 0700 before it listens (whether it can
      // be created at all is the directories check's to say).
      findings.push(ok(`${dir} will be created private (0700) on first use`));
      continue;
    }
    const mode = st.mode & 0o777;
    const uid = process.getuid?.();
    if (uid !== undefined && st.uid !== uid) {
      findings.push(
        fail(
          what,
          `it belongs to uid ${st.uid}, not to you (uid ${uid}): another user could reach your sessions`,
          `remove it (\`rm -rf ${dir}\`) so the launcher recreates it as yours, or set LAUNCHER_HOME to a directory you own`,
        ),
      );
    } else if (mode !== 0o700) {
      findings.push(
        fail(
          what,
          `its mode is 0${mode.toString(8)}, so other users can reach the sessions' sockets`,
          `\`chmod 700 ${dir}\``,
        ),
      );
    } else {
      findings.push(ok(what));
    }
  }
  const what = `socket paths fit the ${MAX_SOCKET_PATH_BYTES}-byte limit of Unix sockets`;
  try {
    const longest = checkSocketPathFits(paths);
    findings.push(ok(`${what} (${Buffer.byteLength(longest)} bytes)`));
  } catch (error) {
    if (!isLauncherError(error)) throw error;
    findings.push(failFrom(what, error));
  }
  return findings;
}
