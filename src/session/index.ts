// The session registry (spec §8): what the supervisor writes and `status`, `lsp` and others read.

export { describeSession } from './describe-session.js';
export {
  isSameProcessAlive,
  ownStartTime,
  type ProcessProbe,
  probeProcess,
} from './process-identity.js';
export { canonicalProjectRoot, findProjectRoot } from './project-root.js';
export { findProjectSession, listSessions, readSession } from './registry.js';
export {
  isSessionId,
  newSessionId,
  publicSession,
  SESSION_FIELDS,
  SESSION_STATES,
  type Session,
  type SessionState,
  type SessionUpdate,
} from './session.js';
export { type StoredSession, sessionFile } from './session-file.js';
export { type SessionInit, SessionRecord, type SessionRecordOptions } from './session-record.js';
export { WriteCoalescer, type WriteCoalescerOptions } from './write-coalescer.js';
