// The package as the README installs it: packed, installed globally as a tarball into a
// temporary prefix from the npm cache, and run from there, shims included.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, run } from './helpers/cli.js';
import { cleanEnv, tempDir } from './helpers/env.js';
import { placeVersion } from './helpers/store.js';

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('the installed package', () => {
  it('installs globally and runs the CLI and the shims from the installed copy', async () => {
    const dir = tempDir('launcher-pack-');
    const version = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version;
    // The build already ran (npm test's pretest); --ignore-scripts packs it as it is. With
    // --silent the output is the tarball's name alone, as the README's `$(npm pack --silent)`
    // takes it.
    const packed = npm(
      ['pack', '--silent', '--ignore-scripts', '--pack-destination', dir],
      REPO_ROOT,
    );
    expect(packed).toBe(`launcher-${version}.tgz\n`);
    const prefix = path.join(dir, 'prefix');
    const tarball = path.join(dir, packed.trim());
    npm(
      [
        'install',
        '-g',
        tarball,
        '--prefix',
        prefix,
        '--offline',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
      ],
      dir,
    );
    const installed = path.join(prefix, 'bin', 'launcher');

    const env = cleanEnv();
    const cwd = tempDir();
    expect(await run(installed, ['--version'], { env, cwd })).toMatchObject({
      code: 0,
      stdout: `${version}\n`,
    });
    // The installed CLI keeps its code cache in the home, and runs from it the next time.
    const codeCache = path.join(env.LAUNCHER_HOME!, 'cache', 'code');
    expect(readdirSync(codeCache)).toEqual([expect.stringMatching(/^_\..*\.v8cache$/)]);
    expect(await run(installed, ['--version'], { env, cwd })).toMatchObject({
      code: 0,
      stdout: `${version}\n`,
    });

    placeVersion(env.LAUNCHER_HOME!, '1.4.2');
    writeFileSync(path.join(cwd, '.tool-version'), '1.4\n');
    expect((await run(installed, ['rehash'], { env, cwd })).code).toBe(0);
    const shim = path.join(env.LAUNCHER_HOME!, 'shims', 'mycc');
    expect(readFileSync(shim, 'utf8')).toContain(
      path.join(prefix, 'lib', 'node_modules', 'launcher'),
    );
    expect(await run(shim, ['hello'], { env, cwd })).toMatchObject({
      code: 0,
      stdout: 'mycc 1.4.2 hello\n',
    });

    // That first call built the start-up snapshot from the installed copy. Reinstalling launcher
    // (here: its snapshot source rewritten in place) makes that snapshot stale: the next call
    // runs the installed code as it is now, and builds a new snapshot for the calls after it.
    const stamp = path.join(env.LAUNCHER_HOME!, 'cache', 'shim-snapshot', 'shim.json');
    const built = readFileSync(stamp, 'utf8');
    const source = path.join(
      prefix,
      'lib',
      'node_modules',
      'launcher',
      'dist',
      'shim-snapshot',
      'snapshot.cjs',
    );
    writeFileSync(source, readFileSync(source));
    for (let call = 0; call < 2; call++) {
      expect(await run(shim, ['again'], { env, cwd })).toMatchObject({
        code: 0,
        stdout: 'mycc 1.4.2 again\n',
        stderr: '',
      });
    }
    expect(readFileSync(stamp, 'utf8')).not.toBe(built);

    // An installation missing its CLI bundle says what is wrong and what to do.
    rmSync(path.join(prefix, 'lib', 'node_modules', 'launcher', 'dist', 'cli-bundle', 'cli.cjs'));
    const broken = await run(installed, ['--version'], { env, cwd });
    expect(broken).toMatchObject({ code: 1, stdout: '' });
    expect(broken.stderr).toMatch(/^launcher: cannot load its own code from .*cli\.cjs \(ENOENT/);
    expect(broken.stderr).toContain('reinstall launcher');
  }, 60_000);
});
