// A test hook: freeze an install at a named point so a test can kill it there (docs/install.md).

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
