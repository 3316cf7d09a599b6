// While the start-up snapshot is built: one shim call, done for real on a throwaway home, so the
// code of a call is compiled and its modules initialised in the snapshot (~5 ms less per call).
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LauncherContext } from '../context.js';
import { writeReceipt } from '../install/place.js';
import { watchdogsEnded } from '../supervisor/watchdog-client.js';
import { prepareRun, superviseRun } from './run-bin.js';

const VERSION = '0.0.0';
const BIN = 'warm-up';
// Longer than any timer a short run sets and clears (registration after 50 ms, the child's
// record after 20 ms): see the end of warmUp.
const SETTLE_MS = 200;

/**
 * Resolve and run a do-nothing bin twice (an exact version, then a range), each time as a shim
 * call would, watchdog and signal handlers included. Nothing of it may outlive the call: the
 * snapshot is taken once the event loop is empty, and a process handle still open then would
 * abort the build, so the watchdogs are waited for.
 */
export async function warmUp(): Promise<void> {
  // Short names: the run's socket path must fit in 103 bytes under macOS's long TMPDIR too.
  const work = mkdtempSync(path.join(os.tmpdir(), 'lsw-'));
  try {
    const home = path.join(work, 'h');
    const bin = path.join(home, 'versions', VERSION, 'bin', BIN);
    mkdirSync(path.dirname(bin), { recursive: true });
    writeFileSync(bin, '#!/bin/sh\nexit 0\n');
    chmodSync(bin, 0o755);
    writeReceipt(path.join(home, 'versions', VERSION), {
      version: VERSION,
      url: 'file:///warm-up',
      sha256: '0'.repeat(64),
      installedAt: new Date(0).toISOString(),
      tool: BIN,
      bins: { [BIN]: `bin/${BIN}` },
    });
    const project = path.join(work, 'p');
    mkdirSync(project);
    for (const request of [VERSION, '0.0']) {
      writeFileSync(path.join(project, '.tool-version'), `${request}\n`);
      const ctx = new LauncherContext({ PATH: process.env.PATH, LAUNCHER_HOME: home }, project);
      const run = await prepareRun(ctx, BIN, [], null);
      const outcome = await superviseRun(ctx, run);
      if (outcome.code !== 0) throw new Error(`the warm-up run ended with ${outcome.code}`);
    }
    await watchdogsEnded();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  // The runs set unref'd timers and cleared them before they were due. Node 20 keeps the list
  // of such a timer in its queue until the list's time comes, and a snapshot would keep it with
  // its date from the build: a timer of the same delay set after start-up would join that list
  // and fire only when the build's date comes round. Waiting (ref'd) past every such date lets
  // Node drop those lists before the heap is saved.
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}
