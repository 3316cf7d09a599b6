// A bounded wait for tests: what a regression would make never come fails an assertion at once.
import { TIMED_OUT, within as withinOrTimedOut } from '../../src/util/within.js';

/**
 * What `promise` resolves to, or `late` (by default "nothing within <ms> ms") if it has not by
 * then: a value the test's assertion rejects, so a wait for what never comes fails with a
 * message rather than at the runner's timeout.
 */
export async function within<T, L = string>(
  promise: Promise<T>,
  ms: number,
  late: L = `nothing within ${ms} ms` as L,
): Promise<T | L> {
  const value = await withinOrTimedOut(promise, ms);
  return value === TIMED_OUT ? late : value;
}
