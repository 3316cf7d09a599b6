// The Supervisor's options as a program may pass them: each checked before anything starts.
import {
  aBoolean,
  aFunction,
  anObject,
  aString,
  checkOptions,
  type OptionRule,
  oneOf,
  wholeNumber,
} from '../util/check-options.js';
import { RESTART_POLICIES } from './restart-policy.js';
import type { SupervisorOptions } from './types.js';

const milliseconds = wholeNumber('milliseconds');

const RULES: Readonly<Record<keyof SupervisorOptions, OptionRule>> = {
  command: {
    ok: (v) => typeof v === 'string' && v !== '',
    takes: 'the program to run, a non-empty string',
    required: true,
  },
  args: {
    ok: (v) => Array.isArray(v) && v.every((arg) => typeof arg === 'string'),
    takes: 'an array of strings',
  },
  cwd: aString,
  env: anObject,
  pathPrepend: aString,
  paths: {
    ok: (v) => anObject.ok(v) && typeof (v as { state?: unknown }).state === 'string',
    takes: 'the launcher paths (launcherPaths(env)), whose state directory holds the socket',
  },
  sessionId: aString,
  name: aString,
  restart: oneOf(RESTART_POLICIES),
  maxRestarts: wholeNumber('restarts'),
  restartWindowMs: milliseconds,
  readyTimeoutMs: milliseconds,
  stopTimeoutMs: milliseconds,
  helloTimeoutMs: milliseconds,
  backoffBaseMs: milliseconds,
  backoffMaxMs: milliseconds,
  backoffResetMs: milliseconds,
  random: aFunction,
  clock: anObject,
  stdio: oneOf(['inherit', 'pipe']),
  processGroup: oneOf(['auto', 'own', 'shared']),
  watchdog: aBoolean,
  log: aFunction,
};

/** Throw E_USAGE, naming the option, unless `options` is what `new Supervisor()` takes. */
export function checkSupervisorOptions(options: unknown): asserts options is SupervisorOptions {
  checkOptions('new Supervisor()', options, RULES, 'docs/protocol.md §11');
}
