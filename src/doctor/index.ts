// `launcher doctor`: checks of the installation, each failure with its fix.
export { renderFindings } from './check.js';
export { runDoctor } from './doctor.js';
