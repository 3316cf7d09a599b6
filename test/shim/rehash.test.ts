import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LauncherContext } from '../../src/context.js';
import { shimFiles } from '../../src/doctor/shim-file.js';
import { probeProcess } from '../../src/session/process-identity.js';
import { quoteForShim, rehash, renderShim } from '../../src/shim/rehash.js';
import { LAUNCHER_BIN, launcher } from '../helpers/cli.js';
import { startDistServerForTest } from '../helpers/dist-server.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { deadPid } from '../helpers/lock-owners.js';
import { placeVersion } from '../helpers/store.js';

describe('rehash', () => {
  it('writes one executable shim per bin of every installed version', async () => {
    const env = cleanEnv();
    placeVersion(env.LAUNCHER_HOME!, '1.4.2', { bins: { mycc: 'bin/mycc' } });
    placeVersion(env.LAUNCHER_HOME!, '2.0.0', {
      bins: { mycc: 'bin/mycc', 'mycc-lsp': 'bin/mycc-lsp' },
    });
    placeVersion(env.LAUNCHER_HOME!, '3.0.0', {
      bins: { 'not-installed': 'bin/x' },
      receipt: false,
    });
    const result = await rehash(new LauncherContext(env));
    expect(result.written).toEqual(['mycc', 'mycc-lsp']);
    const shims = path.join(env.LAUNCHER_HOME!, 'shims');
    expect(readdirSync(shims).sort()).toEqual(['mycc', 'mycc-lsp']);
    expect(statSync(path.join(shims, 'mycc')).mode & 0o777).toBe(0o755);
  });

  it('removes shims no installed version provides, but never a file it did not write', async () => {
    const env = cleanEnv();
    const shims = path.join(env.LAUNCHER_HOME!, 'shims');
    placeVersion(env.LAUNCHER_HOME!, '2.0.0', {
      bins: { mycc: 'bin/mycc', 'mycc-lsp': 'bin/mycc-lsp' },
    });
    await rehash(new LauncherContext(env));
    writeFileSync(path.join(shims, 'users-own-script'), '#!/bin/sh\necho mine\n');
    rmSync(path.join(env.LAUNCHER_HOME!, 'versions', '2.0.0'), { recursive: true });
    placeVersion(env.LAUNCHER_HOME!, '1.4.2', { bins: { mycc: 'bin/mycc' } });
    const result = await rehash(new LauncherContext(env));
    expect(result.removed).toEqual(['mycc-lsp']);
    expect(readdirSync(shims).sort()).toEqual(['mycc', 'users-own-script']);
  });

  it("keeps a user's script that only mentions the shim marker; doctor does not count it either", async () => {
    const env = cleanEnv();
    const shims = path.join(env.LAUNCHER_HOME!, 'shims');
    placeVersion(env.LAUNCHER_HOME!, '1.4.2', { bins: { mycc: 'bin/mycc' } });
    await rehash(new LauncherContext(env));
    const script =
      '#!/bin/sh\n# Wraps the launcher shim for mycc: adds --verbose.\nexec mycc --verbose "$@"\n';
    writeFileSync(path.join(shims, 'mycc-debug'), script);
    const result = await rehash(new LauncherContext(env));
    expect(result.removed).toEqual([]);
    expect(readFileSync(path.join(shims, 'mycc-debug'), 'utf8')).toBe(script);
    expect(shimFiles(shims, env).map((s) => s.bin)).toEqual(['mycc']);
  });

  // A directory named `name` holding a shim entry that prints the arguments it was given.
  function echoEntry(name: string): { dir: string; entry: string } {
    const dir = path.join(tempDir(), name);
    mkdirSync(dir);
    const entry = path.join(dir, 'entry.mjs');
    writeFileSync(entry, 'console.log(JSON.stringify(process.argv.slice(2)));\n');
    return { dir, entry };
  }

  it('writes shims that work when the paths contain spaces and quotes', () => {
    const { dir, entry } = echoEntry("with space and 'quote'");
    const shim = path.join(dir, 'my cc');
    writeFileSync(
      shim,
      renderShim("my'cc", {
        node: process.execPath,
        entry,
        blob: path.join(dir, 'no snapshot here'),
      }),
      { mode: 0o755 },
    );
    const r = spawnSync(shim, ['a b', '', '--', 'ü $HOME'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(["my'cc", 'a b', '', '--', 'ü $HOME']);
  });

  it('quotes for cmd with % doubled, since cmd expands %NAME% even inside double quotes', () => {
    expect(quoteForShim('C:\\Users\\ada\\100%real\\%PATH%\\node.exe', true)).toBe(
      '"C:\\Users\\ada\\100%%real\\%%PATH%%\\node.exe"',
    );
    expect(quoteForShim("it's 100%", false)).toBe("'it'\\''s 100%'");
  });

  it('substitutes each placeholder once, even when a path spells one', () => {
    const { dir, entry } = echoEntry('@BLOB@ and @NODE@');
    const shim = path.join(dir, 'mycc');
    const blob = path.join(dir, 'no @ENTRY@ snapshot');
    writeFileSync(shim, renderShim('mycc', { node: process.execPath, entry, blob }), {
      mode: 0o755,
    });
    expect(readFileSync(shim, 'utf8')).toContain(`'${blob}'`);
    const r = spawnSync(shim, ['a'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(['mycc', 'a']);
  });

  it('takes over a leftover lock whose pid now belongs to an unrelated process', async () => {
    const env = cleanEnv();
    placeVersion(env.LAUNCHER_HOME!, '1.4.2', { bins: { mycc: 'bin/mycc' } });
    const shims = path.join(env.LAUNCHER_HOME!, 'shims');
    mkdirSync(shims, { recursive: true });
    // pid 1 is alive, but it is not the process that wrote this lock (its start time differs).
    const stale = {
      pid: 1,
      startTime: 'not-the-start-of-pid-1',
      nonce: 'ab',
      acquiredAt: '2026-01-01T00:00:00Z',
    };
    writeFileSync(path.join(shims, '.rehash.lock'), JSON.stringify(stale));
    const result = await rehash(new LauncherContext(env));
    expect(result.written).toEqual(['mycc']);
    expect(existsSync(path.join(shims, '.rehash.lock'))).toBe(false);
  });

  it('takes over the lock of the shims when what holds it is a stray file, not an owner', async () => {
    const env = cleanEnv();
    placeVersion(env.LAUNCHER_HOME!, '1.4.2', { bins: { mycc: 'bin/mycc' } });
    const lock = path.join(env.LAUNCHER_HOME!, 'shims', '.rehash.lock');
    mkdirSync(lock, { recursive: true });
    writeFileSync(path.join(lock, 'stray'), '');
    const past = new Date(Date.now() - 60_000);
    utimesSync(path.join(lock, 'stray'), past, past);
    // A rehash that waited for ever would be ended by SIGTERM here.
    const r = await launcher(['rehash'], { env, cwd: tempDir(), timeout: 10_000 });
    expect(r).toMatchObject({ code: 0, signal: null });
    expect(readdirSync(path.join(env.LAUNCHER_HOME!, 'shims'))).toEqual(['mycc']);
  });

  it("keeps the shims while a version's receipt is damaged, so its call says so (exit 6)", async () => {
    const env = cleanEnv({ LAUNCHER_VERSION: '1.4.2' });
    const home = env.LAUNCHER_HOME!;
    placeVersion(home, '1.4.2', { bins: { mycc: 'bin/mycc' } });
    const cwd = tempDir();
    expect((await launcher(['rehash'], { env, cwd })).code).toBe(0);
    writeFileSync(path.join(home, 'versions', '1.4.2', '.launcher-install.json'), '{"version":');
    const r = await launcher(['rehash'], { env, cwd });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('keeping every shim: the install receipt of 1.4.2 is damaged');
    expect(readdirSync(path.join(home, 'shims'))).toEqual(['mycc']);
    const call = spawnSync(path.join(home, 'shims', 'mycc'), [], { cwd, env, encoding: 'utf8' });
    expect(call.status).toBe(6);
    expect(call.stderr).toContain('launcher install --force 1.4.2');
  });

  it('removes the shims a killed rehash left half written, even while every shim is kept, and lists none', async () => {
    const env = cleanEnv();
    placeVersion(env.LAUNCHER_HOME!, '1.4.2', { bins: { mycc: 'bin/mycc' } });
    placeVersion(env.LAUNCHER_HOME!, '2.0.0', { bins: { mycc: 'bin/mycc' } });
    writeFileSync(
      path.join(env.LAUNCHER_HOME!, 'versions', '2.0.0', '.launcher-install.json'),
      '{',
    );
    const shims = path.join(env.LAUNCHER_HOME!, 'shims');
    mkdirSync(shims);
    const killed = `mycc.${await deadPid()}.0badcafe.tmp`;
    writeFileSync(path.join(shims, killed), '');
    // One of a process that still runs is not judged: only rehash writes here, under its lock.
    const running = `mycc.${process.pid}.0badcafe.tmp`;
    writeFileSync(path.join(shims, running), '');
    const result = await rehash(new LauncherContext(env));
    expect(result.removed).toEqual([]);
    expect(readdirSync(shims).sort()).toEqual(['mycc', running]);
  });

  it('passes over a FIFO in the shims directory instead of blocking on it (rehash, doctor)', async () => {
    const env = cleanEnv();
    placeVersion(env.LAUNCHER_HOME!, '1.4.2', { bins: { mycc: 'bin/mycc' } });
    const shims = path.join(env.LAUNCHER_HOME!, 'shims');
    mkdirSync(shims);
    expect(spawnSync('mkfifo', [path.join(shims, 'notes')]).status).toBe(0);
    // Blocked on the FIFO, they would be ended by SIGTERM here.
    const r = await launcher(['rehash'], { env, cwd: tempDir(), timeout: 10_000 });
    expect(r).toMatchObject({ code: 0, signal: null });
    expect(readdirSync(shims).sort()).toEqual(['mycc', 'notes']);
    const doctor = await launcher(['doctor'], { env, cwd: tempDir(), timeout: 10_000 });
    expect(doctor.signal).toBeNull();
    expect(doctor.stdout).toContain('shims');
  });

  it('survives two rehash commands at once, leaving a complete set', async () => {
    const env = cleanEnv();
    for (const v of ['1.0.0', '1.1.0', '1.2.0']) {
      placeVersion(env.LAUNCHER_HOME!, v, { bins: { [`tool-${v}`]: 'bin/t', mycc: 'bin/mycc' } });
    }
    // Both start while a third holds the lock, and both are waiting when it lets go: they
    // overlap for sure (started side by side, they often would not).
    const pid = await holdRehashLock(env.LAUNCHER_HOME!);
    const note = `launcher: waiting for process ${pid}, which is refreshing the shims`;
    const rehashes = [1, 2].map(() => {
      const child = spawn(process.execPath, [LAUNCHER_BIN, 'rehash'], {
        env,
        cwd: tempDir(),
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      children.push(child);
      let stderr = '';
      const waiting = new Promise<void>((resolve, reject) => {
        child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
          stderr += chunk;
          if (stderr.includes(note)) resolve();
        });
        child.once('close', (code) =>
          reject(new Error(`rehash ended (${code}) unasked: ${stderr}`)),
        );
      });
      return { waiting, closed: once(child, 'close') };
    });
    await Promise.all(rehashes.map((r) => r.waiting));
    // The holder lets go: its owner file goes, and the empty lock directory is free (a waiter
    // may take its place at once, so the directory is left to them).
    unlinkSync(path.join(env.LAUNCHER_HOME!, 'shims', '.rehash.lock', 'owner-holder'));
    for (const { closed } of rehashes) expect(await closed).toEqual([0, null]);
    const shims = path.join(env.LAUNCHER_HOME!, 'shims');
    expect(readdirSync(shims).sort()).toEqual(['mycc', 'tool-1.0.0', 'tool-1.1.0', 'tool-1.2.0']);
    expect(existsSync(path.join(shims, '.rehash.lock'))).toBe(false);
    expect(readFileSync(path.join(shims, 'mycc'), 'utf8')).toContain('launcher shim for mycc');
  });
});

describe('launcher rehash with an index it cannot read', () => {
  it('says nothing is cached and writes the shims of installed versions only (exit 0)', async () => {
    const env = cleanEnv({ LAUNCHER_DIST_URL: 'file:///nonexistent/index.json' });
    placeVersion(env.LAUNCHER_HOME!, '1.4.2', { bins: { mycc: 'bin/mycc' } });
    const r = await launcher(['rehash'], { env, cwd: tempDir() });
    // The shims of the installed versions were written: rehash did its job.
    expect(r.code).toBe(0);
    expect(readdirSync(path.join(env.LAUNCHER_HOME!, 'shims'))).toEqual(['mycc']);
    expect(r.stderr).toContain(
      'warning: cannot read the distribution index, and no copy of it is cached, so shims are written only for the bins of installed versions: cannot read the index file:///nonexistent/index.json',
    );
    expect(r.stderr).toContain('Check LAUNCHER_DIST_URL (or distUrl in config.json)');
    expect(r.stderr).not.toContain('using what is cached');
    expect(r.stderr).toContain('1 written');
  });

  it('says it uses the copy cached before, and writes the shims of its bins', async () => {
    const server = await startDistServerForTest({
      bins: { othercc: 'bin/othercc' },
      versions: [{ version: '1.0.0' }],
    });
    const env = cleanEnv({ LAUNCHER_DIST_URL: server.indexUrl });
    const shim = path.join(env.LAUNCHER_HOME!, 'shims', 'othercc');
    expect((await launcher(['rehash'], { env, cwd: tempDir() })).code).toBe(0);
    rmSync(shim);
    server.setIndex('{ not json');
    const r = await launcher(['rehash'], { env, cwd: tempDir() });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      `warning: cannot refresh the distribution index (invalid distribution index ${server.indexUrl}`,
    );
    expect(r.stderr).toContain('; using the copy cached before');
    expect(existsSync(shim)).toBe(true);
  });
});

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** Make a live process that is not us the holder of the shims' lock; resolves to its pid. */
async function holdRehashLock(home: string): Promise<number> {
  const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e6)'], { stdio: 'ignore' });
  children.push(holder);
  await once(holder, 'spawn');
  const pid = holder.pid!;
  const lock = path.join(home, 'shims', '.rehash.lock');
  mkdirSync(lock, { recursive: true });
  const owner = { pid, startTime: probeProcess(pid).startTime, nonce: 'holder', acquiredAt: '' };
  writeFileSync(path.join(lock, 'owner-holder'), JSON.stringify(owner));
  return pid;
}

describe('waiting for the lock of the shims', () => {
  it.each([
    ['install', 'SIGINT'],
    ['rehash', 'SIGTERM'],
    ['uninstall', 'SIGINT'],
  ] as const)(
    '%s says whom it waits for, and %s ends the wait leaving nothing behind',
    async (command, signal) => {
      const server = await startDistServerForTest({ versions: [{ version: '1.0.0' }] });
      const env = cleanEnv({ LAUNCHER_DIST_URL: server.indexUrl });
      const home = env.LAUNCHER_HOME!;
      if (command === 'uninstall') placeVersion(home, '1.0.0', { bins: { mycc: 'bin/mycc' } });
      const pid = await holdRehashLock(home);
      const args = command === 'rehash' ? [command] : [command, '1.0.0'];
      const child = spawn(process.execPath, [LAUNCHER_BIN, ...args], {
        env,
        cwd: tempDir(),
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      children.push(child);
      let stderr = '';
      const note = `launcher: waiting for process ${pid}, which is refreshing the shims`;
      await new Promise<void>((resolve) => {
        child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
          stderr += chunk;
          if (stderr.includes(note)) resolve();
        });
      });
      const exited = once(child, 'close');
      child.kill(signal);
      expect(await exited).toEqual([null, signal]);
      // The holder's lock is untouched, and our own prepared lock is gone.
      expect(readdirSync(path.join(home, 'shims'))).toEqual(['.rehash.lock']);
      expect(readdirSync(path.join(home, 'shims', '.rehash.lock'))).toEqual(['owner-holder']);
    },
  );
});
