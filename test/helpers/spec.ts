// Facts of the contract (../shared/spec.md) written out for tests, so that they check the code
// against the contract rather than against the code's own constants.

/** The session object of spec §8, in its order. */
export const SPEC_SESSION_FIELDS = [
  'session',
  'pid',
  'childPid',
  'tool',
  'bin',
  'version',
  'cwd',
  'projectRoot',
  'state',
  'port',
  'restarts',
  'startedAt',
  'control',
];
