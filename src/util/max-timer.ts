// The longest delay a Node timer keeps.

/**
 * 2^31-1 ms, about 24.8 days. Node fires a timer set for longer after 1 ms (with a warning), so
 * every delay a user or a peer chooses is checked against this.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;
