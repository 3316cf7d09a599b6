// Which mycc this is, fixed when the bundle is built, and the language features that version has.

// Replaced by esbuild's `define` in scripts/sample-dist.mjs; absent when the sources run unbundled.
declare const __MYCC_VERSION__: string | undefined;

/** The version `mycc --version` prints and the worker's hello announces. */
export const MYCC_VERSION: string =
  typeof __MYCC_VERSION__ === 'string' ? __MYCC_VERSION__ : '0.0.0-dev';

/** What differs between versions, so a pinned project visibly gets the compiler it asked for. */
export interface Features {
  /** 1.5.0: a `let` binding that is never read is reported as warning MYCC101. */
  unusedWarnings: boolean;
  /** 2.0.0: template strings such as `` `total: ${n}` ``. */
  templates: boolean;
}

/** The feature set of a version string (`major.minor.patch`, anything after is ignored). */
export function featuresOf(version: string): Features {
  const [major = 0, minor = 0] = version.split(/[.-]/, 2).map((part) => Number.parseInt(part, 10));
  const atLeast = (maj: number, min: number) => major > maj || (major === maj && minor >= min);
  return { unusedWarnings: atLeast(1, 5), templates: atLeast(2, 0) };
}
