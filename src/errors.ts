// The one error type of the launcher: a stable code, the contract's exit code, and a fix.
import { printable } from './util/printable.js';

/** Exit codes of the contract (spec §9). Nothing else in the code base picks an exit code. */
export const ExitCode = {
  Success: 0,
  Internal: 1,
  InvalidInput: 2,
  NoVersionRequested: 3,
  NoMatchingVersion: 4,
  Network: 5,
  Verification: 6,
  NotInstalled: 7,
  NotExecutable: 126,
  NoSuchBin: 127,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * Every failure the launcher reports on purpose, by stable code. Tests and other programs check
 * these codes, never message text. Each maps to exactly one exit code.
 */
export const ErrorCodes = {
  E_INTERNAL: ExitCode.Internal,
  E_USAGE: ExitCode.InvalidInput,
  E_NO_CWD: ExitCode.InvalidInput,
  E_CWD_NOT_UTF8: ExitCode.InvalidInput,
  E_NO_DIR: ExitCode.InvalidInput,
  E_BAD_REQUEST: ExitCode.InvalidInput,
  E_VERSION_FILE: ExitCode.InvalidInput,
  E_BAD_CONFIG: ExitCode.InvalidInput,
  E_BAD_INDEX: ExitCode.InvalidInput,
  E_BAD_URL: ExitCode.InvalidInput,
  E_NO_VERSION: ExitCode.NoVersionRequested,
  E_NO_MATCH: ExitCode.NoMatchingVersion,
  E_NO_ARTIFACT: ExitCode.NoMatchingVersion,
  E_NOT_FOUND: ExitCode.NoMatchingVersion,
  E_NETWORK: ExitCode.Network,
  E_CHECKSUM: ExitCode.Verification,
  E_SIZE: ExitCode.Verification,
  E_UNSAFE_ARCHIVE: ExitCode.Verification,
  E_BAD_ARCHIVE: ExitCode.Verification,
  E_MISSING_BIN: ExitCode.Verification,
  E_DAMAGED: ExitCode.Verification,
  E_NOT_INSTALLED: ExitCode.NotInstalled,
  E_OFFLINE: ExitCode.NotInstalled,
  E_TOOL_UNKNOWN: ExitCode.NotInstalled,
  E_NOT_EXECUTABLE: ExitCode.NotExecutable,
  E_NO_SUCH_BIN: ExitCode.NoSuchBin,
  E_SHIM_LOOP: ExitCode.InvalidInput,
  E_IN_USE: ExitCode.InvalidInput,
  E_SESSION: ExitCode.InvalidInput,
  E_NO_SESSION: ExitCode.InvalidInput,
  E_IO: ExitCode.Internal,
} as const satisfies Record<string, ExitCodeValue>;
export type ErrorCode = keyof typeof ErrorCodes;

export interface LauncherErrorOptions {
  /** What the user can do about it; printed after a blank line. */
  hint?: string;
  cause?: unknown;
}

/** The base of every error the launcher raises on purpose. */
export class LauncherError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: ExitCodeValue;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: LauncherErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LauncherError';
    this.code = code;
    this.exitCode = ErrorCodes[code];
    this.hint = options.hint;
  }
}

export function isLauncherError(error: unknown): error is LauncherError {
  return error instanceof LauncherError;
}

/** Node's system error shape (`ENOENT`, `EACCES`, …), for narrowing in catch blocks. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** The system refusing this user (EACCES, EPERM): a permission, not a missing or broken file. */
export function isAccessDenied(error: unknown): boolean {
  const code = errnoCode(error);
  return code === 'EACCES' || code === 'EPERM';
}

// The file system saying no is no bug of ours: the file, the reason, and what to do. Where the
// fix suggests another LAUNCHER_HOME, a third entry is the fix for a file outside launcher's
// home (a project's), which another home would not move.
const HOME_ELSEWHERE = 'or set LAUNCHER_HOME to a directory of your own elsewhere';
const REFUSALS: Readonly<Record<string, readonly [string, string, string?]>> = {
  EACCES: [
    'permission denied',
    `Check who owns it and its mode, ${HOME_ELSEWHERE}.`,
    'Check who owns it and its mode.',
  ],
  EPERM: [
    'operation not permitted',
    `Check who owns it and its mode, ${HOME_ELSEWHERE}.`,
    'Check who owns it and its mode.',
  ],
  EROFS: [
    'read-only file system',
    `Make that file system writable, ${HOME_ELSEWHERE}.`,
    'Make that file system writable.',
  ],
  ENOSPC: ['no space left on the device', 'Free some space there, then run the command again.'],
  EDQUOT: ['disk quota exceeded', 'Free some space there, then run the command again.'],
  // Past the file size limit (RLIMIT_FSIZE; Node ignores SIGXFSZ) or the file system's largest file.
  EFBIG: [
    'file too large for the file size limit (ulimit -f) or the file system',
    `Raise the file size limit (ulimit -f), ${HOME_ELSEWHERE} on a file system that takes larger files.`,
    'Raise the file size limit (ulimit -f), then run the command again.',
  ],
};

// The refusals that mean "no room for these bytes", where freeing space (or a limit) helps.
const NO_ROOM = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);
// The refusals that mean "not here": this user may not change that file or directory.
const DENIED = new Set(['EACCES', 'EPERM', 'EROFS']);

/** What a caller knows about a refused write that the error itself may not say. */
export interface WriteContext {
  /** The file being written: a write to an open file (a full disk mid-download) names none. */
  readonly file: string;
  /** Added to the fix when there was no room: what is kept, and what can be deleted. */
  readonly noRoom?: string;
  /**
   * The fix when this user may not write there, instead of the table's: for a file outside
   * launcher's home (a project's), where another LAUNCHER_HOME would not help.
   */
  readonly denied?: string;
  /** A file outside launcher's home (a project's): no fix suggests another LAUNCHER_HOME. */
  readonly outsideHome?: boolean;
  /** The symbolic link the user named, which led to `file`: the message names it too. */
  readonly link?: string;
}

// A path that cannot be what it must be: a file where a directory belongs (LAUNCHER_HOME set to
// a file), a link loop. The user's setup, not a bug of ours; but only as a last resort (in
// renderError), since inside an archive the same codes mean a damaged archive.
const PATH_PROBLEMS: Readonly<Record<string, readonly [string, string]>> = {
  ENOTDIR: [
    'a part of that path is a file, not a directory',
    `Move that file away or fix the path (LAUNCHER_HOME, LAUNCHER_DIR), ${HOME_ELSEWHERE}.`,
  ],
  EISDIR: ['it is a directory', 'Move that directory away, then run the command again.'],
  ELOOP: [
    'too many levels of symbolic links',
    'Fix the symbolic links on that path (one points back at itself).',
  ],
  EEXIST: [
    'something else is already there',
    'Move it away if launcher should create it, then run the command again.',
  ],
};

/**
 * A file system refusal (permissions, a read-only mount, a full disk, a file too large) as an
 * E_IO error naming the file (from the error, else from `context`); undefined for anything else.
 */
export function fileSystemRefusal(
  error: unknown,
  context?: WriteContext,
): LauncherError | undefined {
  return fileSystemError(error, REFUSALS, context);
}

function fileSystemError(
  error: unknown,
  table: Readonly<Record<string, readonly [string, string, string?]>>,
  context?: WriteContext,
): LauncherError | undefined {
  const code = errnoCode(error) ?? '';
  const refusal = table[code];
  if (!refusal) return undefined;
  const syscall = (error as { syscall?: unknown }).syscall;
  // A rename onto a directory is refused for its target, which Node gives as `dest`.
  const dest =
    code === 'EISDIR' && syscall === 'rename' ? (error as { dest?: unknown }).dest : undefined;
  const file = dest ?? (error as { path?: unknown }).path;
  const details = [
    ...(typeof syscall === 'string' ? [syscall] : []),
    ...(context?.link ? [`through the link ${context.link}`] : []),
  ];
  const during = details.length > 0 ? ` (${details.join(', ')})` : '';
  // A write to an open file (a full disk mid-download) names no path: the caller may know it.
  const what =
    typeof file === 'string' ? `use ${file}` : context ? `write ${context.file}` : 'write a file';
  const fix = context?.outsideHome ? (refusal[2] ?? refusal[1]) : refusal[1];
  const hint =
    NO_ROOM.has(code) && context?.noRoom
      ? `${fix} ${context.noRoom}`
      : DENIED.has(code) && context?.denied
        ? context.denied
        : fix;
  return new LauncherError('E_IO', `cannot ${what}${during}: ${refusal[0]}`, {
    hint,
    cause: error,
  });
}

/**
 * Any file system error the user can fix (a refusal, or a path that cannot be what it must be)
 * as an E_IO error naming the file and the fix; undefined for anything else. For messages that
 * do not go through renderError (the LSP's window/showMessage).
 */
export function fileSystemProblem(error: unknown): LauncherError | undefined {
  return fileSystemRefusal(error) ?? fileSystemError(error, PATH_PROBLEMS);
}

/**
 * The one place errors become text: what went wrong and where, a blank line, then the fix.
 * Anything else that is not a LauncherError is a bug of ours and says so.
 */
export function renderError(error: unknown, options: { debug?: boolean } = {}): string {
  // What went wrong may quote what a server or an index sent: no control character gets through.
  return printable(renderRaw(error, options));
}

function renderRaw(error: unknown, options: { debug?: boolean }): string {
  const refusal = isLauncherError(error) ? undefined : fileSystemProblem(error);
  if (refusal) return renderRaw(refusal, options);
  if (isLauncherError(error)) {
    let text = `launcher: ${error.message}\n`;
    if (error.hint) text += `\n${error.hint}\n`;
    if (options.debug && error.cause instanceof Error && error.cause.stack) {
      text += `\ncaused by: ${error.cause.stack}\n`;
    }
    return text;
  }
  const detail =
    error instanceof Error ? (options.debug ? error.stack : error.message) : String(error);
  return (
    `launcher: internal error: ${detail}\n\n` +
    'This is a bug in launcher. Run again with LAUNCHER_DEBUG=1 for the full trace and report it.\n'
  );
}

/**
 * An error as one line (for the editor, a log, a warning): the message, and the fix when there
 * is one.
 */
/** An error's own message, or what was thrown, as text (not made printable: see problemText). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function problemText(raw: unknown): string {
  const error = isLauncherError(raw) ? raw : (fileSystemProblem(raw) ?? raw);
  if (isLauncherError(error))
    return printable(error.hint ? `${sentence(error.message)} ${error.hint}` : error.message);
  return printable(messageOf(error));
}

/** Text that ends as a sentence does. */
export function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** The exit code for any thrown value. */
export function exitCodeOf(error: unknown): ExitCodeValue {
  return isLauncherError(error) ? error.exitCode : ExitCode.Internal;
}
