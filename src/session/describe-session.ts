// A session as one line of `launcher status`.
import type { Session } from './session.js';

/** `<id>  mycc@1.4.2  ready  port 43121  pid 1234 (child 1240)  /path/to/project` */
export function describeSession(s: Session): string {
  const what = `${s.tool ?? s.bin}@${s.version}`;
  const port = s.port === null ? 'no port' : `port ${s.port}`;
  const pids = s.childPid === null ? `pid ${s.pid}` : `pid ${s.pid} (child ${s.childPid})`;
  return [s.session, what, s.state, port, pids, s.projectRoot].join('  ');
}
