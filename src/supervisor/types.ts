// The supervisor's public shapes: options, state snapshot, outcome and events.

import type { HelloParams, LogParams, PublishDiagnosticsParams } from '../ipc/protocol.js';
import type { LauncherPaths } from '../paths.js';
import type { Clock } from './clock.js';
import type { ExitCause, RestartPolicy } from './restart-policy.js';

export interface SupervisorOptions {
  command: string;
  /** The program's arguments; default none. */
  args?: string[];
  cwd?: string;
  /** The base environment (default `process.env`); the channel's variables are added to it. */
  env?: NodeJS.ProcessEnv;
  /** A directory put first on the child's PATH (the version's bin directory). */
  pathPrepend?: string;
  /**
   * Where the child's socket goes (only `state` is used). Default `launcherPaths(env)`: the
   * user's launcher state directory, or LAUNCHER_HOME's when `env` sets it.
   */
  paths?: LauncherPaths;
  sessionId?: string;
  /** How the supervisor's own messages name the child; default the command's base name. */
  name?: string;
  restart?: RestartPolicy;
  maxRestarts?: number;
  restartWindowMs?: number;
  /** 0 turns the readiness deadline off. */
  readyTimeoutMs?: number;
  stopTimeoutMs?: number;
  /** Time a connection has to send its hello (default 5000). */
  helloTimeoutMs?: number;
  /** First backoff delay (default 200 ms). 0 restarts at once: for benchmarks and tests. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Uptime after which a child counts as healthy again (default 30 s). */
  backoffResetMs?: number;
  /** Jitter source in [0, 1) (default Math.random). */
  random?: () => number;
  clock?: Clock;
  /** `inherit` (default): the child writes to the launcher's own stdio. `pipe`: see `stdout`. */
  stdio?: 'inherit' | 'pipe';
  /**
   * `own`: the child leads its own process group, so its tree can be killed as one. `shared`: it
   * stays in the launcher's group, so it keeps the terminal (reads it, gets Ctrl-C). `auto`
   * (default): shared when stdio is inherited and stdin is a terminal, else own.
   */
  processGroup?: 'auto' | 'own' | 'shared';
  /** Start the watchdog that kills the tree if the launcher is SIGKILLed (default true). */
  watchdog?: boolean;
  /** Where the supervisor's own messages go, one line each; default stderr. */
  log?: (line: string) => void;
}

export type SupervisorState = 'starting' | 'ready' | 'backoff' | 'stopping' | 'exited' | 'failed';

/** The states supervision ends in: nothing runs or restarts any more. */
export const FINAL_STATES: ReadonlySet<SupervisorState> = new Set(['exited', 'failed']);

/** The hello, minus its secret: what may be shown and stored. */
export type ChildHello = Omit<HelloParams, 'token'>;

/** Everything a status display or session file needs, at one instant. */
export interface SupervisorSnapshot {
  state: SupervisorState;
  /** The supervisor's own pid. */
  pid: number;
  childPid: number | null;
  port: number | null;
  host: string | null;
  url: string | null;
  /** Restarts since `start()`: automatic ones and those asked for. */
  restarts: number;
  /** When `start()` began this supervision (ISO 8601), null before it. */
  startedAt: string | null;
  /** When the current child was spawned (ISO 8601). */
  childStartedAt: string | null;
  hello: ChildHello | null;
}

/** How a supervision ended; `exitLikeChild` turns it into the launcher's own exit. */
export interface SupervisorOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  cause: ExitCause;
  restarts: number;
}

/** One child's exit, as the `exit` event reports it. */
export interface ChildExit {
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  cause: ExitCause;
  uptimeMs: number;
}

export interface ReadyInfo {
  port: number;
  host: string | null;
  url: string | null;
}

/** Every event, with its arguments. */
export interface SupervisorEvents {
  state: [SupervisorSnapshot];
  /** A child was spawned (the first, or a restart). */
  starting: [{ pid: number }];
  connected: [ChildHello];
  disconnected: [];
  ready: [ReadyInfo];
  diagnostics: [PublishDiagnosticsParams];
  log: [LogParams];
  exit: [ChildExit];
  restarting: [{ delayMs: number; cause: ExitCause; attempt: number }];
  'gave-up': [{ crashes: number; cause: ExitCause }];
  'protocol-error': [string];
}
