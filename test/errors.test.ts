import { describe, expect, it } from 'vitest';
import {
  ErrorCodes,
  exitCodeOf,
  fileSystemRefusal,
  LauncherError,
  renderError,
} from '../src/errors.js';
import { REPO_ROOT, run } from './helpers/cli.js';
import { cleanEnv } from './helpers/env.js';

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

  // Node's error for a write to an open file on a full disk, or past a quota: it names no file.
  const writeError = (code: string, message: string) =>
    Object.assign(new Error(`${code}: ${message}, write`), { code, syscall: 'write' });

  it('names the file a refused write went to, and what to free, when the error names none', () => {
    const part = '/home/ada/.cache/launcher/downloads/1.4.2/abc-mycc.tar.gz.part';
    for (const error of [
      writeError('ENOSPC', 'no space left on device'),
      writeError('EDQUOT', 'disk quota exceeded'),
      writeError('EFBIG', 'file too large'),
    ]) {
      const text = renderError(fileSystemRefusal(error, { file: part, noRoom: 'Delete it.' }));
      expect(text).toMatch(/^launcher: cannot write \/home\/ada\/\S+\.part \(write\): \S/);
      expect(text).toMatch(/\n\n.+ Delete it\.\n$/);
    }
    // Refused for other reasons, freeing space would not help: the fix does not say so.
    const denied = fileSystemRefusal(writeError('EACCES', 'permission denied'), {
      file: part,
      noRoom: 'Delete it.',
    });
    expect(renderError(denied)).not.toContain('Delete it.');
  });

  it("suggests no other LAUNCHER_HOME for a refused file outside it (a project's)", () => {
    const pin = '/home/ada/project/.tool-version';
    for (const [code, reason] of [
      ['ENOSPC', 'no space left on device'],
      ['EDQUOT', 'disk quota exceeded'],
      ['EFBIG', 'file too large'],
      ['EACCES', 'permission denied'],
      ['EPERM', 'operation not permitted'],
      ['EROFS', 'read-only file system'],
    ] as const) {
      const error = writeError(code, reason);
      const text = renderError(fileSystemRefusal(error, { file: pin, outsideHome: true }));
      expect(text).toMatch(
        /^launcher: cannot write \/home\/ada\/project\/\.tool-version \(write\): \S/,
      );
      expect(text).not.toContain('LAUNCHER_HOME');
    }
    // In launcher's home, another one on a file system that takes larger files may help.
    const home = '/home/ada/.cache/launcher/versions/1.4.2/bin/mycc';
    expect(
      renderError(fileSystemRefusal(writeError('EFBIG', 'file too large'), { file: home })),
    ).toContain('LAUNCHER_HOME');
  });

  // The package's exports map allows no deep import: the class must come from the entry points.
  it('is exported, built, by both entry points, so what they throw passes instanceof', async () => {
    const script = `
      import * as worker from 'launcher/worker';
      import * as supervisor from 'launcher/supervisor';
      const facts = { same: worker.LauncherError === supervisor.LauncherError };
      try { new supervisor.Supervisor({}); } catch (e) {
        facts.constructor = [e instanceof supervisor.LauncherError, e.code, e.exitCode];
      }
      try { await worker.connect({ heartbeatMs: '1000' }); } catch (e) {
        facts.connect = [e instanceof worker.LauncherError, e.code, e.exitCode];
      }
      console.log(JSON.stringify(facts));
    `;
    // Run from the package's own directory, whose name the imports resolve to (self-reference).
    const r = await run(process.execPath, ['--input-type=module', '-e', script], {
      env: cleanEnv(),
      cwd: REPO_ROOT,
    });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(r.stdout)).toEqual({
      same: true,
      constructor: [true, 'E_USAGE', 2],
      connect: [true, 'E_USAGE', 2],
    });
  });
});
