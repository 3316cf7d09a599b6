// Words for how a child ended, for the supervisor's messages on stderr.
import type { ChildEnd } from './child-run.js';

/** "exited with code 3", "was killed by SIGSEGV", "did not report ready in time", … */
export function describeEnd(end: Pick<ChildEnd, 'code' | 'signal' | 'cause'>): string {
  switch (end.cause) {
    case 'ready-timeout':
      return 'did not report ready in time';
    case 'heartbeat-timeout':
      return 'stopped sending heartbeats';
    case 'spawn-failed':
      return 'could not be started';
    default:
      return end.signal ? `was killed by ${end.signal}` : `exited with code ${end.code}`;
  }
}
