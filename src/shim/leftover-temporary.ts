// Temporary files named after the process that writes them, left behind when it was killed: a
// shim's (`<bin>.<pid>.<random>.tmp`, from writeFileAtomic) or the snapshot's (`shim.blob.<pid>.tmp`).
import { probeProcess } from '../session/process-identity.js';

const TEMPORARY = /\.(\d+)(?:\.[0-9a-f]+)?\.tmp$/;

/**
 * True when `name` is such a temporary file and the process it names no longer runs. One whose
 * pid another process has taken since is kept: callers that can judge by age as well do so.
 */
export function isOrphanedTemporary(name: string): boolean {
  const pid = TEMPORARY.exec(name)?.[1];
  return pid !== undefined && !probeProcess(Number(pid)).alive;
}
