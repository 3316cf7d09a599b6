// Test hooks (docs/install.md): freeze an install at a named point so a test can kill it there,
// and lower the cap on an archive without a size so a test of an endless server stays short.

export type HoldPoint = 'extract';

/** True when `LAUNCHER_TEST_HOLD=<point>` asks to freeze at this point. Never set outside tests. */
export function holdRequested(env: NodeJS.ProcessEnv, point: HoldPoint): boolean {
  return env.LAUNCHER_TEST_HOLD === point;
}

/** Say on stderr that the install is frozen, and keep the process alive; the caller stops its work. */
export function announceHold(point: HoldPoint, detail: string): void {
  process.stderr.write(`launcher-test-hook: holding at ${point} (${detail})\n`);
  setInterval(() => {}, 1 << 30);
}

/**
 * `LAUNCHER_TEST_MAX_UNSIZED_BYTES=<n>`: the cap on an archive without `size` in the index, for
 * a test; `byteLimit` takes it only when it is lower than MAX_UNSIZED_BYTES. Never set outside
 * tests.
 */
export function unsizedLimitRequested(env: NodeJS.ProcessEnv): number | undefined {
  const bytes = Number(env.LAUNCHER_TEST_MAX_UNSIZED_BYTES);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}
