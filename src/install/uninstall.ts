// Removing an installed version: refused while a session runs it, atomic otherwise (rename the
// directory away under the version's lock, then delete it).
import { renameSync } from 'node:fs';
import type { LauncherContext } from '../context.js';
import { LauncherError } from '../errors.js';
import { versionDir } from '../paths.js';
import { listSessions } from '../session/registry.js';
import { rehash } from '../shim/rehash.js';
import { isInstalled } from '../store/installed.js';
import { parseRequest } from '../version/request.js';
import { acquireVersionLock, versionLockWaitNote } from './install-lock.js';
import { downloadDir, newTrashDir } from './layout.js';
import { removeOrWarn, warnTo } from './remove-tree.js';

/**
 * Uninstall the exact version `input`. E_NOT_FOUND (exit 4) when it is not installed, E_IN_USE
 * when a live session runs it. Its cached archive goes too; the shims are refreshed.
 */
export async function uninstallVersion(
  ctx: LauncherContext,
  input: string,
  options: { output: NodeJS.WritableStream | null; signal?: AbortSignal },
): Promise<{ version: string }> {
  const request = parseRequest(input);
  if (request.kind !== 'exact') {
    throw new LauncherError(
      'E_BAD_REQUEST',
      `uninstall needs an exact version, not ${JSON.stringify(request.raw)}`,
      {
        hint: 'Name one installed version, such as 1.4.2 (`launcher list` shows them).',
      },
    );
  }
  const v = request.version;
  const { paths } = ctx;
  // Named now: without config.json's `tool` or a cached index, the tool's name comes from the
  // receipts, and this version's may be the only one, gone by the time a wait for its lock ends.
  const label = ctx.versionLabel(v);
  const notInstalled = () =>
    new LauncherError('E_NOT_FOUND', `${label} is not installed (in ${paths.versions})`, {
      hint: '`launcher list` shows the installed versions.',
    });
  const refuseInUse = () => {
    const users = listSessions(paths).filter((s) => s.version === v);
    if (users.length === 0) return;
    const who = users
      .map((s) => `session ${s.session} (pid ${s.pid}, in ${s.projectRoot})`)
      .join(', ');
    throw new LauncherError('E_IN_USE', `${label} is in use by ${who}`, {
      hint: 'Stop it first (`launcher stop --dir <project>`), then run the uninstall again.',
    });
  };
  if (!isInstalled(paths, v)) throw notInstalled();
  // Before waiting for the lock, so a refusal comes at once; and again once it is ours, since a
  // session may have started on this version while another process held it.
  refuseInUse();
  const lock = await acquireVersionLock(paths, v, {
    signal: options.signal,
    operation: 'uninstall',
    onWait: (owner, file) => options.output?.write(versionLockWaitNote(owner, file, label)),
  });
  try {
    if (!isInstalled(paths, v)) throw notInstalled();
    refuseInUse();
    const trash = newTrashDir(paths, v);
    renameSync(versionDir(paths, v), trash);
    // The version is gone with that rename: what cannot be deleted now is only a warning, and
    // the cache and the shims are still cleaned up.
    const warn = warnTo(options.output);
    removeOrWarn(trash, warn);
    removeOrWarn(downloadDir(paths, v), warn);
  } finally {
    lock.release();
  }
  await rehash(ctx, options);
  return { version: v };
}
