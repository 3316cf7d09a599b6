// The watchdog program: outlives a killed launcher just long enough to kill what it supervised.
//
// The launcher starts it in a session of its own with a pipe on stdin and writes one line per
// change: `track <pid> <pgid|->` when a child starts, `forget <pid>` when it is gone. The pipe
// reaching end-of-file means the launcher is gone; every child still tracked is then killed with
// its whole tree. A launcher that finishes normally forgets everything first, so nothing is killed.
import { killTree } from './process-tree.js';

const tracked = new Map<number, number | undefined>();
let pending = '';

function apply(line: string): void {
  const [verb, pid, pgid] = line.split(' ');
  if (verb === 'track' && pid)
    tracked.set(Number(pid), pgid && pgid !== '-' ? Number(pgid) : undefined);
  if (verb === 'forget' && pid) tracked.delete(Number(pid));
}

function finish(): void {
  for (const [pid, pgid] of tracked) killTree(pid, pgid);
  process.exit(0);
}

process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  pending += chunk;
  for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
    apply(pending.slice(0, nl));
    pending = pending.slice(nl + 1);
  }
});
process.stdin.on('end', finish);
process.stdin.on('error', finish);
