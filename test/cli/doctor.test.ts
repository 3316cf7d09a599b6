// End to end: `launcher doctor` through the built CLI, in a temporary home, against real problems.
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { launcher } from '../helpers/cli.js';
import { startDistServerForTest } from '../helpers/dist-server.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { placeVersion } from '../helpers/store.js';

/** A home with mycc 1.4.2 installed from a real distribution and shimmed, shims first on PATH. */
async function healthyHome() {
  const server = await startDistServerForTest({ versions: [{ version: '1.4.2' }] });
  const env = cleanEnv({ LAUNCHER_DIST_URL: server.indexUrl, LAUNCHER_HTTP_RETRY_DELAY_MS: '10' });
  const home = env.LAUNCHER_HOME!;
  const shims = path.join(home, 'shims');
  env.PATH = `${shims}${path.delimiter}${process.env.PATH}`;
  const cwd = tempDir('launcher-project-');
  expect((await launcher(['install', '1.4.2', '--quiet'], { env, cwd })).code).toBe(0);
  expect((await launcher(['rehash'], { env, cwd })).code).toBe(0);
  return { env, home, shims, cwd };
}

/** The report's line for a check (the ✓/✗ line) and the fix line under it, if any. */
function reportOf(stdout: string, fragment: string) {
  const lines = stdout.split('\n');
  const at = lines.findIndex((line) => line.includes(fragment));
  return { line: lines[at], fix: lines[at + 1]?.startsWith('  fix: ') ? lines[at + 1] : undefined };
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('launcher doctor', () => {
  it('passes every check, exit 0, for an installed, shimmed version with the shims first on PATH', async () => {
    const { env, cwd } = await healthyHome();
    const r = await launcher(['doctor'], { env, cwd });
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toContain('✗');
    expect(r.stdout).toMatch(/\nno problems found \(\d+ passed\)\n$/);
    expect(reportOf(r.stdout, 'is on PATH').line).toMatch(/^✓ shims directory /);
    expect(reportOf(r.stdout, '`mycc` on PATH runs the shim').line).toMatch(/^✓/);
    expect(reportOf(r.stdout, 'distribution index').line).toMatch(/^✓ .*\(mycc, 1 version\)$/);
    expect(reportOf(r.stdout, 'mycc 1.4.2 is intact').line).toBe('✓ mycc 1.4.2 is intact (1 bin)');
    expect(reportOf(r.stdout, 'every shim runs').line).toMatch(/^✓/);
    expect(r.code).toBe(0);
  });

  it('exits 1 when the shims directory is not on PATH, with `launcher init` as the fix', async () => {
    const { env, cwd } = await healthyHome();
    const r = await launcher(['doctor'], { env: { ...env, PATH: process.env.PATH }, cwd });
    expect(r.code).toBe(1);
    const { line, fix } = reportOf(r.stdout, 'is on PATH');
    expect(line).toMatch(/^✗ shims directory .*: it is not/);
    expect(fix).toMatch(/launcher init/);
    expect(r.stdout).toMatch(/\n1 problem found/);
  });

  it('names the other copy of a bin that comes before the shim on PATH', async () => {
    const { env, shims, cwd } = await healthyHome();
    const elsewhere = tempDir('launcher-other-bin-');
    const other = path.join(elsewhere, 'mycc');
    writeFileSync(other, '#!/bin/sh\necho not the shim\n', { mode: 0o755 });
    const PATH = [elsewhere, shims, process.env.PATH].join(path.delimiter);
    const r = await launcher(['doctor'], { env: { ...env, PATH }, cwd });
    expect(r.code).toBe(1);
    const { line, fix } = reportOf(r.stdout, '`mycc` on PATH runs the shim');
    expect(line).toContain(`✗ \`mycc\` on PATH runs the shim: it runs ${other} instead`);
    expect(fix).toContain(`put ${shims} before ${elsewhere} on PATH`);
  });

  it('reports a version whose bin is not executable, with the reinstall command', async () => {
    const env = cleanEnv();
    const home = env.LAUNCHER_HOME!;
    env.PATH = `${path.join(home, 'shims')}${path.delimiter}${process.env.PATH}`;
    const dir = placeVersion(home, '1.4.2', { bins: { mycc: 'bin/mycc', 'mycc-lsp': 'bin/lsp' } });
    chmodSync(path.join(dir, 'bin', 'lsp'), 0o644);
    const cwd = tempDir();
    expect((await launcher(['rehash'], { env, cwd })).code).toBe(0);
    const r = await launcher(['doctor'], { env, cwd });
    expect(r.code).toBe(1);
    const { line, fix } = reportOf(r.stdout, 'version 1.4.2 is intact');
    expect(line).toContain('mycc-lsp of version 1.4.2');
    expect(line).toContain('is not executable');
    expect(fix).toBe('  fix: reinstall it: `launcher install --force 1.4.2`');
  });

  it('warns about leftovers of unfinished installs under versions/, each with its fix', async () => {
    const { env, home, cwd } = await healthyHome();
    const versions = path.join(home, 'versions');
    const trash = path.join(versions, '.trash-1.0.0-0123456789ab');
    mkdirSync(path.join(trash, 'bin'), { recursive: true });
    // A reinstall of 2.0.0 killed between its renames: the old copy is the only one.
    const replaced = path.join(versions, '.replaced-2.0.0-0123456789ab');
    mkdirSync(replaced);
    writeFileSync(path.join(replaced, '.launcher-install.json'), '{}');
    // An old copy of 3.0.0 whose deletion was cut short: its receipt went first, so the next
    // install deletes it rather than putting it back.
    const partial = path.join(versions, '.replaced-3.0.0-0123456789ab');
    mkdirSync(path.join(partial, 'bin'), { recursive: true });
    const r = await launcher(['doctor'], { env, cwd });
    const what = `! no leftovers of unfinished installs in ${versions}: `;
    const lines = r.stdout.split('\n');
    const at = (fragment: string) => lines.findIndex((line) => line.includes(fragment));
    expect(lines[at(trash)]).toBe(
      `${what}${trash} is a version that was uninstalled but not deleted`,
    );
    expect(lines[at(trash) + 1]).toBe(
      `  fix: the next \`launcher install\` deletes it; where that fails, launcher needs nothing in it: delete it as its owner (or root) with \`chmod -R u+rwX '${trash}' && rm -rf '${trash}'\``,
    );
    expect(lines[at(replaced)]).toBe(
      `${what}${replaced} is the copy of 2.0.0 that a reinstall moved aside, and nothing replaced it`,
    );
    expect(lines[at(replaced) + 1]).toBe('  fix: `launcher install 2.0.0` puts it back');
    expect(lines[at(partial)]).toBe(
      `${what}${partial} is the old copy of a version that was reinstalled`,
    );
    expect(lines[at(partial) + 1]).toMatch(/^ {2}fix: the next `launcher install` deletes it; /);
    // Warnings only: nothing is broken.
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\nno problems found \(\d+ passed, 3 warnings\)\n$/);
  });

  it('fails a version whose receipt has no bins, naming the receipt, with the reinstall command', async () => {
    const env = cleanEnv();
    const home = env.LAUNCHER_HOME!;
    const dir = placeVersion(home, '1.5.0');
    expect((await launcher(['rehash'], { env, cwd: tempDir() })).code).toBe(0);
    const receipt = path.join(dir, '.launcher-install.json');
    writeFileSync(receipt, '{"version":"1.5.0","sha256":"00","tool":"mycc"}');
    const r = await launcher(['doctor'], { env, cwd: tempDir() });
    // Its shim stays (rehash keeps it): which bins the version has cannot be told.
    expect(r.stdout).not.toContain('shims for bins nothing provides');
    expect(r.code).toBe(1);
    const { line, fix } = reportOf(r.stdout, 'version 1.5.0 is intact');
    expect(line).toBe(
      `✗ version 1.5.0 is intact: its install receipt ${receipt} has no "bins" (an object of bin name → path)`,
    );
    expect(fix).toBe('  fix: reinstall it: `launcher install --force 1.5.0`');
  });

  it('reports an unreachable distribution index', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/index.json`;
    const env = cleanEnv({ LAUNCHER_DIST_URL: url, LAUNCHER_HTTP_RETRY_DELAY_MS: '10' });
    env.PATH = `${path.join(env.LAUNCHER_HOME!, 'shims')}${path.delimiter}${process.env.PATH}`;
    const r = await launcher(['doctor'], { env, cwd: tempDir() });
    expect(r.code).toBe(1);
    const { line, fix } = reportOf(r.stdout, 'distribution index');
    expect(line).toContain(`✗ distribution index ${url} is reachable and valid:`);
    expect(line).toContain('the connection was refused');
    expect(fix).toContain('proxy');
  });

  it('warns, without failing, when no distribution index is configured', async () => {
    const env = cleanEnv();
    env.PATH = `${path.join(env.LAUNCHER_HOME!, 'shims')}${path.delimiter}${process.env.PATH}`;
    const r = await launcher(['doctor'], { env, cwd: tempDir() });
    const { line, fix } = reportOf(r.stdout, 'distribution index');
    expect(line).toMatch(/^! distribution index: none is configured/);
    expect(fix).toContain('LAUNCHER_DIST_URL');
    expect(fix).toContain('distUrl');
    expect(r.stdout).toMatch(/\nno problems found \(\d+ passed, 1 warning\)\n$/);
    expect(r.code).toBe(0);
  });

  it('creates nothing in a fresh home: missing directories are checked, not made', async () => {
    const env = cleanEnv({ LAUNCHER_CODE_CACHE: '0' });
    const home = env.LAUNCHER_HOME!;
    env.PATH = `${path.join(home, 'shims')}${path.delimiter}${process.env.PATH}`;
    const r = await launcher(['doctor'], { env, cwd: tempDir() });
    expect(r.stderr).toBe('');
    for (const name of ['versions', 'shims', 'cache', 'config', 'state']) {
      expect(reportOf(r.stdout, `${name} directory ${path.join(home, name)} can`).line).toBe(
        `✓ ${name} directory ${path.join(home, name)} can be created on first use (it does not exist yet)`,
      );
    }
    expect(reportOf(r.stdout, `${path.join(home, 'state')} will be created`).line).toContain('✓');
    expect(readdirSync(home)).toEqual([]);
  });

  it('reports a home that is a file, where no directory can be created', async () => {
    const home = path.join(tempDir(), 'home');
    writeFileSync(home, 'not a directory\n');
    const env = cleanEnv({ LAUNCHER_HOME: home, LAUNCHER_CODE_CACHE: '0' });
    const r = await launcher(['doctor'], { env, cwd: tempDir() });
    expect(r.code).toBe(1);
    const { line, fix } = reportOf(r.stdout, `versions directory ${path.join(home, 'versions')}`);
    expect(line).toMatch(/^✗ .*: .+home, on the way to it, is not a directory$/);
    expect(fix).toContain('LAUNCHER_HOME');
    expect(readFileSync(home, 'utf8')).toBe('not a directory\n');
  });

  it('reports a file where the versions directory belongs as a set-up problem, with the fix', async () => {
    const env = cleanEnv({ LAUNCHER_CODE_CACHE: '0' });
    const versions = path.join(env.LAUNCHER_HOME!, 'versions');
    writeFileSync(versions, '');
    const r = await launcher(['doctor'], { env, cwd: tempDir() });
    expect(r.code).toBe(1);
    const fix = `  fix: remove or rename ${versions} (for example \`mv ${versions} ${versions}.old\`) so launcher can create the directory, or set LAUNCHER_HOME to a directory you own`;
    expect(reportOf(r.stdout, 'installed versions')).toEqual({
      line: `✗ installed versions: ${versions} is not a directory`,
      fix,
    });
    expect(reportOf(r.stdout, `versions directory ${versions}`)).toEqual({
      line: `✗ versions directory ${versions} is writable: ${versions} is not a directory`,
      fix,
    });
    // The shims check lists the versions too: a file system problem, not a bug to report.
    expect(reportOf(r.stdout, '✗ shims:').line).toContain('a part of that path is a file');
    expect(r.stdout).not.toContain('the check itself failed');
    expect(r.stdout).not.toContain('trace:');
  });

  it('shows the stack of what a check ran into with LAUNCHER_DEBUG=1', async () => {
    const env = cleanEnv({ LAUNCHER_CODE_CACHE: '0', LAUNCHER_DEBUG: '1' });
    writeFileSync(path.join(env.LAUNCHER_HOME!, 'versions'), '');
    const r = await launcher(['doctor'], { env, cwd: tempDir() });
    const lines = r.stdout.split('\n');
    const at = lines.findIndex((line) => line.startsWith('✗ shims:'));
    expect(lines[at + 1]).toMatch(/^ {2}fix: /);
    expect(lines[at + 2]).toMatch(/^ {2}trace: Error: ENOTDIR: not a directory, scandir /);
    expect(lines[at + 3]).toMatch(/^ {6}at /);
  });

  it('reports a state directory other users can enter, and leaves its mode alone', async () => {
    const env = cleanEnv();
    const state = path.join(env.LAUNCHER_HOME!, 'state');
    mkdirSync(state, { recursive: true });
    chmodSync(state, 0o755);
    env.PATH = `${path.join(env.LAUNCHER_HOME!, 'shims')}${path.delimiter}${process.env.PATH}`;
    const r = await launcher(['doctor'], { env, cwd: tempDir() });
    expect(r.code).toBe(1);
    const { line, fix } = reportOf(r.stdout, `${state} is private`);
    expect(line).toContain('its mode is 0755');
    expect(fix).toBe(`  fix: \`chmod 700 ${state}\``);
    expect(statSync(state).mode & 0o777).toBe(0o755);
  });

  it('reports a home so deep that socket paths would pass the Unix limit, with the fix', async () => {
    const deep = path.join(tempDir(), 'a-directory-name-long-enough'.repeat(3), 'launcher-home');
    const env = cleanEnv({ LAUNCHER_HOME: deep });
    env.PATH = `${path.join(deep, 'shims')}${path.delimiter}${process.env.PATH}`;
    const r = await launcher(['doctor'], { env, cwd: tempDir() });
    expect(r.code).toBe(1);
    const { line, fix } = reportOf(r.stdout, 'socket paths fit');
    expect(line).toMatch(/^✗ socket paths fit the 103-byte limit .*would be \d+ bytes/);
    expect(fix).toContain('LAUNCHER_HOME');
  });

  it('reports shims whose Node.js is gone, with `launcher rehash` as the fix', async () => {
    const env = cleanEnv();
    const home = env.LAUNCHER_HOME!;
    const shims = path.join(home, 'shims');
    env.PATH = `${shims}${path.delimiter}${process.env.PATH}`;
    placeVersion(home, '1.4.2');
    const cwd = tempDir();
    expect((await launcher(['rehash'], { env, cwd })).code).toBe(0);
    // What a shim written by a Node.js that was since moved away looks like.
    const shim = path.join(shims, 'mycc');
    const gone = path.join(tempDir(), 'old-node', 'bin', 'node');
    writeFileSync(
      shim,
      readFileSync(shim, 'utf8').replaceAll(`'${process.execPath}'`, `'${gone}'`),
    );
    const r = await launcher(['doctor'], { env, cwd });
    expect(r.code).toBe(1);
    const { line, fix } = reportOf(r.stdout, `shim ${shim} is current`);
    expect(line).toContain(`the Node.js it runs, ${gone}, is gone`);
    expect(fix).toContain('launcher rehash');
  });
});
