// The launcher's own stderr, where its notices go: a notice that cannot be written is dropped.

// By stream, not by a flag: a start-up snapshot's process gets a stderr stream of its own.
const guarded = new WeakSet<NodeJS.WriteStream>();

/**
 * `process.stderr`, safe to write to whatever became of it. A supervised run writes notices
 * (install progress, restarts) while its child runs: a stderr whose reader went away (EPIPE), or
 * that broke otherwise, must cost the notice, never the run, so every write error is dropped.
 * Call it where a write is about to happen: Node creates `process.stderr` on first use, which a
 * shim call with nothing to say then never pays for.
 */
export function ownStderr(): NodeJS.WriteStream {
  const stderr = process.stderr;
  if (!guarded.has(stderr)) {
    stderr.on('error', () => {});
    guarded.add(stderr);
  }
  return stderr;
}
