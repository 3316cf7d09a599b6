// `bin/launcher` runs the bundled CLI with a code cache per command word, kept in the home's
// cache directory (src/cli/start.ts); the libraries the CLI and the shim load have theirs.

import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMAND_WORDS } from '../../src/cli/command-words.js';
import { launcher, REPO_ROOT, run } from '../helpers/cli.js';
import { startDistServerForTest } from '../helpers/dist-server.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { placeVersion } from '../helpers/store.js';

const { version } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));

function setUp(extra: NodeJS.ProcessEnv = {}) {
  const env = cleanEnv(extra);
  const dir = path.join(env.LAUNCHER_HOME!, 'cache', 'code');
  const files = () => (existsSync(dir) ? readdirSync(dir).sort() : []);
  // Name, inode and modification time of the files named so: a file read, never written again,
  // keeps them.
  const stamps = (prefix = '') =>
    files()
      .filter((f) => f.startsWith(prefix))
      .map((f) => {
        const st = statSync(path.join(dir, f));
        return `${f}:${st.ino}:${st.mtimeMs}`;
      });
  return { env, cwd: tempDir(), dir, files, stamps };
}

describe('the CLI code cache', () => {
  it('is written by the first run of each command word and used, unchanged, by the next', async () => {
    const { env, cwd, files, stamps } = setUp();
    expect(await launcher(['--version'], { env, cwd })).toMatchObject({
      code: 0,
      stdout: `${version}\n`,
    });
    expect(files()).toEqual([expect.stringMatching(/^_\..+\.v8cache$/)]);
    // `ls` is `list`: one cache for both words.
    expect((await launcher(['ls'], { env, cwd })).code).toBe(0);
    expect(files().map((f) => f.split('.')[0])).toEqual(['_', 'list']);

    const written = stamps();
    expect(await launcher(['--version'], { env, cwd })).toMatchObject({
      code: 0,
      stdout: `${version}\n`,
    });
    expect((await launcher(['list'], { env, cwd })).code).toBe(0);
    expect(stamps()).toEqual(written);
  });

  it('is replaced when it is garbage, and the command runs all the same', async () => {
    const { env, cwd, dir, files } = setUp();
    await launcher(['--version'], { env, cwd });
    const cacheFile = path.join(dir, files()[0]!);
    writeFileSync(cacheFile, 'not a code cache');
    expect(await launcher(['--version'], { env, cwd })).toMatchObject({
      code: 0,
      stdout: `${version}\n`,
      stderr: '',
    });
    expect(statSync(cacheFile).size).toBeGreaterThan(1000);
  });

  it('is neither read nor written with LAUNCHER_CODE_CACHE=0', async () => {
    const { env, cwd, files } = setUp({ LAUNCHER_CODE_CACHE: '0' });
    expect(await launcher(['--version'], { env, cwd })).toMatchObject({
      code: 0,
      stdout: `${version}\n`,
    });
    expect(files()).toEqual([]);
  });

  it('is not made for a home that does not exist', async () => {
    const { env, cwd } = setUp();
    const home = path.join(env.LAUNCHER_HOME!, 'not-yet');
    expect(
      await launcher(['--version'], { env: { ...env, LAUNCHER_HOME: home }, cwd }),
    ).toMatchObject({ code: 0, stdout: `${version}\n` });
    expect(existsSync(home)).toBe(false);
  });

  it('also caches the libraries an install loads, which the next install reads unchanged', async () => {
    const server = await startDistServerForTest({ versions: [{ version: '1.4.2' }] });
    const { env, cwd, files, stamps } = setUp({ LAUNCHER_DIST_URL: server.indexUrl });
    expect((await launcher(['install', '1.4.2'], { env, cwd })).code).toBe(0);
    const libraries = files().filter((f) => f.startsWith('lib-'));
    expect(libraries.map((f) => f.split('.')[0])).toEqual(['lib-tar', 'lib-undici']);
    const written = stamps('lib-');
    expect((await launcher(['install', '--force', '1.4.2'], { env, cwd })).code).toBe(0);
    expect(stamps('lib-')).toEqual(written);
  });

  it('caches the JSON-RPC library a shim started from its snapshot loads for a connecting compiler', async () => {
    const { env, stamps } = setUp();
    const worker = pathToFileURL(path.join(REPO_ROOT, 'dist', 'worker', 'index.js')).href;
    placeVersion(env.LAUNCHER_HOME!, '1.0.0', {
      script: `#!${process.execPath}\nconst { connect } = await import(${JSON.stringify(worker)});\nconst w = await connect({ name: 'mycc' });\nconsole.log(w ? 'connected' : 'alone');\nawait w?.close();\n`,
    });
    const project = tempDir('launcher-project-');
    writeFileSync(path.join(project, '.tool-version'), '1.0.0\n');
    expect((await launcher(['rehash'], { env, cwd: project })).code).toBe(0);
    const shim = path.join(env.LAUNCHER_HOME!, 'shims', 'mycc');
    // The first call builds the snapshot; the next two start from it.
    for (let call = 0; call < 3; call++)
      expect(await run(shim, [], { env, cwd: project })).toMatchObject({
        code: 0,
        stdout: 'connected\n',
      });
    const written = stamps('lib-vscode-jsonrpc.');
    expect(written).toHaveLength(1);
    expect((await run(shim, [], { env, cwd: project })).stdout).toBe('connected\n');
    expect(stamps('lib-vscode-jsonrpc.')).toEqual(written);
  });

  it('knows every command word the CLI has', () => {
    // The bundle, as src/cli/main.ts does not load outside one (clipanion's ES modules).
    const { commandWords } = createRequire(import.meta.url)(
      path.join(REPO_ROOT, 'dist', 'cli-bundle', 'cli.cjs'),
    ) as { commandWords(): string[] };
    expect([...COMMAND_WORDS].sort()).toEqual(commandWords().sort());
  });
});
