// Finding and killing a child's descendants and process group, so none outlives supervision.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import path from 'node:path';
import { errnoCode, LauncherError, messageOf } from '../errors.js';
import { isDeadState, isStoppedState, readProcStat } from '../session/process-identity.js';
import { findProgram } from '../util/search-path.js';

/** One row of the process table. `start` is the Linux start time in clock ticks since boot. */
export interface ProcessRow {
  pid: number;
  ppid: number;
  pgid: number;
  start: number | undefined;
  /** A zombie has ended; it only waits for its parent (or init) to collect its status. */
  zombie: boolean;
}

/** Every process we can see: from /proc on Linux, from `ps` elsewhere (Windows: none). */
export function processTable(): ProcessRow[] {
  if (process.platform === 'linux') return procTable();
  if (process.platform === 'win32') return [];
  const ps = findProgram('ps');
  if (ps === undefined) return [];
  try {
    const text = execFileSync(ps, ['-A', '-o', 'pid=,ppid=,pgid='], { encoding: 'utf8' });
    return text
      .split('\n')
      .map((line) => line.trim().split(/\s+/).map(Number))
      .filter((f) => f.length === 3 && f.every(Number.isInteger))
      .map(([pid, ppid, pgid]) => ({
        pid: pid!,
        ppid: ppid!,
        pgid: pgid!,
        start: undefined,
        zombie: false,
      }));
  } catch {
    return [];
  }
}

function procTable(): ProcessRow[] {
  const rows: ProcessRow[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const row = procRow(Number(name));
    if (row) rows.push(row);
  }
  return rows;
}

/** One process's row from /proc (Linux), or undefined when it is gone or not Linux. */
export function procRow(pid: number): ProcessRow | undefined {
  let fields: string[];
  try {
    fields = readProcStat(pid);
  } catch {
    return undefined;
  }
  return {
    pid,
    ppid: Number(fields[1]),
    pgid: Number(fields[2]),
    start: Number(fields[19]),
    zombie: isDeadState(fields[0]),
  };
}

/** The pids below `root` in the process tree, parents before children. */
function descendantsOf(root: number, table = processTable()): number[] {
  const children = new Map<number, number[]>();
  for (const row of table) {
    const list = children.get(row.ppid) ?? [];
    list.push(row.pid);
    children.set(row.ppid, list);
  }
  const found = new Set<number>();
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const child of children.get(pid) ?? []) {
      if (found.has(child) || child === root) continue;
      found.add(child);
      queue.push(child);
    }
  }
  return [...found];
}

/**
 * The members of this process's group (Linux) whose environment was started with `entry`
 * (`NAME=value`), and those below them in the group; never this process. A child sharing our
 * group that exits by itself leaves its descendants to init, out of reach of a tree walk: the
 * variables it was started with, which they inherited, still name them. Those that left the
 * group (a daemon's setsid) are not touched, as killing a child's own group would not touch
 * them; those started without the variables (a worker clears them first) are not found.
 */
export function startedWith(entry: string): ProcessRow[] {
  if (process.platform !== 'linux') return [];
  const pgid = procRow(process.pid)?.pgid;
  const marker = Buffer.from(`\0${entry}\0`);
  const table = procTable().filter((row) => row.pgid === pgid && row.pid !== process.pid);
  const found = new Set<number>();
  for (const row of table) {
    if (row.zombie) continue;
    let environ: Buffer;
    try {
      environ = readFileSync(`/proc/${row.pid}/environ`);
    } catch {
      continue; // gone, or another user's
    }
    if (Buffer.concat([NUL, environ]).includes(marker)) found.add(row.pid);
  }
  for (const pid of [...found]) for (const below of descendantsOf(pid, table)) found.add(below);
  return table.filter((row) => found.has(row.pid) && !row.zombie);
}

const NUL = Buffer.from([0]);

/** The rows of `root`'s descendants now, to find them again once they have been orphaned. */
export function descendantRows(root: number): ProcessRow[] {
  const table = processTable();
  const wanted = new Set(descendantsOf(root, table));
  return table.filter((row) => wanted.has(row.pid));
}

/** Whether the process of a row still runs, and is the same one (Linux compares start times). */
export function stillRunning(row: ProcessRow): boolean {
  if (process.platform !== 'linux') return sendSignal(row.pid, 0);
  const now = procRow(row.pid);
  return now !== undefined && now.start === row.start && !now.zombie;
}

/** Send a signal to one process or (negative id) a group; false when there was none. */
export function sendSignal(target: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(target, signal);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}

/**
 * Why a signal asked for through the session's control could not be sent to `pid`: none when
 * the process is gone (ESRCH; its end is reported as any other), else the system's refusal as
 * the user's error. Windows sends only SIGINT, SIGTERM and SIGKILL (each ends the process) and
 * refuses the rest with ENOSYS.
 */
export function signalRefusal(
  error: unknown,
  signal: NodeJS.Signals,
  pid: number,
): LauncherError | undefined {
  if (errnoCode(error) === 'ESRCH') return undefined;
  const why = messageOf(error);
  return new LauncherError(
    'E_SESSION',
    `could not send ${signal} to the child (pid ${pid}): ${why}`,
    {
      hint: 'This system would not send it (Windows sends only SIGINT, SIGTERM and SIGKILL, each of which ends the process). Use launcher/stop or launcher/restart, or a request the program understands.',
      cause: error,
    },
  );
}

/**
 * Whether any live process is left in group `pgid` (one we may not signal still counts). On
 * Linux, zombies do not count: they have ended, and an init that is slow to collect orphans
 * would otherwise hold up a restart.
 */
export function groupAlive(pgid: number): boolean {
  if (!sendSignal(-pgid, 0)) return false;
  if (process.platform !== 'linux') return true;
  return processTable().some((row) => row.pgid === pgid && !row.zombie);
}

/**
 * Whether a member of group `pgid` that catches `signal` has not stopped (Linux; elsewhere
 * false, as nothing tells). Such a member may still be acting on it: a launcher given SIGTSTP
 * stops its own child's group before it stops itself.
 */
export function catcherRunning(pgid: number, signal: NodeJS.Signals): boolean {
  if (process.platform !== 'linux') return false;
  const bit = 1n << BigInt(osConstants.signals[signal] - 1);
  return procTable().some((row) => {
    if (row.pgid !== pgid || row.zombie) return false;
    let status: string;
    try {
      status = readFileSync(`/proc/${row.pid}/status`, 'latin1');
    } catch {
      return false; // gone
    }
    const state = status.match(/^State:\s+(\S)/m)?.[1];
    const caught = BigInt(`0x${status.match(/^SigCgt:\s+([0-9a-f]+)/m)?.[1] ?? '0'}`);
    return !isStoppedState(state) && (caught & bit) !== 0n;
  });
}

/**
 * SIGKILL `root`, everything below it and, when given, every member of group `pgid`. The tree is
 * frozen first (SIGSTOP, walking again until no new process appears), so nothing forks away
 * between the walk and the kill.
 */
export function killTree(root: number, pgid?: number): void {
  if (process.platform === 'win32') {
    try {
      // By its full path: Windows looks for a bare name in the working directory first.
      const system = process.env.SystemRoot ?? 'C:\\Windows';
      const taskkill = path.win32.join(system, 'System32', 'taskkill.exe');
      execFileSync(taskkill, ['/pid', String(root), '/T', '/F'], { stdio: 'ignore' });
    } catch {}
    return;
  }
  if (pgid !== undefined) sendSignal(-pgid, 'SIGSTOP');
  const frozen = new Set<number>([root]);
  sendSignal(root, 'SIGSTOP');
  for (let round = 0; round < 10; round++) {
    const fresh = descendantsOf(root).filter((pid) => !frozen.has(pid));
    if (fresh.length === 0) break;
    for (const pid of fresh) {
      frozen.add(pid);
      sendSignal(pid, 'SIGSTOP');
    }
  }
  if (pgid !== undefined) sendSignal(-pgid, 'SIGKILL');
  for (const pid of frozen) sendSignal(pid, 'SIGKILL');
}

/**
 * Resolve true once `gone()` holds, or false after `timeoutMs`. The kernel announces neither the
 * death of a grandchild nor an empty process group, so this polls, briefly.
 */
export async function waitUntilGone(gone: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 1; !gone(); delay = Math.min(delay * 2, 25)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
  return true;
}
