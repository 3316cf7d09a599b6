// Every directory launcher uses must be a full path: a relative one (a "~" no shell expanded, an
// empty HOME) would put a home in whatever directory launcher runs from, and another in the
// next. Refused with exit 2 naming the variable; nothing is written where launcher ran.
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAUNCHER_BIN, launcher, run as launcherRun } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/env.js';

/** No LAUNCHER_HOME and no XDG base directories: the platform directories under `home`. */
function platformEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return cleanEnv({
    LAUNCHER_HOME: '',
    HOME: home,
    XDG_DATA_HOME: '',
    XDG_CONFIG_HOME: '',
    XDG_CACHE_HOME: '',
    XDG_STATE_HOME: '',
    ...extra,
  });
}

describe('a home directory that is not a full path', () => {
  it.each([
    [
      'LAUNCHER_HOME with a "~" no shell expanded',
      { LAUNCHER_HOME: '~/.launcher' },
      'launcher: LAUNCHER_HOME is "~/.launcher", which is not an absolute path',
      'The shell does not expand "~" inside quotes',
    ],
    [
      'a relative LAUNCHER_HOME',
      { LAUNCHER_HOME: 'launcher-home' },
      'launcher: LAUNCHER_HOME is "launcher-home", which is not an absolute path',
      'A relative one would change with the directory launcher runs from',
    ],
    [
      'an empty HOME',
      { HOME: '' },
      'launcher: your home directory is unknown: HOME is empty',
      'Set HOME to your home directory, or LAUNCHER_HOME',
    ],
    [
      'a relative HOME',
      { HOME: 'me' },
      'launcher: your home directory is unknown: HOME is "me", which is not an absolute path',
      'Set HOME to your home directory, or LAUNCHER_HOME',
    ],
    [
      'an XDG_DATA_HOME with a "~"',
      { XDG_DATA_HOME: '~/.local/share' },
      'launcher: XDG_DATA_HOME is "~/.local/share", which is not an absolute path',
      'set XDG_DATA_HOME to a full path, or unset it',
    ],
    [
      'a relative XDG_CACHE_HOME',
      { XDG_CACHE_HOME: 'cache' },
      'launcher: XDG_CACHE_HOME is "cache", which is not an absolute path',
      'set XDG_CACHE_HOME to a full path, or unset it',
    ],
  ])('is refused: %s', async (_name, extra, message, fix) => {
    const cwd = tempDir('launcher-project-');
    const env = platformEnv(tempDir('launcher-user-'), extra);
    for (const args of [['list'], ['install', '1.4.2'], ['local', '1.4']]) {
      const r = await launcher(args, { env, cwd });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.split('\n')[0]).toBe(message);
      expect(r.stderr).toContain(fix);
    }
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('uses the platform directories under a full HOME', async () => {
    const home = tempDir('launcher-user-');
    const cwd = tempDir('launcher-project-');
    const env = platformEnv(home);
    expect(await launcher(['global', '1.4'], { env, cwd })).toMatchObject({ code: 0 });
    expect(readdirSync(path.join(home, '.config', 'launcher'))).toContain('version');
    expect(readdirSync(cwd)).toEqual([]);
  });
});

// A container run as an arbitrary uid, with no HOME: the system's user database has no entry
// for it, so Node cannot tell its home directory (it throws).
describe('a user whose home directory is unknown', () => {
  const UNKNOWN_UID = 12345;
  /** Spawn options for that user, HOME unset, in directories opened to it. */
  function asHomeless(extra: NodeJS.ProcessEnv) {
    // Only root may run a process as another uid: without it this would prove nothing.
    expect(
      process.getuid?.(),
      'needs root, to run launcher as a uid the system does not know',
    ).toBe(0);
    const cwd = tempDir('launcher-project-');
    chmodSync(cwd, 0o777);
    const env = cleanEnv(extra);
    delete env.HOME;
    return { env, cwd, uid: UNKNOWN_UID, gid: UNKNOWN_UID };
  }

  it('needs none when LAUNCHER_HOME is set', async () => {
    const home = tempDir('launcher-home-');
    chmodSync(home, 0o777);
    const run = asHomeless({ LAUNCHER_HOME: home });
    expect(await launcher(['list'], run)).toMatchObject({
      code: 0,
      stderr: expect.stringContaining('no versions installed yet'),
    });
    expect(await launcher(['global', '1.4'], run)).toMatchObject({ code: 0 });
    expect(readdirSync(path.join(home, 'config'))).toContain('version');
  });

  it('is said to be unknown, with the fix, when LAUNCHER_HOME is not set', async () => {
    const run = asHomeless({ LAUNCHER_HOME: '' });
    const r = await launcher(['list'], run);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^launcher: your home directory is unknown: HOME is not set, and the system knows no home for this user \(.*uv_os_homedir/,
    );
    expect(r.stderr).toContain('Set HOME to your home directory, or LAUNCHER_HOME');
    expect(readdirSync(run.cwd)).toEqual([]);
  });

  // In a mount namespace of its own, so that the system's file is not touched.
  it('is said to be unusable when the user database gives a relative one', async () => {
    const run = asHomeless({ LAUNCHER_HOME: '' });
    const passwd = path.join(tempDir(), 'passwd');
    writeFileSync(
      passwd,
      `${readFileSync('/etc/passwd', 'utf8')}tester:x:${UNKNOWN_UID}:${UNKNOWN_UID}::relative/dir:/bin/sh\n`,
    );
    const r = await launcherRun(
      'unshare',
      [
        '--mount',
        'sh',
        '-c',
        'mount --bind "$0" /etc/passwd && exec "$@"',
        passwd,
        'setpriv',
        `--reuid=${UNKNOWN_UID}`,
        `--regid=${UNKNOWN_UID}`,
        '--clear-groups',
        process.execPath,
        LAUNCHER_BIN,
        'list',
      ],
      { env: run.env, cwd: run.cwd },
    );
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(
      "launcher: your home directory is unknown: HOME is not set, and the system's user database gives no full path for this user's home",
    );
  });
});
