// Locks as other launcher processes leave them, and the pid of a process that is gone.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LockOwner } from '../../src/install/install-lock.js';

/** The pid of a process that has exited. */
export async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  return child.pid!;
}

/** A lock as launcher puts it in place: a directory holding the owner's file. */
export function writeLock(file: string, owner: Partial<LockOwner>): void {
  const record = { startTime: null, nonce: 'someone-else', acquiredAt: '', ...owner };
  mkdirSync(file, { recursive: true });
  writeFileSync(path.join(file, `owner-${record.nonce}`), JSON.stringify(record));
}
