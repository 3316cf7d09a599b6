// Reading the start of an open file into a buffer, however many reads that takes.
import { readSync } from 'node:fs';

/** Read from the start of the file into `buffer` until it is full or the file ends; bytes read. */
export function readFromStart(fd: number, buffer: Uint8Array): number {
  let filled = 0;
  while (filled < buffer.length) {
    const n = readSync(fd, buffer, filled, buffer.length - filled, filled);
    if (n === 0) break;
    filled += n;
  }
  return filled;
}
