import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLauncherError } from '../../src/errors.js';
import { launcherPaths } from '../../src/paths.js';
import { findRequest, requireRequest, startDirectory } from '../../src/version/requested.js';
import { cleanEnv, tempDir } from '../helpers/env.js';

function world(options: { file?: string; global?: string; env?: NodeJS.ProcessEnv } = {}) {
  const env = cleanEnv(options.env);
  const paths = launcherPaths(env);
  const project = tempDir();
  const cwd = path.join(project, 'src');
  mkdirSync(cwd);
  if (options.file !== undefined) writeFileSync(path.join(project, '.tool-version'), options.file);
  if (options.global !== undefined) {
    mkdirSync(paths.config, { recursive: true });
    writeFileSync(paths.globalVersionFile, options.global);
  }
  return { env, paths, cwd, project, tool: 'mycc' };
}

describe('which request is in force', () => {
  it('prefers LAUNCHER_VERSION over the version file', () => {
    const ctx = world({ file: '1.4', global: '1.3', env: { LAUNCHER_VERSION: '2.0.0' } });
    expect(findRequest(ctx)).toMatchObject({
      source: 'env',
      origin: 'LAUNCHER_VERSION',
      request: { raw: '2.0.0' },
    });
  });

  it('ignores an empty LAUNCHER_VERSION', () => {
    const ctx = world({ file: '1.4', env: { LAUNCHER_VERSION: '' } });
    expect(findRequest(ctx)?.source).toBe('file');
  });

  it('prefers the version file over the global default, and records its directory as project root', () => {
    const ctx = world({ file: '1.4', global: '1.3' });
    expect(findRequest(ctx)).toMatchObject({
      source: 'file',
      origin: path.join(ctx.project, '.tool-version'),
      projectRoot: ctx.project,
      request: { raw: '1.4' },
    });
  });

  it('falls back to the global default', () => {
    const ctx = world({ global: 'latest\n' });
    expect(findRequest(ctx)).toMatchObject({
      source: 'global',
      origin: ctx.paths.globalVersionFile,
      projectRoot: ctx.cwd,
    });
  });

  it('starts the search in LAUNCHER_DIR instead of the cwd', () => {
    const other = tempDir();
    writeFileSync(path.join(other, '.tool-version'), '1.9.0');
    const ctx = world({ file: '1.4', env: { LAUNCHER_DIR: other } });
    expect(findRequest(ctx)).toMatchObject({
      source: 'file',
      origin: path.join(other, '.tool-version'),
    });
  });

  it('takes a LAUNCHER_VERSION of only spaces as set (non-empty), and so invalid', () => {
    const ctx = world({ file: '1.4', env: { LAUNCHER_VERSION: ' ' } });
    expect(() => findRequest(ctx)).toThrow(
      expect.objectContaining({
        code: 'E_BAD_REQUEST',
        message: expect.stringContaining('LAUNCHER_VERSION'),
      }),
    );
  });

  it('stops at a .tool-versions while the tool is unknown, unless no index could name it', () => {
    const base = world({ global: 'system' });
    // An asdf user's file of other tools, in a home where launcher knows no tool name yet.
    writeFileSync(path.join(base.cwd, '.tool-versions'), 'nodejs 20.1.0\n');
    const unknown = { ...base, tool: undefined };
    expect(() => findRequest({ ...unknown, toolLearnable: () => true })).toThrow(
      expect.objectContaining({ code: 'E_TOOL_UNKNOWN' }),
    );
    // No index configured: nothing could ever tell, so the search goes on (to the global default).
    expect(findRequest({ ...unknown, toolLearnable: () => false })).toMatchObject({
      source: 'global',
      request: { kind: 'system' },
    });
  });

  it('reports a bad LAUNCHER_VERSION as invalid input naming the variable', () => {
    const ctx = world({ env: { LAUNCHER_VERSION: 'a/b' } });
    try {
      findRequest(ctx);
      expect.unreachable();
    } catch (error) {
      expect(isLauncherError(error) && error.code).toBe('E_BAD_REQUEST');
      expect((error as Error).message).toContain('LAUNCHER_VERSION');
    }
  });

  it('says no version is set (exit 3) with the commands that set one', () => {
    const ctx = world();
    try {
      requireRequest(ctx);
      expect.unreachable();
    } catch (error) {
      if (!isLauncherError(error)) throw error;
      expect(error.code).toBe('E_NO_VERSION');
      expect(error.exitCode).toBe(3);
      expect(error.hint).toContain('launcher local');
      expect(error.hint).toContain('launcher global');
    }
  });
});

describe('the directory the search starts in', () => {
  // real/p, and link -> real/p beside it.
  function linked() {
    const root = tempDir();
    mkdirSync(path.join(root, 'real', 'p'), { recursive: true });
    symlinkSync(path.join(root, 'real', 'p'), path.join(root, 'link'));
    return { root, real: path.join(root, 'real', 'p'), link: path.join(root, 'link') };
  }

  it('is LAUNCHER_DIR resolved to its real path on POSIX, absolute or relative', () => {
    const { root, real, link } = linked();
    for (const platform of ['linux', 'darwin'] as const) {
      for (const dir of [link, 'link']) {
        const ctx = { env: { LAUNCHER_DIR: dir }, cwd: root };
        expect(startDirectory(ctx, platform)).toBe(real);
      }
    }
  });

  // Windows' cwd keeps a subst drive's or a junction's spelling, so LAUNCHER_DIR keeps its own.
  it('is LAUNCHER_DIR only made absolute on Windows', () => {
    const { root, link } = linked();
    expect(startDirectory({ env: { LAUNCHER_DIR: link }, cwd: root }, 'win32')).toBe(link);
    expect(startDirectory({ env: { LAUNCHER_DIR: 'link' }, cwd: root }, 'win32')).toBe(link);
    expect(startDirectory({ env: { LAUNCHER_DIR: 'link/../x' }, cwd: root }, 'win32')).toBe(
      path.join(root, 'x'),
    );
  });
});
