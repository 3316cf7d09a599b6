// Whether a recorded process is still the same process: its pid alone can be reused by another.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { errnoCode } from '../errors.js';
import { processExists } from '../util/lock-file.js';

/** What can be learnt about a pid right now. */
export interface ProcessProbe {
  /** The pid belongs to a running (not zombie) process. */
  readonly alive: boolean;
  /** An opaque start-time token, equal for the same process; null when the platform cannot tell. */
  readonly startTime: string | null;
}

/**
 * Probe a pid. On Linux everything comes from `/proc/<pid>/stat` (state and field 22, the start
 * time in clock ticks since boot); elsewhere `kill(pid, 0)` and, where `ps` exists, its `lstart`.
 */
export function probeProcess(pid: number): ProcessProbe {
  if (!Number.isInteger(pid) || pid <= 0) return { alive: false, startTime: null };
  if (process.platform === 'linux') return probeLinux(pid);
  if (!processExists(pid)) return { alive: false, startTime: null };
  return { alive: true, startTime: process.platform === 'win32' ? null : psStartTime(pid) };
}

/** The start-time token of this process, recorded so readers can detect a reused pid. */
export function ownStartTime(): string | null {
  return probeProcess(process.pid).startTime;
}

/**
 * Whether the process recorded as (`pid`, `startTime`) still runs. A differing start time means
 * the pid now belongs to someone else; an unknown one on either side falls back to the pid.
 */
export function isSameProcessAlive(pid: number, startTime: string | null): boolean {
  const probe = probeProcess(pid);
  if (!probe.alive) return false;
  return startTime === null || probe.startTime === null || probe.startTime === startTime;
}

function probeLinux(pid: number): ProcessProbe {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (error) {
    // No /proc (unusual containers): fall back to the portable check.
    if (errnoCode(error) === 'ENOENT' && readableProcSelf())
      return { alive: false, startTime: null };
    return { alive: processExists(pid), startTime: null };
  }
  // The command name (field 2) is in parentheses and may itself hold spaces or parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  // A zombie still answers kill(pid, 0), but it is dead: only its parent has not reaped it.
  if (state === 'Z' || state === 'X' || state === 'x') return { alive: false, startTime: null };
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

function psStartTime(pid: number): string | null {
  try {
    const out = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 2000,
    }).trim();
    return out === '' ? null : out;
  } catch {
    return null;
  }
}
