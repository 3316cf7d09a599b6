// Blocking the thread for a moment, for the few places that must wait without an event loop turn.

/** Sleep `ms` milliseconds, blocking: nothing else in this thread runs meanwhile. */
export function sleepSync(ms: number): void {
  // A cell no one else knows, so never notified: the wait always runs to its timeout. Made per
  // call, not at load: this module is in the shim's start-up snapshot, which holds no shared memory.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
