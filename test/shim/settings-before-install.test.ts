// A mistake in the supervision settings, or in the switches LAUNCHER_OFFLINE and
// LAUNCHER_AUTO_INSTALL, is refused (exit 2) before the version is downloaded or installed,
// whether the run is a shim call, `launcher exec`, `launcher lsp --start` or `launcher install`.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { launcher, run } from '../helpers/cli.js';
import { startDistServerForTest } from '../helpers/dist-server.js';
import { cleanEnv, tempDir } from '../helpers/env.js';

/** A project pinned to a version that is not installed, its shims written. */
async function world() {
  const server = await startDistServerForTest({ versions: [{ version: '1.4.2' }] });
  const env = cleanEnv({ LAUNCHER_DIST_URL: server.indexUrl });
  const home = env.LAUNCHER_HOME!;
  const project = tempDir('launcher-project-');
  writeFileSync(path.join(project, '.tool-version'), '1.4.2\n');
  expect((await launcher(['rehash'], { env, cwd: project })).code).toBe(0);
  // From here on, nothing may be asked of the server.
  const asked = server.requests.length;
  const untouched = () => {
    expect(server.requests.length).toBe(asked);
    expect(existsSync(path.join(home, 'versions', '1.4.2'))).toBe(false);
  };
  return { env, home, project, untouched };
}

describe('invalid supervision settings', () => {
  it('stop `launcher exec` with exit 2 before anything is downloaded or installed', async () => {
    const { env, project, untouched } = await world();
    const result = await launcher(['exec', 'mycc', '--version'], {
      env: { ...env, LAUNCHER_RESTART: 'sometimes' },
      cwd: project,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid restart policy "sometimes" in LAUNCHER_RESTART');
    expect(result.stderr).not.toContain('installed');
    untouched();
  });

  it('stop a shim call with exit 2 before anything is downloaded or installed', async () => {
    const { env, home, project, untouched } = await world();
    const result = await run(path.join(home, 'shims', 'mycc'), ['--version'], {
      env: { ...env, LAUNCHER_STOP_TIMEOUT_MS: 'abc' },
      cwd: project,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid LAUNCHER_STOP_TIMEOUT_MS="abc"');
    untouched();
  });

  it('in config.json stop `launcher exec` with exit 2 before anything is installed', async () => {
    const { env, home, project, untouched } = await world();
    mkdirSync(path.join(home, 'config'), { recursive: true });
    writeFileSync(path.join(home, 'config', 'config.json'), '{"restart":"sometimes"}\n');
    const result = await launcher(['exec', 'mycc', '--version'], { env, cwd: project });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'invalid restart policy "sometimes" in "restart" in config.json',
    );
    untouched();
  });

  it('stop `launcher lsp --start` with exit 2 before the editor is answered', async () => {
    const { env, project, untouched } = await world();
    const result = await launcher(['lsp', '--start', '--', 'mycc', 'serve'], {
      env: { ...env, LAUNCHER_READY_TIMEOUT_MS: 'soon' },
      cwd: project,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid LAUNCHER_READY_TIMEOUT_MS="soon"');
    expect(result.stdout).toBe('');
    untouched();
  });
});

describe('the switches LAUNCHER_OFFLINE and LAUNCHER_AUTO_INSTALL', () => {
  it('LAUNCHER_AUTO_INSTALL other than 1 or 0 stops `launcher exec` with exit 2 before anything is installed', async () => {
    const { env, project, untouched } = await world();
    const result = await launcher(['exec', 'mycc', '--version'], {
      env: { ...env, LAUNCHER_AUTO_INSTALL: 'false' },
      cwd: project,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'launcher: LAUNCHER_AUTO_INSTALL must be 1 or 0, got "false"\n\n' +
        'Set LAUNCHER_AUTO_INSTALL=1 to install a missing version on first use, ' +
        'LAUNCHER_AUTO_INSTALL=0 to never install on first use, or unset it (1).\n',
    );
    untouched();
  });

  it('LAUNCHER_OFFLINE other than 1 or 0 stops a shim call and `launcher install` with exit 2 before anything is fetched', async () => {
    const { env, home, project, untouched } = await world();
    const offline = { ...env, LAUNCHER_OFFLINE: 'yes' };
    const shim = await run(path.join(home, 'shims', 'mycc'), ['--version'], {
      env: offline,
      cwd: project,
    });
    const install = await launcher(['install', '1.4.2'], { env: offline, cwd: project });
    for (const result of [shim, install]) {
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        'launcher: LAUNCHER_OFFLINE must be 1 or 0, got "yes"\n\n' +
          'Set LAUNCHER_OFFLINE=1 to use only the cached index and archives, ' +
          'LAUNCHER_OFFLINE=0 to use the network, or unset it (0).\n',
      );
    }
    untouched();
  });

  it('are read as unset when empty, and as on or off when 1 or 0', async () => {
    const { env, project } = await world();
    const off = await launcher(['exec', 'mycc', '--version'], {
      env: { ...env, LAUNCHER_AUTO_INSTALL: '0', LAUNCHER_OFFLINE: '' },
      cwd: project,
    });
    expect(off.code).toBe(7);
    const on = await launcher(['exec', 'mycc', '--version'], {
      env: { ...env, LAUNCHER_AUTO_INSTALL: '', LAUNCHER_OFFLINE: '0' },
      cwd: project,
    });
    expect(on.stderr).toContain('installed mycc 1.4.2');
    expect(on.code).toBe(0);
  });
});
