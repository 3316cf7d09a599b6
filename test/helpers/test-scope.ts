// Closing what a test opened when that test ends, registered where it is opened, so that no test
// can forget it (a forgotten server keeps its port, and the test worker, busy).
import { onTestFinished } from 'vitest';

/**
 * Run `close` when the current test ends (vitest's onTestFinished): after its body and after every
 * afterEach hook, env.ts's removal of the temporary directories included, so only for what writes
 * no files there (a server; not a process); the last registered runs first. The test may close it
 * earlier itself: `close` must then be harmless. Outside a test (a describe body, beforeAll) it
 * throws, naming `opener` and what to do instead for a resource shared by tests (`shared`).
 */
export function closeWhenTestEnds(
  close: () => unknown,
  { opener, shared }: { opener: string; shared: string },
): void {
  try {
    onTestFinished(async () => {
      await close();
    });
  } catch (cause) {
    // vitest refuses (it documents that it throws) when no test is running.
    throw new Error(
      `${opener} was called outside a test, but closes what it opens when the current test ends.\n\n` +
        `Call it inside it() or beforeEach(); for one shared by several tests, ${shared}.`,
      { cause },
    );
  }
}
