// `launcher doctor`: checks of the installation, each failure with its fix.
export {
  type Check,
  type Finding,
  type FindingStatus,
  type RunChecksOptions,
  renderFindings,
} from './check.js';
export { doctorChecks, runDoctor } from './doctor.js';
