// Read a small text file that a user wrote, turning every way it can be unreadable into one answer.
import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import { errnoCode, isAccessDenied, messageOf } from '../errors.js';
import { readFromStart } from './read-from-start.js';

export type SmallFile =
  | { readonly status: 'absent' }
  | { readonly status: 'empty' }
  | { readonly status: 'text'; readonly text: string }
  | {
      readonly status: 'unreadable';
      readonly reason: string;
      /** The file could be read, but what it holds cannot be: too large, or not UTF-8 text. */
      readonly damaged?: true;
      /** This user may not read it (EACCES, EPERM): it may be fine for its owner. */
      readonly denied?: true;
    };

const decoder = new TextDecoder('utf-8', { fatal: true });

// Non-blocking, so that a FIFO (which anyone may leave in a directory the walk up passes, /tmp
// for one) opens at once and is refused below instead of blocking until someone writes to it.
// No effect on regular files; Windows has no such flag, nor FIFOs to fear.
const OPEN_FLAGS =
  constants.O_NONBLOCK === undefined ? 'r' : constants.O_RDONLY | constants.O_NONBLOCK;

/**
 * Open, check and decode a file of at most `maxBytes`. One `open` for a missing file, so a walk
 * up the directory tree costs one failed system call per directory and name.
 */
export function readSmallFile(file: string, maxBytes: number): SmallFile {
  let fd: number;
  try {
    fd = openSync(file, OPEN_FLAGS);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return { status: 'absent' };
    const denied = isAccessDenied(error);
    return { status: 'unreadable', reason: describeErrno(code, error), ...(denied && { denied }) };
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) return { status: 'unreadable', reason: 'it is a directory, not a file' };
    if (!st.isFile()) return { status: 'unreadable', reason: 'it is not a regular file' };
    if (st.size === 0) return { status: 'empty' };
    if (st.size > maxBytes) {
      return {
        status: 'unreadable',
        reason: `it is ${st.size} bytes, more than the ${maxBytes} allowed`,
        damaged: true,
      };
    }
    const buffer = Buffer.alloc(st.size);
    const filled = readFromStart(fd, buffer);
    try {
      return { status: 'text', text: decoder.decode(buffer.subarray(0, filled)) };
    } catch {
      return { status: 'unreadable', reason: 'it is not valid UTF-8 text', damaged: true };
    }
  } catch (error) {
    return { status: 'unreadable', reason: describeErrno(errnoCode(error), error) };
  } finally {
    closeSync(fd);
  }
}

function describeErrno(code: string | undefined, error: unknown): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'it is a symbolic link loop';
    case 'EISDIR':
      return 'it is a directory, not a file';
    default:
      return messageOf(error);
  }
}
