// A record of the running child next to its socket, so a run after a killed launcher can finish it.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { killTree, processTable, procRow } from './process-tree.js';

const RECORD_FILE = 'child.json';

interface ChildRecord {
  pid: number;
  /** The child's own process group, when it has one. */
  pgid: number | null;
  /** Linux start time (clock ticks since boot) and boot id: together they tell pid reuse apart. */
  start: number | null;
  bootId: string | null;
}

function bootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return null;
  }
}

/** Note the child that now runs under the endpoint in `dir`. */
export function recordChild(dir: string, pid: number, pgid: number | undefined): void {
  const record: ChildRecord = {
    pid,
    pgid: pgid ?? null,
    start: procRow(pid)?.start ?? null,
    bootId: bootId(),
  };
  // The directory is private and new: no reader can see a half-written file before this process
  // is dead, and a torn record is as useless as none. A plain write does. The record is a last
  // line of defence (the watchdog comes first): failing to write it must not fail the run.
  try {
    writeFileSync(path.join(dir, RECORD_FILE), JSON.stringify(record), { mode: 0o600 });
  } catch {}
}

/** The child and its group are gone: nothing left to finish. */
export function forgetChild(dir: string): void {
  rmSync(path.join(dir, RECORD_FILE), { force: true });
}

/**
 * Kill what a dead launcher's child left behind (an endpoint directory found stale). Only on
 * Linux, where start times prove that a pid or group is still the one recorded; a number reused
 * by an unrelated process is left alone. Returns how many processes were signalled.
 */
export function killLeftovers(dir: string): number {
  let record: ChildRecord;
  try {
    record = JSON.parse(readFileSync(path.join(dir, RECORD_FILE), 'utf8')) as ChildRecord;
  } catch {
    return 0;
  }
  if (process.platform !== 'linux' || record.start === null || record.bootId !== bootId()) return 0;
  const table = processTable();
  const leader = table.find((row) => row.pid === record.pid);
  if (leader && leader.start === record.start) {
    killTree(record.pid, record.pgid ?? undefined);
    return 1;
  }
  // The leader is gone. A group id stays reserved while any member lives, so members found under
  // it are the child's, unless a new process already owns that number (then the group is over).
  if (record.pgid === null || leader) return 0;
  const members = table.filter((row) => row.pgid === record.pgid);
  for (const member of members) killTree(member.pid, record.pgid);
  return members.length;
}
