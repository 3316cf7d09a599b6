// Random bytes for secrets and unique names, straight from the kernel's generator. The shim's
// hot path needs a token and a few names on every call; node:crypto would cost it fifteen
// modules (~1 ms of start-up, in the start-up snapshot or not) for that. Where there is no
// /dev/urandom (Windows, a bare chroot), node:crypto is loaded on first use instead.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** `size` bytes from a cryptographically secure source. */
function secureRandomBytes(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  if (process.platform !== 'win32') {
    let fd: number | undefined;
    try {
      fd = openSync('/dev/urandom', 'r');
      // Tokens come from it: it must be the kernel's device, not a file someone put there.
      if (!fstatSync(fd).isCharacterDevice()) throw new Error('/dev/urandom is not a device');
      for (let filled = 0; filled < size; ) {
        const read = readSync(fd, bytes, filled, size - filled, null);
        if (read <= 0) throw new Error('/dev/urandom ran dry');
        filled += read;
      }
      return bytes;
    } catch {
      // fall through to node:crypto
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
  return process.getBuiltinModule('node:crypto').randomBytes(size);
}

/** `size` random bytes as `2 × size` hex characters. */
export function randomHex(size: number): string {
  return secureRandomBytes(size).toString('hex');
}

/** node:crypto, loaded when first needed rather than by every module that may need it. */
export function nodeCrypto(): typeof import('node:crypto') {
  return process.getBuiltinModule('node:crypto');
}
