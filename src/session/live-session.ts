// One supervised run as a session (spec §8): the supervisor, its session file, the kept
// diagnostics and the control socket, wired together and torn down together.
import type { LauncherContext } from '../context.js';
import { DiagnosticsKeeper } from '../diagnostics/keeper.js';
import { settingsFromEnv } from '../supervisor/settings.js';
import { Supervisor } from '../supervisor/supervisor.js';
import type { SupervisorOptions, SupervisorOutcome } from '../supervisor/types.js';
import { ControlServer } from './control-server.js';
import { newSessionId } from './session.js';
import { SessionRecord } from './session-record.js';

export interface LiveSessionOptions {
  readonly ctx: LauncherContext;
  /** The bin's name, its absolute path, and its arguments. */
  readonly bin: string;
  readonly file: string;
  readonly args: string[];
  readonly version: string;
  readonly tool: string | null;
  readonly projectRoot: string;
  /** The child's base environment (default the context's). */
  readonly env?: NodeJS.ProcessEnv;
  readonly pathPrepend?: string;
  readonly stdio?: SupervisorOptions['stdio'];
  readonly log?: (line: string) => void;
}

/** A running session. `wait()` settles after the supervision ended and everything is cleaned. */
export class LiveSession {
  private constructor(
    readonly supervisor: Supervisor,
    readonly record: SessionRecord,
    readonly keeper: DiagnosticsKeeper,
    readonly control: ControlServer,
  ) {}

  /** Register the session and its control socket, then start the child. */
  static async start(options: LiveSessionOptions): Promise<LiveSession> {
    const { ctx } = options;
    const settings = settingsFromEnv(ctx.env, ctx.config);
    const id = newSessionId();
    const keeper = new DiagnosticsKeeper(ctx.paths, options.projectRoot, {
      tool: options.tool ?? options.bin,
      version: options.version,
    });
    const supervisor = new Supervisor({
      command: options.file,
      args: options.args,
      cwd: ctx.cwd,
      env: options.env ?? ctx.env,
      ...(options.pathPrepend ? { pathPrepend: options.pathPrepend } : {}),
      paths: ctx.paths,
      sessionId: id,
      name: options.bin,
      ...settings,
      ...(options.stdio ? { stdio: options.stdio } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
    const control = await ControlServer.listen(ctx.paths, {
      session: () => record.session,
      diagnostics: () => keeper.current(),
      restart: () => supervisor.restart(),
      stop: () => supervisor.stop('stop requested through the control socket'),
      signal: (name) => supervisor.signal(name),
      request: (method, params) => supervisor.request(method, params),
    });
    const record = SessionRecord.create(ctx.paths, {
      session: id,
      tool: options.tool,
      bin: options.bin,
      version: options.version,
      cwd: ctx.cwd,
      projectRoot: options.projectRoot,
      control: control.address,
    });
    supervisor.on('state', (snapshot) => {
      record.update({
        state: snapshot.state,
        childPid: snapshot.childPid,
        port: snapshot.port,
        restarts: snapshot.restarts,
      });
      control.publishState(record.session);
    });
    supervisor.on('diagnostics', ({ uri, diagnostics, version }) => {
      keeper.update(uri, diagnostics);
      control.publishDiagnostics(uri, diagnostics, version);
    });
    const live = new LiveSession(supervisor, record, keeper, control);
    try {
      await supervisor.start();
    } catch (error) {
      await live.#close();
      throw error;
    }
    return live;
  }

  /** Wait for the supervision to end; the session file and socket are gone when this settles. */
  async wait(): Promise<SupervisorOutcome> {
    try {
      return await this.supervisor.wait();
    } finally {
      await this.#close();
    }
  }

  async #close(): Promise<void> {
    this.keeper.close();
    this.record.remove();
    await this.control.close();
  }
}
