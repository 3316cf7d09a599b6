// `launcher/supervisor`: run a child under supervision (spec §6) and speak the protocol (§7).

// What the constructor and the controls throw (code, exitCode, hint): for `instanceof` checks.
export { type ErrorCode, LauncherError } from '../errors.js';
export * from '../ipc/index.js';
// A consumer may place the child's socket elsewhere (`paths`), built as the launcher does.
export { type LauncherPaths, launcherPaths } from '../paths.js';
export type { Clock, TimerHandle } from './clock.js';
export { systemClock } from './clock.js';
export { exitLikeChild } from './exit-like-child.js';
export { STOP_SIGNALS, stopOnSignals } from './launcher-signals.js';
export {
  type ExitCause,
  RESTART_POLICIES,
  type RestartPolicy,
  shouldRestart,
} from './restart-policy.js';
export { DEFAULT_SETTINGS, type SupervisionSettings, settingsFromEnv } from './settings.js';
export { Supervisor } from './supervisor.js';
export type {
  ChildExit,
  ChildHello,
  ReadyInfo,
  SupervisorEvents,
  SupervisorOptions,
  SupervisorOutcome,
  SupervisorSnapshot,
  SupervisorState,
} from './types.js';
