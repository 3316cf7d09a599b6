// `launcher lsp --start`: run the bin supervised for the editor's project, with the child's
// output sent to stderr, because the bridge's stdout carries nothing but LSP frames.
import type { Readable } from 'node:stream';
import { LauncherContext } from '../context.js';
import { LiveSession } from '../session/live-session.js';
import { prepareRun } from '../shim/run-bin.js';
import type { SupervisionSettings } from '../supervisor/settings.js';
import { ownStderr } from '../util/own-stderr.js';
import type { StartedSession } from './bridge.js';
import type { StartedEnd } from './session-notices.js';

/**
 * Start `bin args…` for `projectRoot` the way a shim would, installing it if needed, with the
 * supervision settings the command checked before the editor's `initialize`.
 */
export async function startForEditor(
  env: NodeJS.ProcessEnv,
  projectRoot: string,
  bin: string,
  args: string[],
  settings: SupervisionSettings,
  log: (line: string) => void,
): Promise<StartedSession> {
  const ctx = new LauncherContext(env, projectRoot);
  const run = await prepareRun(ctx, bin, args, ownStderr, settings);
  const live = await LiveSession.start({
    ctx,
    bin,
    file: run.file,
    args,
    version: run.version,
    tool: ctx.tool ?? null,
    projectRoot: run.projectRoot,
    env: run.env,
    settings: run.settings,
    stdio: 'pipe',
    log,
  });
  forwardToStderr(live.supervisor.stdout);
  forwardToStderr(live.supervisor.stderr);
  let gaveUp = false;
  live.supervisor.once('gave-up', () => {
    gaveUp = true;
  });
  const ended = live
    .wait()
    .then((outcome): StartedEnd => ({ outcome, state: live.supervisor.snapshot().state, gaveUp }));
  // The bridge attaches through the control socket at once: no waiting for a lazy registration.
  let control: string;
  try {
    control = await live.register();
  } catch (error) {
    await live.supervisor.stop('the session could not be registered');
    await ended;
    throw error;
  }
  return {
    control,
    name: `${ctx.tool ?? bin} ${run.version}`,
    ended,
    stop: async (signal) => {
      const reason = signal
        ? `launcher lsp received ${signal}`
        : 'the editor closed the language server';
      await live.supervisor.stop(reason, signal ? { signal } : {});
      await ended;
    },
  };
}

/**
 * Copy the child's output to our stderr for as long as that can be written. When it breaks (the
 * reader went away), pipe() lets go of it and stops reading: the output is then read and dropped,
 * so the child never blocks on a full pipe that nobody drains.
 */
function forwardToStderr(output: Readable | null): void {
  if (!output) return;
  const stderr = ownStderr();
  const onUnpipe = (source: Readable) => {
    if (source !== output) return;
    stderr.off('unpipe', onUnpipe);
    output.resume();
  };
  stderr.on('unpipe', onUnpipe);
  output.pipe(stderr, { end: false });
}
