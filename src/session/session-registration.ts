// What makes a running supervision visible as a session (spec §8): its kept diagnostics, its
// control socket and its session file, wired to the supervisor. Loaded only by runs that last.
import type { DiagnosticsKeeper } from '../diagnostics/keeper.js';
import { LauncherError, problemText } from '../errors.js';
import type { LauncherPaths } from '../paths.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import { FINAL_STATES } from '../supervisor/types.js';
import type { ControlServer } from './control-server.js';
import type { SessionInit, SessionRecord } from './session-record.js';

/** The session's fixed facts; the rest (state, child, port, restarts) comes from the supervisor. */
export type RegisteredFacts = Pick<
  SessionInit,
  'session' | 'tool' | 'bin' | 'version' | 'cwd' | 'projectRoot'
>;

/** One session's registration; `close()` takes back whatever `open()` got to set up. */
export class SessionRegistration {
  #keeper: DiagnosticsKeeper | undefined;
  #control: ControlServer | undefined;
  #record: SessionRecord | undefined;
  /** Why a write of the kept diagnostics failed while the run went on, once one did. */
  #liveProblem: string | undefined;

  constructor(
    readonly paths: LauncherPaths,
    readonly supervisor: Supervisor,
    readonly facts: RegisteredFacts,
    /** Where a warning goes (a line, without its newline). */
    readonly log: (line: string) => void,
  ) {}

  /**
   * Register; resolves with the control socket's path. The kept diagnostics come first (with
   * what the child published so far), so nothing it publishes is lost even if the control
   * socket cannot listen; the session file comes last, once the socket it names is there.
   */
  async open(): Promise<string> {
    const [{ DiagnosticsKeeper }, { ControlServer }, { SessionRecord }] = await Promise.all([
      import('../diagnostics/keeper.js'),
      import('./control-server.js'),
      import('./session-record.js'),
    ]);
    const { paths, supervisor, facts } = this;
    const keeper = new DiagnosticsKeeper(paths, facts.projectRoot, {
      tool: facts.tool ?? facts.bin,
      version: keptVersion(facts.version, supervisor.snapshot().hello?.version),
      // Tried again at the next change, so a failing disk would say it at every change: the
      // first failure is told.
      onError: (error) => {
        if (this.#liveProblem !== undefined) return;
        this.#liveProblem = problemText(error);
        this.log(
          'launcher: warning: the diagnostics of this run cannot be kept for now ' +
            '(launcher tries again at their next change): ' +
            this.#liveProblem,
        );
      },
    });
    this.#keeper = keeper;
    // A child's hello comes before anything it publishes, so its version is in the next write.
    supervisor.on('connected', (hello) => {
      const version = keptVersion(facts.version, hello.version);
      if (version) keeper.setVersion(version);
    });
    for (const { uri, diagnostics } of supervisor.diagnostics()) keeper.update(uri, diagnostics);
    supervisor.on('diagnostics', ({ uri, diagnostics, version }) => {
      keeper.update(uri, diagnostics);
      this.#control?.publishDiagnostics(uri, diagnostics, version);
    });
    const control = await ControlServer.listen(paths, {
      session: () => record.session,
      diagnostics: () => keeper.current(),
      restart: () => restartUnlessEnded(supervisor),
      stop: () => supervisor.stop('stop requested through the control socket'),
      signal: (name) => supervisor.signal(name),
      request: (method, params) => supervisor.request(method, params),
    });
    this.#control = control;
    const now = supervisor.snapshot();
    const record = SessionRecord.create(paths, {
      ...facts,
      state: now.state,
      childPid: now.childPid,
      port: now.port,
      restarts: now.restarts,
      // The run began before it was registered.
      ...(now.startedAt ? { startedAt: now.startedAt } : {}),
      control: control.address,
    });
    this.#record = record;
    supervisor.on('state', (snapshot) => {
      record.update({
        state: snapshot.state,
        childPid: snapshot.childPid,
        port: snapshot.port,
        restarts: snapshot.restarts,
      });
      control.publishState(record.session);
    });
    return control.address;
  }

  /**
   * The diagnostics are written, the session file goes, then the control socket. Diagnostics
   * that cannot be written (their lock stays held, the file cannot be replaced) are lost with a
   * warning: the session still ends, or its socket would keep the launcher from exiting.
   */
  async close(): Promise<void> {
    try {
      this.#keeper?.close();
    } catch (error) {
      const problem = problemText(error);
      this.log(
        problem === this.#liveProblem
          ? 'launcher: warning: the last diagnostics of this run were not kept either, for the same reason'
          : `launcher: warning: the last diagnostics of this run were not kept: ${problem}`,
      );
    }
    try {
      this.#record?.remove();
    } finally {
      await this.#control?.close();
    }
  }
}

/**
 * The version kept with the diagnostics (SARIF's `tool.driver.version`): the installed version
 * that runs, or for `system`, which names none, what the child reported in its hello, if it did.
 */
function keptVersion(pinned: string, reported: string | undefined): string | null {
  if (pinned !== 'system') return pinned;
  return reported ?? null;
}

/**
 * A restart through the control socket, refused once supervision has ended (a restart queued
 * behind a stop): the launcher is exiting, and a child started now would die with it.
 */
function restartUnlessEnded(supervisor: Supervisor): Promise<void> {
  const { state } = supervisor.snapshot();
  if (!FINAL_STATES.has(state)) return supervisor.restart();
  return Promise.reject(
    new LauncherError('E_SESSION', `the session has ended (${state}): it cannot be restarted`, {
      hint: 'Start the compiler again through its shim (or `launcher exec <bin>`).',
    }),
  );
}
