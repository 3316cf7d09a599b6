// A test hook: freeze an install at a named point so a test can kill it there (docs/install.md).

/**
 * When `LAUNCHER_TEST_HOLD=<point>` names this point, say so on stderr and keep the process alive
 * forever; the caller then stops its work. Returns whether it holds. Never set outside tests.
 */
export function holdForTest(env: NodeJS.ProcessEnv, point: 'extract', detail: string): boolean {
  if (env.LAUNCHER_TEST_HOLD !== point) return false;
  process.stderr.write(`launcher-test-hook: holding at ${point} (${detail})\n`);
  setInterval(() => {}, 1 << 30);
  return true;
}
