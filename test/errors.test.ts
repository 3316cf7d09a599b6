import { describe, expect, it } from 'vitest';
import { ErrorCodes, exitCodeOf, LauncherError, renderError } from '../src/errors.js';

describe('errors', () => {
  it('renders what went wrong, a blank line, then the fix', () => {
    const error = new LauncherError('E_NO_VERSION', 'no version is set for /p', {
      hint: 'Run `launcher local 1.4`.',
    });
    expect(renderError(error)).toBe(
      'launcher: no version is set for /p\n\nRun `launcher local 1.4`.\n',
    );
    expect(exitCodeOf(error)).toBe(3);
  });

  it('maps every code to one of the contract exit codes', () => {
    const allowed = new Set([1, 2, 3, 4, 5, 6, 7, 126, 127]);
    for (const [code, exit] of Object.entries(ErrorCodes))
      expect([code, allowed.has(exit)]).toEqual([code, true]);
  });

  it('renders an unexpected error as an internal error with exit 1 and no stack unless asked', () => {
    const error = new TypeError('boom');
    expect(exitCodeOf(error)).toBe(1);
    expect(renderError(error)).toContain('internal error: boom');
    expect(renderError(error)).not.toContain('    at ');
    expect(renderError(error, { debug: true })).toContain('    at ');
  });

  it('names the path when it is wrong (a file where a directory belongs), not a bug of ours', () => {
    const error = Object.assign(new Error('ENOTDIR: not a directory, mkdir'), {
      code: 'ENOTDIR',
      syscall: 'mkdir',
      path: '/home/ada/launcher-home/versions',
    });
    const text = renderError(error);
    expect(text).toMatch(
      /^launcher: cannot use \/home\/ada\/launcher-home\/versions \(mkdir\): a part of that path is a file/,
    );
    expect(text).toContain('LAUNCHER_HOME');
    expect(text).not.toContain('bug');
  });
});
