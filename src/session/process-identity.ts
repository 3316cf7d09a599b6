// Whether a recorded process is still the same process: its pid alone can be reused by another.
import { readFileSync } from 'node:fs';
import { uptime } from 'node:os';
import { errnoCode } from '../errors.js';

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
 * Whether the process recorded as (`pid`, `startTime`) still runs. A differing start time means
 * the pid now belongs to someone else; an unknown one on either side falls back to the pid. Where
 * the running process's start cannot be told (Windows), a record made (`recordedAt`, ISO 8601)
 * before the machine last booted is dead whoever has its pid now: every process it could name
 * ended with that boot.
 */
export function isSameProcessAlive(
  pid: number,
  startTime: string | null,
  recordedAt?: string,
): boolean {
  const probe = probeProcess(pid);
  if (!probe.alive) return false;
  if (probe.startTime === null) return !madeBeforeBoot(recordedAt);
  return startTime === null || sameStartTime(probe.startTime, startTime);
}

// The boot time is worked out from the clock and the uptime (whole seconds on Windows): a record
// this close to it is not judged by it. A reboot's shutdown and firmware take longer than this.
const BOOT_MARGIN_MS = 10_000;

/**
 * Whether a record made at `recordedAt` (ISO 8601) predates the machine's last boot, at `now`
 * with the machine up for `uptimeSeconds`. False when the time cannot be read.
 */
export function madeBeforeBoot(
  recordedAt: string | undefined,
  now = Date.now(),
  uptimeSeconds = uptime(),
): boolean {
  const at = typeof recordedAt === 'string' ? Date.parse(recordedAt) : Number.NaN;
  return at < now - uptimeSeconds * 1000 - BOOT_MARGIN_MS;
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
    const out = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], {
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
