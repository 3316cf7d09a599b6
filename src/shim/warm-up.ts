// While the start-up snapshot is built: one shim call, done for real on a throwaway home, so the
// code of a call is compiled and its modules initialised in the snapshot (~5 ms less per call).
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LauncherContext } from '../context.js';
import { RECEIPT_FILE } from '../paths.js';
import { LiveSession } from '../session/live-session.js';
import { prepareRun } from './run-bin.js';

const VERSION = '0.0.0';
const BIN = 'warm-up';

/**
 * Resolve and run a do-nothing bin twice (an exact version, then a range), each time as a shim
 * call would. Nothing of it may outlive the call: the snapshot is taken once the event loop is
 * empty, and a process handle still open then would abort the build, hence no watchdog.
 */
export async function warmUp(): Promise<void> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'launcher-snapshot-'));
  try {
    const home = path.join(work, 'home');
    const bin = path.join(home, 'versions', VERSION, 'bin', BIN);
    mkdirSync(path.dirname(bin), { recursive: true });
    writeFileSync(bin, '#!/bin/sh\nexit 0\n');
    chmodSync(bin, 0o755);
    writeFileSync(
      path.join(home, 'versions', VERSION, RECEIPT_FILE),
      JSON.stringify({
        version: VERSION,
        url: 'file:///warm-up',
        sha256: '0'.repeat(64),
        installedAt: new Date(0).toISOString(),
        tool: BIN,
        bins: { [BIN]: `bin/${BIN}` },
      }),
    );
    const project = path.join(work, 'project');
    mkdirSync(project);
    for (const request of [VERSION, '0.0']) {
      writeFileSync(path.join(project, '.tool-version'), `${request}\n`);
      const ctx = new LauncherContext({ PATH: process.env.PATH, LAUNCHER_HOME: home }, project);
      const run = await prepareRun(ctx, BIN, [], null);
      const live = await LiveSession.start({
        ctx,
        bin: run.bin,
        file: run.file,
        args: [],
        version: run.version,
        projectRoot: run.projectRoot,
        env: run.env,
        pathPrepend: path.dirname(run.file),
        watchdog: false,
      });
      const outcome = await live.wait();
      if (outcome.code !== 0) throw new Error(`the warm-up run ended with ${outcome.code}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
