// `launcher lsp --start`: run the bin supervised for the editor's project, with the child's
// output sent to stderr, because the bridge's stdout carries nothing but LSP frames.
import { LauncherContext } from '../context.js';
import { LiveSession } from '../session/live-session.js';
import { prepareRun } from '../shim/run-bin.js';
import type { StartedSession } from './bridge.js';

/** Start `bin args…` for `projectRoot` the way a shim would, installing it if needed. */
export async function startForEditor(
  env: NodeJS.ProcessEnv,
  projectRoot: string,
  bin: string,
  args: string[],
  log: (line: string) => void,
): Promise<StartedSession> {
  const ctx = new LauncherContext(env, projectRoot);
  const run = await prepareRun(ctx, bin, args, process.stderr);
  const live = await LiveSession.start({
    ctx,
    bin,
    file: run.file,
    args,
    version: run.version,
    tool: ctx.tool ?? null,
    projectRoot: run.projectRoot,
    env: run.env,
    stdio: 'pipe',
    log,
  });
  live.supervisor.stdout?.pipe(process.stderr, { end: false });
  live.supervisor.stderr?.pipe(process.stderr, { end: false });
  const ended = live.wait();
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
    stop: async () => {
      await live.supervisor.stop('the editor closed the language server');
      await ended;
    },
  };
}
