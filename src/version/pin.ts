// Writing and removing pins: the project's `.tool-version` and the global default file.
import {
  accessSync,
  constants,
  lstatSync,
  readlinkSync,
  realpathSync,
  rmSync,
  type Stats,
  statSync,
} from 'node:fs';
import path from 'node:path';
import {
  errnoCode,
  fileSystemRefusal,
  isAccessDenied,
  isLauncherError,
  LauncherError,
  messageOf,
} from '../errors.js';
import { quotePosix } from '../shim/shell-quote.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { removeOrphanedTemporaries } from '../util/orphaned-temporary.js';
import { quotedStart } from '../util/printable.js';
import { readSmallFile, type SmallFile } from '../util/read-small-file.js';
import { lstatOrUndefined, statOrUndefined } from '../util/stat-or-undefined.js';
import { isSameFile, NotRestoredError, writeInPlace } from '../util/write-in-place.js';
import { parseRequest, type Request } from './request.js';
import { isWholeVersionFile, MAX_VERSION_FILE_BYTES } from './version-file.js';

/**
 * Validate a request for storing in a version file. Files hold one word, so a range with spaces
 * (`>=1.2.0 <2`) would be read back as something else: it is refused, not silently cut.
 */
export function requestForFile(input: string): Request {
  const request = parseRequest(input);
  if (/\s/.test(request.raw)) {
    throw new LauncherError(
      'E_BAD_REQUEST',
      `the request "${request.raw}" cannot be stored in a version file`,
      {
        hint:
          'A version file holds one word. Use a range without spaces, such as ^1.2.0, ~1.4 or 1.x, ' +
          'or set LAUNCHER_VERSION for ranges that need spaces.',
      },
    );
  }
  return request;
}

/** Where a pin is written. */
export interface PinOptions {
  /**
   * A project's file, whose directory must exist (the global default's directory is launcher's
   * own, created on demand), and which another LAUNCHER_HOME would not move.
   */
  readonly project?: boolean;
}

/**
 * Write the request to `file` atomically: the old content stays until the new one is complete.
 * A pin that is a symbolic link is written
 * through: the file it points to gets the new content, and the link stays. As `echo 1.4 > file`
 * would: a file the user may not write is refused (exit 1); the user's own file is replaced
 * keeping its mode and group, any other written in place (`replaceable`).
 */
export function writePin(file: string, request: Request, options: PinOptions = {}): void {
  const { target, existing } = pinTarget(file);
  const text = `${request.raw}\n`;
  // The file a link leads to exists, and so does its directory.
  const writeOptions = {
    createParents: target === file && !options.project,
    ...(existing ? { keep: { mode: existing.mode & 0o777, gid: existing.gid } } : {}),
  };
  const failure = (error: unknown) =>
    fileSystemRefusal(error, {
      file: target,
      ...(target !== file && { link: file }),
      ...(options.project && {
        outsideHome: true,
        denied:
          'launcher writes a version file only where you may, as `echo 1.4 > .tool-version` ' +
          `would: make ${path.dirname(target)} writable for you (or ask its owner to pin the ` +
          'version), or set LAUNCHER_VERSION instead.',
      }),
    }) ?? unexpected('write', target, error);
  // In place, the old content is read first: should a failed write be past undoing, the error
  // gives it, for the user to put back by hand.
  const inPlace = (checked: Stats) => {
    const old = readSmallFile(target, MAX_VERSION_FILE_BYTES);
    try {
      writeInPlace(target, Buffer.from(text), checked);
    } catch (error) {
      if (!(error instanceof NotRestoredError)) throw error;
      throw pinNotRestored(failure(error.cause), error.undoing, target, old);
    }
  };
  try {
    if (existing && !replaceable(existing)) inPlace(existing);
    else {
      try {
        writeFileAtomic(target, text, 0o644, writeOptions);
      } catch (error) {
        // A directory this user may not write in, around a file they may write: as `echo`.
        if (!existing || !isAccessDenied(error)) throw error;
        inPlace(existing);
      }
    }
  } catch (error) {
    throw isLauncherError(error) ? error : failure(error);
  }
  // A write killed before its rename (SIGKILL, say) left its temporary file beside the
  // pin, in the user's project where nothing else would ever remove it.
  removeOrphanedTemporaries(target);
}

/**
 * A pin write that failed (`failure`, with its code and so its exit code) and whose undoing
 * failed too (`undoing`): the message says the file may be damaged, and the fix gives the old
 * content (`old`, read before the write) to put back by hand. Exported for its test: no real
 * failure can be made to strike the undoing, which writes only where the failed write just
 * wrote (docs/architecture.md).
 */
export function pinNotRestored(
  failure: LauncherError,
  undoing: unknown,
  target: string,
  old: SmallFile,
): LauncherError {
  const reason = messageOf(undoing);
  const before =
    old.status === 'text'
      ? `Its old content, to put back by hand, was ${quotedStart(old.text, 1000)} (as JSON).`
      : old.status === 'empty'
        ? 'It was empty before: empty it by hand (or write the version you want into it).'
        : `Its old content could not be read (${old.status === 'unreadable' ? old.reason : 'it was gone'}): write the version you want into it by hand.`;
  return new LauncherError(
    failure.code,
    `${failure.message}; putting its old content back failed too (${reason}), so ${target} ` +
      'may now be truncated, or hold new bytes before old ones',
    { hint: `${before} ${failure.hint ?? ''}`.trim(), cause: failure.cause },
  );
}

// A failure no refusal explains (an I/O error): Node's words, the file, and where to look.
function unexpected(verb: string, file: string, error: unknown): LauncherError {
  return new LauncherError('E_IO', `cannot ${verb} ${file}: ${(error as Error).message}`, {
    hint: 'Check the file, its directory and the disk they are on, then run the command again.',
    cause: error,
  });
}

/**
 * The file a pin is written to: `file` itself when it is a regular file or missing; when it is
 * a symbolic link, the file the link leads to (as rbenv's `echo > file` would write there), so a
 * link kept in a dotfiles repository stays a link, but only when that file is a version file
 * already (or empty): a cloned project's `.tool-version` linking to ~/.ssh/authorized_keys must
 * not have it overwritten. Anything else is refused (exit 2) before a byte is written.
 * `existing`: the file that will be replaced, if there is one.
 */
function pinTarget(file: string): { target: string; existing?: Stats } {
  // Each look is a few system calls apart: a pin that another program flips between a link and
  // a file meanwhile, or whose target it replaces, is looked at afresh.
  for (let look = 1; look <= PIN_LOOKS; look++) {
    const found = lookAtPin(file);
    if (found === CHANGED) continue;
    if (!found.existing || requireWritable(file, found.target, found.existing) !== CHANGED) {
      return found;
    }
  }
  throw new LauncherError(
    'E_VERSION_FILE',
    `${file} changed ${PIN_LOOKS} times while launcher looked at it (a link one moment, a file the next)`,
    {
      hint:
        'Another program is replacing that file right now. Let it finish (or stop it), then run ' +
        'the command again.',
    },
  );
}

const PIN_LOOKS = 5;
/** What `lookAtPin` returns when the pin was replaced while it looked. */
const CHANGED = Symbol('changed');

function lookAtPin(file: string): { target: string; existing?: Stats } | typeof CHANGED {
  let link: Stats;
  try {
    link = lstatSync(file);
    if (!link.isSymbolicLink()) {
      if (link.isFile()) return { target: file, existing: link };
      throw notAFile(file, link.isDirectory() ? 'a directory' : 'not a regular file');
    }
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return { target: file };
    throw error;
  }
  let target: string;
  try {
    target = realpathSync(file);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'EINVAL') return CHANGED;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      const leadsTo = readLink(file);
      if (leadsTo === undefined) return CHANGED;
      throw new LauncherError(
        'E_VERSION_FILE',
        `${file} is a symbolic link to ${leadsTo}, which does not exist`,
        {
          hint:
            'launcher writes a pin through a link only to an existing file. Create the file it ' +
            'points to, or remove the link, then run the command again.',
        },
      );
    }
    if (code === 'ELOOP') {
      throw new LauncherError('E_VERSION_FILE', `${file} is a symbolic link loop`, {
        hint: 'Remove the link (or point it at a file), then run the command again.',
      });
    }
    throw error;
  }
  // Still the link lstat found? realpath of a file put in its place finds no link (EINVAL
  // above when it read one that then went), and returns that file's own path.
  if (!isSameFile(link, lstatOrUndefined(file))) return CHANGED;
  let st: Stats;
  try {
    st = statSync(target);
  } catch (error) {
    // Removed since realpath found it.
    if (errnoCode(error) === 'ENOENT') return CHANGED;
    throw error;
  }
  if (!st.isFile()) {
    throw notAFile(file, `a symbolic link to ${target}, which is not a regular file`);
  }
  const content = readSmallFile(target, MAX_VERSION_FILE_BYTES);
  if (content.status === 'absent') return CHANGED;
  const whole =
    content.status === 'empty' || (content.status === 'text' && isWholeVersionFile(content.text));
  // What was read may be a write of another program caught half way (cut, not yet refilled).
  if (!whole && changedSince(target, st)) return CHANGED;
  if (content.status === 'unreadable' && !content.damaged) {
    // Not read, so not known to be a version file: say why, not that it is none.
    throw new LauncherError(
      'E_VERSION_FILE',
      `${file} is a symbolic link to ${target}, which cannot be read (${content.reason})`,
      {
        hint:
          'launcher writes a pin through a link only into a file it has read to be a version ' +
          'file (or empty), so that a link cannot make it overwrite another file. Make that file ' +
          'readable for you, or remove the link, then run the command again.',
      },
    );
  }
  if (!whole) {
    throw new LauncherError(
      'E_VERSION_FILE',
      `${file} is a symbolic link to ${target}, which is not a version file`,
      {
        hint:
          'launcher writes a pin through a link only into a version file (or an empty file), so ' +
          'that a link cannot make it overwrite another file. Remove the link, then run the ' +
          'command again.',
      },
    );
  }
  return { target, existing: st };
}

/**
 * Whether an existing version file may be replaced by a new one (renamed over it), which a
 * reader never sees half written: only the user's own file with no special mode bits. Another
 * user's file (shared through its group or an ACL, or written by root) is written in place, as
 * `echo` would: a new file could not be given back to its owner, and would lose its ACL.
 */
function replaceable(existing: Stats): boolean {
  const uid = process.getuid?.();
  return uid === undefined || (existing.uid === uid && (existing.mode & 0o7000) === 0);
}

/**
 * A version file is changed only where the user could change it (`echo 1.4 > file`): replacing
 * a read-only one by a rename would bypass its mode. Root may write any, as there. CHANGED when
 * `target` went away since it was looked at.
 */
function requireWritable(
  file: string,
  target: string,
  existing: Stats,
): typeof CHANGED | undefined {
  try {
    accessSync(target, constants.W_OK);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return CHANGED;
    const through = target === file ? '' : ` (through the link ${file})`;
    const readOnlyMount = errnoCode(error) === 'EROFS';
    const reason = readOnlyMount ? 'it is on a read-only file system' : 'you may not write it';
    throw new LauncherError(
      'E_IO',
      `cannot write the version file ${target}${through}: ${reason}`,
      {
        hint: `launcher changes a version file only where you may write it. ${
          readOnlyMount
            ? 'If the pin should change, make that file system writable, or set LAUNCHER_VERSION to override the pin.'
            : howToWrite(target, existing)
        }`,
        cause: error,
      },
    );
  }
}

// Who can make a version file writable: the user for their own file; else its owner, who may
// already write it (root's 0644 file), and can then change the pin or let this user in.
function howToWrite(target: string, existing: Stats): string {
  const chmod = (who: string) => `\`chmod ${who}+w ${quotePosix(target)}\``;
  const uid = process.getuid?.();
  if (uid === undefined || existing.uid === uid) {
    return `If the pin should change, make it writable first (${chmod('u')}), then run the command again.`;
  }
  if (existing.mode & 0o200) {
    return `It belongs to another user (uid ${existing.uid}), who may write it: ask them to change the pin, or to let you write it (${chmod('g')} for a group you are in); or set LAUNCHER_VERSION to override the pin.`;
  }
  return `If the pin should change, its owner (uid ${existing.uid}) must make it writable first (${chmod('u')}), then run the command again.`;
}

function notAFile(file: string, what: string): LauncherError {
  return new LauncherError(
    'E_VERSION_FILE',
    `cannot write the version file ${file}: it is ${what}`,
    {
      hint: 'Move it out of the way (a version file is a small text file), then run the command again.',
    },
  );
}

/** Whether `file` is no longer what `before` describes: gone, another file, or changed since. */
function changedSince(file: string, before: Stats): boolean {
  const now = statOrUndefined(file);
  return !isSameFile(before, now) || now?.size !== before.size || now.mtimeMs !== before.mtimeMs;
}

/** What the link `file` holds; undefined when it is no link (any more). */
function readLink(file: string): string | undefined {
  try {
    return readlinkSync(file);
  } catch {
    return undefined;
  }
}

/**
 * Remove a pin file (or a link to one: the link goes, not its file); true when there was one.
 * Anything else of that name (a directory, a FIFO) is no pin, and not ours to delete.
 */
export function removePin(file: string): boolean {
  const st = lstatSync(file, { throwIfNoEntry: false });
  if (!st) return false;
  if (!st.isFile() && !st.isSymbolicLink()) {
    const what = st.isDirectory() ? 'a directory' : 'not a regular file';
    throw new LauncherError('E_VERSION_FILE', `${file} is ${what}, not a version file`, {
      hint: 'launcher removes only a version file it could have written; remove it yourself if it should go.',
    });
  }
  try {
    rmSync(file);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw (
      fileSystemRefusal(error, {
        file,
        denied:
          'launcher removes a version file only where you may, as `rm` would: make ' +
          `${path.dirname(file)} writable for you (or ask its owner to remove the pin).`,
      }) ?? unexpected('remove', file, error)
    );
  }
}
