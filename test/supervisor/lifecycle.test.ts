// The supervisor's life with well-behaved and stubborn children: start, ready, stop, requests.
import { mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { launcherPaths, Supervisor } from '../../src/supervisor/index.js';
import { isBatchFile, spawnChild, spawnRefusal } from '../../src/supervisor/spawn-child.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { onPlatform } from '../helpers/platform.js';
import { FakeClock } from './fake-clock.js';
import { alive, fixture, nextEvent, record, supervise } from './helpers.js';

describe('a cooperative server child', () => {
  it('connects, reports ready with its port, and publishes diagnostics and logs', async () => {
    const { supervisor } = supervise(fixture('cooperative-server.mjs'));
    const connected = nextEvent(supervisor, 'connected');
    const ready = nextEvent(supervisor, 'ready');
    const diagnostics = nextEvent(supervisor, 'diagnostics');
    const log = nextEvent(supervisor, 'log');
    await supervisor.start();
    const [hello] = await connected;
    expect(hello).toMatchObject({
      name: 'coop',
      version: '1.0.0',
      server: true,
      protocolVersion: 1,
    });
    expect(hello).not.toHaveProperty('token');
    const [info] = await ready;
    expect(info.port).toBeGreaterThan(0);
    expect(info.url).toBe(`http://127.0.0.1:${info.port}/`);
    const [published] = await diagnostics;
    expect(published.uri).toBe('file:///project/main.my');
    expect(published.diagnostics[0]).toMatchObject({ code: 'E1', message: 'unknown name' });
    expect((await log)[0]).toEqual({ level: 'info', message: `serving on ${info.port}` });
    const snapshot = supervisor.snapshot();
    expect(snapshot).toMatchObject({
      state: 'ready',
      port: info.port,
      pid: process.pid,
      restarts: 0,
    });
    expect(snapshot.childPid).toBe(hello.pid);
    expect(supervisor.diagnostics()).toEqual([published]);
  });

  it('stops it gracefully: the shutdown request is answered and the child exits 0 on its own', async () => {
    const { supervisor, stdout } = supervise(fixture('cooperative-server.mjs'));
    const ready = nextEvent(supervisor, 'ready');
    const states = record(supervisor, 'state');
    const exits = record(supervisor, 'exit');
    const starting = nextEvent(supervisor, 'starting');
    await supervisor.start();
    expect((await starting)[0].pid).toBe(supervisor.snapshot().childPid);
    await ready;
    await supervisor.stop('tests are done');
    expect(exits).toEqual([[expect.objectContaining({ code: 0, signal: null, cause: 'stopped' })]]);
    expect(stdout()).toContain('stopped: tests are done');
    expect(states.map(([s]) => s.state)).toEqual(['starting', 'ready', 'stopping', 'exited']);
    expect(await supervisor.wait()).toEqual({
      code: 0,
      signal: null,
      cause: 'stopped',
      restarts: 0,
    });
    expect(supervisor.snapshot()).toMatchObject({ state: 'exited', childPid: null, port: null });
  });

  it('forwards requests to the child and its answers back, and unknown ones get -32601', async () => {
    const { supervisor } = supervise(fixture('cooperative-server.mjs'));
    const ready = nextEvent(supervisor, 'ready');
    await supervisor.start();
    await ready;
    await expect(supervisor.request('coop/echo', { n: 1 })).resolves.toEqual({
      echoed: { n: 1 },
      session: supervisor.session,
    });
    await expect(supervisor.request('launcher/ping', {})).resolves.toEqual({});
    await expect(supervisor.request('coop/no-such-method', {})).rejects.toMatchObject({
      code: -32601,
    });
    await expect(supervisor.notify('coop/anything', {})).resolves.toBeUndefined();
  });

  it('sends params exactly as given, an empty array too, and refuses a scalar (E_USAGE)', async () => {
    const { supervisor } = supervise(fixture('cooperative-server.mjs'));
    const ready = nextEvent(supervisor, 'ready');
    await supervisor.start();
    await ready;
    for (const params of [[], [1], [[1]], {}]) {
      await expect(supervisor.request('coop/echo', params)).resolves.toEqual({
        echoed: params,
        session: supervisor.session,
      });
    }
    await expect(supervisor.request('coop/echo')).resolves.toEqual({ session: supervisor.session });
    await expect(supervisor.request('coop/echo', 'str')).rejects.toMatchObject({
      code: 'E_USAGE',
      message: 'the params of coop/echo must be an array or an object (or absent), not "str"',
    });
    await expect(supervisor.notify('coop/echo', 0)).rejects.toMatchObject({ code: 'E_USAGE' });
  });

  it('answers a request sent from a connected listener', async () => {
    const { supervisor } = supervise(fixture('cooperative-server.mjs'));
    const answer = new Promise((resolve, reject) =>
      supervisor.once('connected', () => supervisor.request('launcher/ping').then(resolve, reject)),
    );
    await supervisor.start();
    await expect(answer).resolves.toEqual({});
  });

  it('runs the shutdown handler of a child stopped from a connected listener', async () => {
    const { supervisor, stdout } = supervise(fixture('shutdown-at-once.mjs'));
    const stopped = new Promise((resolve, reject) =>
      supervisor.once('connected', () => supervisor.stop('stopped at once').then(resolve, reject)),
    );
    await supervisor.start();
    await stopped;
    expect(await supervisor.wait()).toMatchObject({ code: 0, signal: null, cause: 'stopped' });
    expect(stdout()).toBe('shutdown: stopped at once\n');
  });

  it('refuses requests with a clear error while no child is connected', async () => {
    const { supervisor } = supervise(fixture('ignores-sigterm.mjs'));
    await expect(supervisor.request('coop/echo', {})).rejects.toMatchObject({ code: 'E_SESSION' });
    await supervisor.start();
    await expect(supervisor.notify('coop/echo', {})).rejects.toMatchObject({ code: 'E_SESSION' });
  });
});

describe('the child environment', () => {
  it('holds a private socket, a fresh token, the session and the bin directory first on PATH', async () => {
    const binDir = path.join(path.sep, 'opt', 'mycc', 'bin');
    const { supervisor } = supervise(fixture('env-report.mjs'), {
      pathPrepend: binDir,
      sessionId: 'session-42',
    });
    const log = nextEvent(supervisor, 'log');
    await supervisor.start();
    const report = JSON.parse((await log)[0].message);
    const socket: string = report.before.LAUNCHER_SOCKET;
    expect(Buffer.byteLength(socket)).toBeLessThanOrEqual(103);
    expect(statSync(socket).isSocket()).toBe(true);
    expect(statSync(path.dirname(socket)).mode & 0o777).toBe(0o700);
    expect(report.before.LAUNCHER_TOKEN).toMatch(/^[0-9a-f]{64}$/);
    expect(report.before.LAUNCHER_SESSION).toBe('session-42');
    expect(report.session).toBe('session-42');
    expect(report.path.split(path.delimiter)[0]).toBe(binDir);
    // connect() took the variables out of the worker's environment, so its children lack them.
    expect(report.after).toEqual({
      LAUNCHER_SOCKET: null,
      LAUNCHER_TOKEN: null,
      LAUNCHER_SESSION: null,
    });
    expect(report.grandchild).toEqual(report.after);
    const outcome = await supervisor.wait();
    expect(outcome).toMatchObject({ code: 0, cause: 'exited' });
  });

  it('puts the socket under the launcher state directory of its env when given no paths', async () => {
    const env = cleanEnv();
    // As a program importing `launcher/supervisor` would: no paths, only what it needs.
    const supervisor = new Supervisor({ ...fixture('env-report.mjs'), env, stdio: 'pipe' });
    const log = nextEvent(supervisor, 'log');
    await supervisor.start();
    const socket: string = JSON.parse((await log)[0].message).before.LAUNCHER_SOCKET;
    const state = launcherPaths(env).state;
    expect(state).toBe(path.join(env.LAUNCHER_HOME!, 'state'));
    expect(path.relative(state, socket).split(path.sep)[0]).toBe('sockets');
    expect(await supervisor.wait()).toMatchObject({ code: 0, cause: 'exited' });
  });

  it('gives each child a new token', async () => {
    const { supervisor } = supervise(fixture('env-report.mjs'), {
      restart: 'always',
      maxRestarts: 1,
    });
    const logs = record(supervisor, 'log');
    const gaveUp = nextEvent(supervisor, 'gave-up');
    await supervisor.start();
    await gaveUp;
    const tokens = logs.map(([l]) => JSON.parse(l.message).before.LAUNCHER_TOKEN);
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).not.toBe(tokens[1]);
  });
});

describe('a child that ignores SIGTERM', () => {
  it('is killed with SIGKILL once the stop timeout has passed', async () => {
    const { supervisor, stdout, line } = supervise(fixture('ignores-sigterm.mjs'), {
      stopTimeoutMs: 300,
    });
    await supervisor.start();
    await line(/^running$/);
    await supervisor.stop();
    expect(stdout()).toContain('ignored SIGTERM');
    expect(await supervisor.wait()).toMatchObject({
      code: null,
      signal: 'SIGKILL',
      cause: 'stopped',
    });
  });
});

describe('a child that cannot be started', () => {
  it('fails start() with E_NO_SUCH_BIN for a missing program, and wait() ends with 127', async () => {
    const { supervisor } = supervise({ command: 'no-such-program-here', args: [] });
    await expect(supervisor.start()).rejects.toMatchObject({ code: 'E_NO_SUCH_BIN' });
    expect(await supervisor.wait()).toEqual({
      code: 127,
      signal: null,
      cause: 'spawn-failed',
      restarts: 0,
    });
    expect(supervisor.snapshot().state).toBe('failed');
  });

  it('fails start() with E_NOT_EXECUTABLE for a file without the execute bit, and wait() ends with 126', async () => {
    const file = path.join(tempDir(), 'mycc');
    writeFileSync(file, '#!/bin/sh\n', { mode: 0o644 });
    const { supervisor } = supervise({ command: file, args: [] });
    await expect(supervisor.start()).rejects.toMatchObject({ code: 'E_NOT_EXECUTABLE' });
    expect(await supervisor.wait()).toMatchObject({ code: 126, cause: 'spawn-failed' });
  });

  it('fails start() with E_NOT_EXECUTABLE for a directory, saying so, and wait() ends with 126', async () => {
    const dir = tempDir();
    const { supervisor } = supervise({ command: dir, args: [] });
    await expect(supervisor.start()).rejects.toMatchObject({
      code: 'E_NOT_EXECUTABLE',
      message: `${dir} is a directory`,
      hint: 'Give the path of the program itself, not of a directory.',
    });
    expect(await supervisor.wait()).toMatchObject({ code: 126, cause: 'spawn-failed' });
  });

  // exec reports a missing interpreter as the script missing, and through setpriv (own group) as
  // an exit with 127 a restart policy would retry: said before anything starts, naming it.
  for (const processGroup of ['own', 'shared'] as const) {
    it(`fails start() with E_NOT_EXECUTABLE naming a missing #! interpreter (${processGroup} group), never restarting`, async () => {
      const file = path.join(tempDir(), 'mycc');
      writeFileSync(file, '#!/no/such/interpreter -x\necho hi\n', { mode: 0o755 });
      const { supervisor } = supervise(
        { command: file, args: [] },
        { processGroup, restart: 'always' },
      );
      const restarting = record(supervisor, 'restarting');
      const started = supervisor.start();
      await expect(started).rejects.toMatchObject({
        code: 'E_NOT_EXECUTABLE',
        message: `${file} cannot be started: its interpreter /no/such/interpreter (named on its #! line) does not exist`,
      });
      expect(await supervisor.wait()).toMatchObject({ code: 126, cause: 'spawn-failed' });
      expect(restarting).toEqual([]);
    });
  }

  it('fails start() with E_NOT_EXECUTABLE for a program whose loader is missing (exec says ENOENT)', async () => {
    // /bin/true with the last letter of its loader's path (ELF PT_INTERP) changed: the file is
    // there, exec still says ENOENT. (64-bit little-endian ELF, as on x64 and arm64 Linux.)
    const elf = readFileSync('/bin/true');
    const phoff = Number(elf.readBigUInt64LE(0x20));
    const headers = Array.from(
      { length: elf.readUInt16LE(0x38) },
      (_, i) => phoff + i * elf.readUInt16LE(0x36),
    );
    const interp = headers.find((at) => elf.readUInt32LE(at) === 3)!;
    const end =
      Number(elf.readBigUInt64LE(interp + 8)) + Number(elf.readBigUInt64LE(interp + 32)) - 2;
    elf[end] = 'X'.charCodeAt(0);
    const file = path.join(tempDir(), 'mycc');
    writeFileSync(file, elf, { mode: 0o755 });
    const { supervisor } = supervise({ command: file, args: [] }, { processGroup: 'shared' });
    await expect(supervisor.start()).rejects.toMatchObject({
      code: 'E_NOT_EXECUTABLE',
      hint: expect.stringContaining('built for this machine'),
    });
    expect(await supervisor.wait()).toMatchObject({ code: 126, cause: 'spawn-failed' });
  });

  it('names the interpreter with E_NOT_EXECUTABLE whatever makes it unusable: through a file, a loop', async () => {
    const dir = tempDir();
    const loop = path.join(dir, 'loop');
    symlinkSync(loop, loop);
    for (const [interpreter, problem] of [
      ['/etc/passwd/sh', 'does not exist'],
      [loop, 'cannot be run'],
      [dir, 'is not a file'],
    ] as const) {
      const file = path.join(dir, 'mycc');
      writeFileSync(file, `#!${interpreter}\n`, { mode: 0o755 });
      const { supervisor } = supervise({ command: file, args: [] }, { processGroup: 'shared' });
      await expect(supervisor.start()).rejects.toMatchObject({
        code: 'E_NOT_EXECUTABLE',
        message: `${file} cannot be started: its interpreter ${interpreter} (named on its #! line) ${problem}`,
      });
    }
  });

  it('refuses a batch file on Windows with E_NOT_EXECUTABLE (126) before anything starts', async () => {
    const file = path.join(tempDir(), 'mycc.cmd');
    writeFileSync(file, '@echo off\r\n', { mode: 0o755 });
    const refused = await onPlatform('win32', () => {
      try {
        spawnChild({
          command: file,
          args: [],
          cwd: tempDir(),
          env: {},
          stdio: 'pipe',
          group: 'own',
        });
      } catch (error) {
        return error;
      }
    });
    expect(refused).toMatchObject({
      code: 'E_NOT_EXECUTABLE',
      exitCode: 126,
      message: `cannot start ${file}: it is a batch file (.cmd, .bat), which Node.js starts only through cmd.exe, and cmd.exe would parse its arguments a second time`,
      hint: expect.stringContaining('.exe'),
    });
  });

  it('knows a batch file as Windows does, and turns spawn’s EINVAL there into 126', () => {
    for (const name of ['C:\\x\\mycc.cmd', 'mycc.BAT', 'mycc.Cmd. .', 'C:\\x\\mycc.bat ']) {
      expect(isBatchFile(name)).toBe(true);
    }
    for (const name of ['mycc.exe', 'mycc.cmd.exe', 'cmd', 'mycc', 'C:\\cmd\\mycc.com']) {
      expect(isBatchFile(name)).toBe(false);
    }
    // What Node's spawn throws on Windows for a batch file without a shell.
    const einval = Object.assign(new Error('spawn EINVAL'), { code: 'EINVAL', syscall: 'spawn' });
    expect(spawnRefusal(einval, 'C:\\x\\mycc.cmd', 'win32')).toMatchObject({
      code: 'E_NOT_EXECUTABLE',
      exitCode: 126,
      message: expect.stringContaining('Node.js refused it (spawn EINVAL)'),
      cause: einval,
    });
    expect(spawnRefusal(einval, '/x/mycc', 'linux')).toBeUndefined();
    const enomem = Object.assign(new Error('spawn ENOMEM'), { code: 'ENOMEM' });
    expect(spawnRefusal(enomem, 'C:\\x\\mycc.exe', 'win32')).toBeUndefined();
  });

  it('starts a script whose #! line names its interpreter through env', async () => {
    const file = path.join(tempDir(), 'via-env');
    writeFileSync(file, '#!/usr/bin/env sh\nexit 3\n', { mode: 0o755 });
    const { supervisor } = supervise({ command: file, args: [] }, { restart: 'no' });
    await supervisor.start();
    expect(await supervisor.wait()).toMatchObject({ code: 3 });
  });

  it('fails start() when no socket can be made, and wait() still ends', async () => {
    const home = path.join(tempDir(), 'h'.repeat(90));
    mkdirSync(home);
    const { supervisor } = supervise(fixture('crash.mjs', '0'), {
      env: cleanEnv({ LAUNCHER_HOME: home }),
    });
    await expect(supervisor.start()).rejects.toMatchObject({ code: 'E_BAD_CONFIG' });
    expect(await supervisor.wait()).toMatchObject({ code: 2, cause: 'spawn-failed' });
  });
});

describe('Ctrl-C and the terminal', () => {
  it('holds SIGINT back from a child sharing the terminal, which already got it, for half the stop timeout', async () => {
    const clock = new FakeClock();
    const { supervisor, line } = supervise(fixture('ignores-sigterm.mjs'), {
      processGroup: 'shared',
      stopTimeoutMs: 1000,
      clock,
    });
    await supervisor.start();
    await line(/^running$/);
    const pid = supervisor.snapshot().childPid!;
    const stopping = nextEvent(supervisor, 'state', (s) => s.state === 'stopping');
    const stopped = supervisor.stop('interrupted', { signal: 'SIGINT' });
    await stopping;
    expect(clock.pending()).toContain(500);
    expect(alive(pid)).toBe(true);
    clock.advance(500);
    await stopped;
    expect(await supervisor.wait()).toMatchObject({ signal: 'SIGINT', cause: 'stopped' });
  });

  it('passes SIGINT on at once to a child in its own process group', async () => {
    const clock = new FakeClock();
    const { supervisor, line } = supervise(fixture('ignores-sigterm.mjs'), {
      processGroup: 'own',
      stopTimeoutMs: 1000,
      clock,
    });
    await supervisor.start();
    await line(/^running$/);
    await supervisor.stop('interrupted', { signal: 'SIGINT' });
    expect(await supervisor.wait()).toMatchObject({ signal: 'SIGINT', cause: 'stopped' });
  });
});
