// A file's stats when it can be had, for comparing identities over time.
import { type BigIntStats, lstatSync, type Stats, statSync } from 'node:fs';

/**
 * `statSync(file)`, or undefined when it is gone or cannot be looked at. With `bigint`, the times
 * come to the nanosecond (`ctimeNs`, `mtimeNs`), where two writes within a millisecond differ.
 */
export function statOrUndefined(file: string): Stats | undefined;
export function statOrUndefined(file: string, options: { bigint: true }): BigIntStats | undefined;
export function statOrUndefined(
  file: string,
  options?: { bigint: true },
): Stats | BigIntStats | undefined {
  try {
    return options ? statSync(file, options) : statSync(file);
  } catch {
    return undefined;
  }
}

/** `lstatSync(file)` (a symbolic link itself, not what it leads to), or undefined likewise. */
export function lstatOrUndefined(file: string): Stats | undefined {
  try {
    return lstatSync(file);
  } catch {
    return undefined;
  }
}
