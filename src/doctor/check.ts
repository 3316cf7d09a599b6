// What a doctor check reports, and how the findings are printed: one line each, a fix under each failure.
import { isLauncherError, type LauncherError } from '../errors.js';

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

/**
 * Run every check in order. A check that throws is a finding too (a bug of ours or a broken
 * environment), so one surprise never hides the other checks.
 */
export async function runChecks(checks: readonly [string, Check][]): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const [name, check] of checks) {
    try {
      findings.push(...(await check()));
    } catch (error) {
      findings.push(
        isLauncherError(error)
          ? failFrom(name, error)
          : fail(
              name,
              `the check itself failed: ${error instanceof Error ? error.message : String(error)}`,
              'Run `LAUNCHER_DEBUG=1 launcher doctor` and report the output.',
            ),
      );
    }
  }
  return findings;
}

const MARK: Record<FindingStatus, string> = { ok: '✓', warn: '!', fail: '✗' };

/** The report: `✓ what`, or `✗ what: problem` with an indented `fix:` line; then a summary. */
export function renderFindings(findings: readonly Finding[]): string {
  let text = '';
  for (const f of findings) {
    text +=
      f.status === 'ok' ? `${MARK.ok} ${f.what}\n` : `${MARK[f.status]} ${f.what}: ${f.problem}\n`;
    if (f.status !== 'ok' && f.fix) text += `  fix: ${f.fix}\n`;
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
