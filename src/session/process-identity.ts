// Whether a recorded process is still the same process: its pid alone can be reused by another.
import { readFileSync } from 'node:fs';
import { uptime } from 'node:os';
import { errnoCode } from '../errors.js';
import { findProgram } from '../util/search-path.js';

/** True when a process with this pid exists (EPERM: it exists but is not ours). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}

/** What can be learnt about a pid right now. */
export interface ProcessProbe {
  /** The pid belongs to a running (not zombie) process. */
  readonly alive: boolean;
  /** An opaque start-time token, equal for the same process; null when the platform cannot tell. */
  readonly startTime: string | null;
}

/**
 * Probe a pid. On Linux everything comes from `/proc/<pid>/stat` (state and field 22, the start
 * time in clock ticks since boot); elsewhere `kill(pid, 0)` and, where `ps` exists, its `lstart`
 * (to the second), as `at:<epoch ms>`.
 */
export function probeProcess(pid: number): ProcessProbe {
  if (!Number.isInteger(pid) || pid <= 0) return { alive: false, startTime: null };
  if (process.platform === 'linux') return probeLinux(pid);
  if (!processExists(pid)) return { alive: false, startTime: null };
  return { alive: true, startTime: process.platform === 'win32' ? null : startTimeFromPs(pid) };
}

/**
 * The start-time token of this process, recorded so readers can detect a reused pid. Outside
 * Linux it is computed, not asked of `ps`: a session starts on every compiler call, and spawning
 * `ps` there would cost more than the rest of the start.
 */
export function ownStartTime(): string | null {
  if (process.platform === 'linux') return probeProcess(process.pid).startTime;
  return startTimeFromUptime();
}

/** This process's start as `at:<epoch ms>`, from the clock and its uptime. */
export function startTimeFromUptime(): string {
  return `at:${Math.round(Date.now() - process.uptime() * 1000)}`;
}

/**
 * When a record was made: the clock then (ISO 8601) and, where the record keeps it, the machine's
 * uptime then in ms (`os.uptime()`, which no clock step moves).
 */
export interface RecordedWhen {
  readonly at: string | undefined;
  readonly uptimeMs?: number | undefined;
}

/** The machine's uptime as a record keeps it: whole ms, never above a later reading. */
export function uptimeNowMs(): number {
  return Math.floor(uptime() * 1000);
}

/**
 * Whether the process recorded as (`pid`, `startTime`) still runs. A differing start time means
 * the pid now belongs to someone else; an unknown one on either side falls back to the pid. Where
 * the running process's start cannot be told (Windows), a record made before the machine last
 * booted is dead whoever has its pid now: every process it could name ended with that boot.
 */
export function isSameProcessAlive(
  pid: number,
  startTime: string | null,
  recorded?: RecordedWhen,
): boolean {
  const probe = probeProcess(pid);
  if (!probe.alive) return false;
  if (probe.startTime === null) return !madeBeforeBoot(recorded);
  return startTime === null || sameStartTime(probe.startTime, startTime);
}

// The boot time worked out from the clock moves with every step of the clock (time sync putting
// right a clock hours off, as on a machine that also runs an OS keeping it in local time), so a
// record is judged by it only when it is older than this beyond it.
const CLOCK_BOOT_MARGIN_MS = 24 * 3600_000;

/**
 * Whether a record predates the machine's last boot, with the machine up for `uptimeMs` at `now`.
 * Certain when the uptime is below the one recorded (it only grows until a restart); otherwise
 * only for a record made more than a day before the boot that the clock gives. False when
 * neither can be read.
 */
export function madeBeforeBoot(
  recorded: RecordedWhen | undefined,
  now = Date.now(),
  uptimeMs = uptime() * 1000,
): boolean {
  const before = recorded?.uptimeMs;
  if (typeof before === 'number' && uptimeMs < before) return true;
  const at = typeof recorded?.at === 'string' ? Date.parse(recorded.at) : Number.NaN;
  return at < now - uptimeMs - CLOCK_BOOT_MARGIN_MS;
}

/**
 * Whether two start-time tokens are the same start. `/proc` tokens are exact; `at:` times come
 * from clocks read differently (and `ps` shows whole seconds), so they match within a margin far
 * below the time it takes for a pid to be reused.
 */
export function sameStartTime(a: string, b: string): boolean {
  if (a.startsWith('at:') && b.startsWith('at:')) {
    return Math.abs(Number(a.slice(3)) - Number(b.slice(3))) <= 2000;
  }
  return a === b;
}

/**
 * The fields of `/proc/<pid>/stat` from the process state on (field 3, so field N is at index
 * N - 3). The command name before them is in parentheses and may itself hold spaces or
 * parentheses, hence the last `)`. Throws Node's error when the file cannot be read.
 */
export function readProcStat(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** What /proc says of a process's progress: whether it is stopped, and its CPU time so far. */
export interface ProcessProgress {
  /** Stopped (SIGSTOP, Ctrl-Z, a debugger's stop). */
  readonly stopped: boolean;
  /** User and system CPU time, in clock ticks: unchanged while the process does no work. */
  readonly cpu: string;
}

/**
 * A process's progress from /proc; undefined where that cannot be read (no /proc, not Linux,
 * the process gone).
 */
export function processProgress(pid: number): ProcessProgress | undefined {
  try {
    const fields = readProcStat(pid);
    const state = fields[0];
    // Fields 14 and 15 of stat(5), utime and stime; the state is field 3.
    return { stopped: isStoppedState(state), cpu: `${fields[11]}+${fields[12]}` };
  } catch {
    return undefined;
  }
}

/** Stopped by a signal (T) or by a tracer (t), as /proc's `stat` and `status` tell a state. */
export const isStoppedState = (state: string | undefined): boolean =>
  state === 'T' || state === 't';

/** A zombie (or dead) process still answers kill(pid, 0), but it has ended. */
export const isDeadState = (state: string | undefined): boolean =>
  state === 'Z' || state === 'X' || state === 'x';

function probeLinux(pid: number): ProcessProbe {
  let fields: string[];
  try {
    fields = readProcStat(pid);
  } catch (error) {
    // No /proc (unusual containers): fall back to the portable check.
    if (errnoCode(error) === 'ENOENT' && readableProcSelf())
      return { alive: false, startTime: null };
    return { alive: processExists(pid), startTime: null };
  }
  if (isDeadState(fields[0])) return { alive: false, startTime: null };
  return { alive: true, startTime: fields[19] ?? null };
}

let procSelf: boolean | undefined;
function readableProcSelf(): boolean {
  if (procSelf === undefined) {
    try {
      readFileSync('/proc/self/stat');
      procSelf = true;
    } catch {
      procSelf = false;
    }
  }
  return procSelf;
}

/** A process's start as `at:<epoch ms>` from `ps -o lstart` (to the second); null without `ps`. */
export function startTimeFromPs(pid: number): string | null {
  try {
    // Only where there is no /proc: node:child_process is not loaded by every lock for it.
    const { execFileSync } = process.getBuiltinModule('node:child_process');
    const ps = findProgram('ps');
    if (ps === undefined) return null;
    const out = execFileSync(ps, ['-o', 'lstart=', '-p', String(pid)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, LC_ALL: 'C' },
      timeout: 2000,
    }).trim();
    const at = Date.parse(out);
    return Number.isNaN(at) ? null : `at:${at}`;
  } catch {
    return null;
  }
}
