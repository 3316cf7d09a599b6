// What a doctor check reports, and how the findings are printed: one line each, a fix under each failure.
import { fileSystemProblem, isLauncherError, type LauncherError, messageOf } from '../errors.js';

/** `ok` passes; `warn` is worth knowing but works; `fail` is a problem with a fix. */
export type FindingStatus = 'ok' | 'warn' | 'fail';

/** One line of the report. `problem` and `fix` are given for `warn` and `fail`. */
export interface Finding {
  readonly status: FindingStatus;
  /** What was checked, e.g. "shims directory /home/u/.local/share/launcher/shims is on PATH". */
  readonly what: string;
  readonly problem?: string;
  /** Exactly what to run or change. */
  readonly fix?: string;
  /** With LAUNCHER_DEBUG=1, the stack of what a check that threw ran into. */
  readonly trace?: string;
}

/** A check looks at one aspect of the installation and reports one or more findings. */
export type Check = () => Finding[] | Promise<Finding[]>;

export const ok = (what: string): Finding => ({ status: 'ok', what });

export const fail = (what: string, problem: string, fix: string): Finding => ({
  status: 'fail',
  what,
  problem,
  fix,
});

export const warn = (what: string, problem: string, fix: string): Finding => ({
  status: 'warn',
  what,
  problem,
  fix,
});

/** A failure from a LauncherError: its message is the problem, its hint (or `fix`) the fix. */
export function failFrom(what: string, error: LauncherError, fix?: string): Finding {
  return fail(what, error.message, fix ?? error.hint ?? 'see docs/troubleshooting.md');
}

/** How checks run: `debug` (LAUNCHER_DEBUG=1) adds the stack of a check that threw. */
export interface RunChecksOptions {
  readonly debug?: boolean;
}

/**
 * Run every check in order. A check that throws is a finding too, so one surprise never hides
 * the other checks: a LauncherError or a file system problem the user can fix (a file where a
 * directory belongs, a permission) with its fix; anything else as a bug of ours to report.
 */
export async function runChecks(
  checks: readonly [string, Check][],
  options: RunChecksOptions = {},
): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const [name, check] of checks) {
    try {
      findings.push(...(await check()));
    } catch (error) {
      const finding = thrownFinding(name, error, options.debug === true);
      const trace = options.debug ? traceOf(error) : undefined;
      findings.push(trace === undefined ? finding : { ...finding, trace });
    }
  }
  return findings;
}

function thrownFinding(name: string, error: unknown, debug: boolean): Finding {
  const known = isLauncherError(error) ? error : fileSystemProblem(error);
  if (known) return failFrom(name, known);
  return fail(
    name,
    `the check itself failed: ${messageOf(error)}`,
    debug
      ? 'this is a bug in launcher: report this output, with the trace below'
      : 'this is a bug in launcher: run `LAUNCHER_DEBUG=1 launcher doctor` and report the output',
  );
}

// The stack worth showing: what went wrong underneath (a LauncherError's cause), as renderError.
function traceOf(error: unknown): string | undefined {
  const under = isLauncherError(error) ? error.cause : error;
  return under instanceof Error ? under.stack : undefined;
}

const MARK: Record<FindingStatus, string> = { ok: '✓', warn: '!', fail: '✗' };

/** The report: `✓ what`, or `✗ what: problem` with an indented `fix:` line; then a summary. */
export function renderFindings(findings: readonly Finding[]): string {
  let text = '';
  for (const f of findings) {
    text +=
      f.status === 'ok' ? `${MARK.ok} ${f.what}\n` : `${MARK[f.status]} ${f.what}: ${f.problem}\n`;
    if (f.status !== 'ok' && f.fix) text += `  fix: ${f.fix}\n`;
    if (f.trace) text += `  trace: ${f.trace.replaceAll('\n', '\n  ')}\n`;
  }
  const count = (status: FindingStatus) => findings.filter((f) => f.status === status).length;
  const failed = count('fail');
  const warned = count('warn');
  const warnings = warned ? `, ${warned} warning${warned === 1 ? '' : 's'}` : '';
  text +=
    failed === 0
      ? `\nno problems found (${count('ok')} passed${warnings})\n`
      : `\n${failed} problem${failed === 1 ? '' : 's'} found (${count('ok')} passed${warnings})\n`;
  return text;
}
