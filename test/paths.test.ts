import { chmodSync, chownSync, mkdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureStateDir, launcherPaths, receiptPath } from '../src/paths.js';
import { tempDir } from './helpers/env.js';

describe('launcherPaths', () => {
  it('lays everything out under LAUNCHER_HOME as the contract says', () => {
    const home = tempDir();
    const paths = launcherPaths({ LAUNCHER_HOME: home, XDG_RUNTIME_DIR: '/run/user/0' });
    expect(paths).toEqual({
      home,
      versions: path.join(home, 'versions'),
      shims: path.join(home, 'shims'),
      cache: path.join(home, 'cache'),
      config: path.join(home, 'config'),
      configFile: path.join(home, 'config', 'config.json'),
      globalVersionFile: path.join(home, 'config', 'version'),
      state: path.join(home, 'state'),
    });
    expect(receiptPath(paths, '1.4.2')).toBe(
      path.join(home, 'versions', '1.4.2', '.launcher-install.json'),
    );
  });

  it('uses the platform directories without LAUNCHER_HOME', () => {
    const paths = launcherPaths({ HOME: os.homedir() });
    expect(paths.home).toBeUndefined();
    expect(paths.versions.endsWith(path.join('launcher', 'versions'))).toBe(true);
    expect(paths.configFile.endsWith(path.join('launcher', 'config.json'))).toBe(true);
  });

  it('keeps state in XDG_RUNTIME_DIR only when that directory is ours with mode 0700', () => {
    const runtime = tempDir();
    chmodSync(runtime, 0o700);
    expect(launcherPaths({ XDG_RUNTIME_DIR: runtime }).state).toBe(path.join(runtime, 'launcher'));
    chmodSync(runtime, 0o755);
    expect(launcherPaths({ XDG_RUNTIME_DIR: runtime }).state).not.toContain(runtime);
  });

  it('falls back to the state directory when XDG_RUNTIME_DIR is 0700 but owned by someone else', () => {
    const foreign = foreignPrivateDir();
    // Without one the case below would prove nothing: fail loudly rather than pass silently.
    expect(foreign, 'needs root (to chown) or a 0700 /root owned by another user').toBeDefined();
    const dir = foreign as string;
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(dir).uid).not.toBe(process.getuid?.());
    const state = launcherPaths({ XDG_RUNTIME_DIR: dir }).state;
    expect(state).not.toContain(dir);
    expect(state).toBe(launcherPaths({}).state);
  });

  it('creates the state directory with mode 0700 and tightens a looser one', () => {
    const home = tempDir();
    const paths = launcherPaths({ LAUNCHER_HOME: home });
    mkdirSync(paths.state, { mode: 0o755 });
    chmodSync(paths.state, 0o755);
    const sockets = ensureStateDir(paths, 'sockets');
    expect(statSync(paths.state).mode & 0o777).toBe(0o700);
    expect(statSync(sockets).mode & 0o777).toBe(0o700);
  });
});

/**
 * A directory with mode 0700 that belongs to another user. As root, a temporary directory
 * handed to an unused uid; otherwise /root when the system has it that way; else undefined.
 */
function foreignPrivateDir(): string | undefined {
  if (process.getuid?.() === 0) {
    const dir = tempDir();
    chmodSync(dir, 0o700);
    chownSync(dir, 12345, 12345);
    return dir;
  }
  try {
    const st = statSync('/root');
    return st.uid !== process.getuid?.() && (st.mode & 0o777) === 0o700 ? '/root' : undefined;
  } catch {
    return undefined;
  }
}
