// One supervised run as a session (spec §8): the supervisor, its session file, the kept
// diagnostics and the control socket, wired together and torn down together.
import type { LauncherContext } from '../context.js';
import { LauncherError } from '../errors.js';
import { stopOnSignals } from '../supervisor/launcher-signals.js';
import type { SupervisionSettings } from '../supervisor/settings.js';
import { Supervisor } from '../supervisor/supervisor.js';
import type { SupervisorOptions, SupervisorOutcome } from '../supervisor/types.js';
import { ownStderr } from '../util/own-stderr.js';
import { newSessionId } from './session.js';
import type { SessionRegistration } from './session-registration.js';

export interface LiveSessionOptions {
  readonly ctx: LauncherContext;
  /** The bin's name, its absolute path, and its arguments. */
  readonly bin: string;
  readonly file: string;
  readonly args: string[];
  readonly version: string;
  /** The tool's name; by default the context's, looked up only when the session registers. */
  readonly tool?: string | null;
  readonly projectRoot: string;
  /** The child's base environment (default the context's). */
  readonly env?: NodeJS.ProcessEnv;
  /** The user's supervision settings, read (and so checked) before anything was installed. */
  readonly settings: SupervisionSettings;
  readonly pathPrepend?: string;
  readonly stdio?: SupervisorOptions['stdio'];
  readonly log?: (line: string) => void;
  /** How long a run stays unregistered unless its child connects (default 50 ms). */
  readonly registerAfterMs?: number;
  /**
   * Turn SIGINT/SIGTERM/SIGHUP into a graceful stop of the child for the whole run. The handlers
   * go in right before the child is spawned, in the same turn, so no signal can find the
   * launcher between the spawn and its handlers and kill it with the child orphaned.
   */
  readonly stopOnSignals?: boolean;
}

// A run that ends sooner than this is never registered: `launcher status` could hardly have
// seen it, and most compiler calls are that short. A child that connects is registered at once.
const REGISTER_AFTER_MS = 50;

/** A running session. `wait()` settles after the supervision ended and everything is cleaned. */
export class LiveSession {
  readonly supervisor: Supervisor;
  readonly #options: LiveSessionOptions;
  readonly #id: string;
  #registering: Promise<string> | undefined;
  #registration: SessionRegistration | undefined;
  #timer: NodeJS.Timeout | undefined;
  #unhookSignals: (() => void) | undefined;
  #closed = false;

  private constructor(options: LiveSessionOptions, supervisor: Supervisor, id: string) {
    this.#options = options;
    this.supervisor = supervisor;
    this.#id = id;
  }

  /**
   * Start the child. The session (its file, kept diagnostics and control socket) is registered
   * when the child connects, once it has run for a moment, or when `register()` is called: a
   * native compiler whose call is over in milliseconds never pays for any of it.
   */
  static async start(options: LiveSessionOptions): Promise<LiveSession> {
    const { ctx } = options;
    const id = newSessionId();
    const supervisor = new Supervisor({
      command: options.file,
      args: options.args,
      cwd: ctx.cwd,
      env: options.env ?? ctx.env,
      ...(options.pathPrepend ? { pathPrepend: options.pathPrepend } : {}),
      paths: ctx.paths,
      sessionId: id,
      name: options.bin,
      ...options.settings,
      ...(options.stdio ? { stdio: options.stdio } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
    const live = new LiveSession(options, supervisor, id);
    // A connected child may publish diagnostics, which are kept, and may serve a port.
    supervisor.on('connected', () => live.#registerInBackground());
    if (options.stopOnSignals) live.#unhookSignals = stopOnSignals(supervisor);
    try {
      await supervisor.start();
    } catch (error) {
      await live.#close();
      throw error;
    }
    const delay = options.registerAfterMs ?? REGISTER_AFTER_MS;
    live.#timer = setTimeout(() => live.#registerInBackground(), delay).unref();
    return live;
  }

  /** Register the session now, if not done yet; resolves with the control socket's path. */
  register(): Promise<string> {
    if (this.#closed) {
      return Promise.reject(
        new LauncherError('E_SESSION', `the session ${this.#id} has already ended`, {
          hint: 'Register a session while its child runs.',
        }),
      );
    }
    this.#registering ??= this.#register();
    return this.#registering;
  }

  /** Wait for the supervision to end; the session file and socket are gone when this settles. */
  async wait(): Promise<SupervisorOutcome> {
    try {
      return await this.supervisor.wait();
    } finally {
      await this.#close();
    }
  }

  // In the background, a failure costs the run its visibility (status, control), not its life.
  #registerInBackground(): void {
    clearTimeout(this.#timer);
    if (this.#closed || this.#registering) return;
    this.register().catch((error: unknown) => {
      this.#log(`launcher: this run is not registered as a session: ${(error as Error).message}`);
    });
  }

  #log(line: string): void {
    if (this.#options.log) this.#options.log(line);
    else ownStderr().write(`${line}\n`);
  }

  async #close(): Promise<void> {
    this.#closed = true;
    this.#unhookSignals?.();
    clearTimeout(this.#timer);
    await this.#registering?.catch(() => {});
    await this.#registration?.close();
  }

  async #register(): Promise<string> {
    const { SessionRegistration } = await import('./session-registration.js');
    const { ctx, bin, version, projectRoot } = this.#options;
    const tool = this.#options.tool === undefined ? (ctx.tool ?? null) : this.#options.tool;
    this.#registration = new SessionRegistration(
      ctx.paths,
      this.supervisor,
      {
        session: this.#id,
        tool,
        bin,
        version,
        cwd: ctx.cwd,
        projectRoot,
      },
      (line) => this.#log(line),
    );
    return this.#registration.open();
  }
}
