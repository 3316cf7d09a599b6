// Private endpoints: where they go, how long their path may be, and sweeping dead ones.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkSocketPathFits,
  connectEndpoint,
  createEndpoint,
  type SocketEndpoint,
} from '../../src/ipc/endpoint.js';
import { newToken, sameToken } from '../../src/ipc/token.js';
import { launcherPaths } from '../../src/paths.js';
import { cleanEnv, tempDir } from '../helpers/env.js';

const endpoints: SocketEndpoint[] = [];
afterEach(async () => {
  await Promise.all(endpoints.splice(0).map((e) => e.close()));
});

async function endpoint(paths: ReturnType<typeof launcherPaths>, onStale?: (dir: string) => void) {
  const made = await createEndpoint(paths, { prefix: 't', onStale });
  endpoints.push(made);
  return made;
}

// A socket left by a process that was SIGKILLed while listening: nobody accepts on it any more.
async function deadSocket(dir: string): Promise<string> {
  mkdirSync(dir, { mode: 0o700 });
  const address = path.join(dir, 'sock');
  const owner = spawn(
    process.execPath,
    [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(address)}, () => console.log('up'))`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await once(owner.stdout!, 'data');
  owner.kill('SIGKILL');
  await once(owner, 'exit');
  expect(statSync(address).isSocket()).toBe(true);
  return address;
}

describe('createEndpoint', () => {
  it('listens in a fresh 0700 directory under the state directory’s sockets/', async () => {
    const paths = launcherPaths(cleanEnv());
    const made = await endpoint(paths);
    expect(path.dirname(made.dir!)).toBe(path.join(paths.state, 'sockets'));
    expect(statSync(made.dir!).mode & 0o777).toBe(0o700);
    expect(made.address).toBe(path.join(made.dir!, 'sock'));
    expect(Buffer.byteLength(made.address)).toBeLessThanOrEqual(103);
    const client = await connectEndpoint(made.address);
    client.destroy();
    const other = await endpoint(paths);
    expect(other.dir).not.toBe(made.dir);
  });

  it('removes its directory when closed', async () => {
    const made = await endpoint(launcherPaths(cleanEnv()));
    await made.close();
    expect(existsSync(made.dir!)).toBe(false);
    await expect(connectEndpoint(made.address)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a socket path over 103 bytes before creating anything, with a fix', async () => {
    const home = path.join(tempDir(), 'h'.repeat(80));
    mkdirSync(home);
    const paths = launcherPaths(cleanEnv({ LAUNCHER_HOME: home }));
    await expect(createEndpoint(paths)).rejects.toMatchObject({
      code: 'E_BAD_CONFIG',
      hint: expect.stringContaining('LAUNCHER_HOME'),
    });
    expect(readdirSync(path.join(paths.state, 'sockets'))).toEqual([]);
  });

  it('with LAUNCHER_HOME set, offers only a shorter LAUNCHER_HOME as the fix for a long path', () => {
    const home = path.join(tempDir(), 'h'.repeat(80));
    const paths = launcherPaths({ LAUNCHER_HOME: home, XDG_RUNTIME_DIR: tempDir() });
    expect(() => checkSocketPathFits(paths)).toThrow(
      expect.objectContaining({
        code: 'E_BAD_CONFIG',
        hint: 'Set LAUNCHER_HOME to a shorter directory, such as ~/.launcher (while LAUNCHER_HOME is set, sockets live under $LAUNCHER_HOME/state and XDG_RUNTIME_DIR is not used).',
      }),
    );
  });

  it('with LAUNCHER_HOME unset, offers a shorter LAUNCHER_HOME or XDG_RUNTIME_DIR for a long path', () => {
    const runtime = path.join(tempDir(), 'r'.repeat(80));
    mkdirSync(runtime, { mode: 0o700 });
    const paths = launcherPaths({ XDG_RUNTIME_DIR: runtime });
    expect(paths.state).toBe(path.join(runtime, 'launcher'));
    expect(() => checkSocketPathFits(paths)).toThrow(
      expect.objectContaining({
        code: 'E_BAD_CONFIG',
        hint: 'Set LAUNCHER_HOME to a shorter directory, such as ~/.launcher, or set XDG_RUNTIME_DIR to a short directory that is yours with mode 0700, so the state directory becomes $XDG_RUNTIME_DIR/launcher.',
      }),
    );
  });
});

describe('sweeping endpoints of dead runs', () => {
  it('removes a socket nobody accepts on, after showing its directory to onStale', async () => {
    const paths = launcherPaths(cleanEnv());
    const sockets = path.join(paths.state, 'sockets');
    mkdirSync(sockets, { recursive: true, mode: 0o700 });
    const dead = path.join(sockets, 'w-dead01');
    await deadSocket(dead);
    writeFileSync(path.join(dead, 'child.json'), '{}');
    const seen: string[] = [];
    await endpoint(paths, (dir) => {
      seen.push(dir);
    });
    expect(seen).toEqual([dead]);
    expect(existsSync(dead)).toBe(false);
  });

  it('leaves a dead directory holding a record to a sweep that knows what to do with it', async () => {
    const paths = launcherPaths(cleanEnv());
    const sockets = path.join(paths.state, 'sockets');
    mkdirSync(sockets, { recursive: true, mode: 0o700 });
    const recorded = path.join(sockets, 'w-dead02');
    await deadSocket(recorded);
    writeFileSync(path.join(recorded, 'child.json'), '{}');
    const bare = path.join(sockets, 'c-dead03');
    await deadSocket(bare);
    await endpoint(paths);
    expect(existsSync(recorded)).toBe(true);
    expect(existsSync(bare)).toBe(false);
  });

  it('keeps the endpoints of live runs', async () => {
    const paths = launcherPaths(cleanEnv());
    const live = await endpoint(paths);
    await endpoint(paths);
    const client = await connectEndpoint(live.address);
    client.destroy();
  });

  it('removes a directory without a socket only once it is a minute old', async () => {
    const paths = launcherPaths(cleanEnv());
    const sockets = path.join(paths.state, 'sockets');
    mkdirSync(sockets, { recursive: true, mode: 0o700 });
    const young = path.join(sockets, 't-young1');
    const old = path.join(sockets, 't-old001');
    mkdirSync(young);
    mkdirSync(old);
    const minuteAgo = new Date(Date.now() - 61_000);
    utimesSync(old, minuteAgo, minuteAgo);
    await endpoint(paths);
    expect([existsSync(young), existsSync(old)]).toEqual([true, false]);
  });
});

describe('tokens', () => {
  it('are 64 hex characters, new each time', () => {
    const tokens = new Set(Array.from({ length: 100 }, newToken));
    expect(tokens.size).toBe(100);
    for (const token of tokens) expect(token).toMatch(/^[0-9a-f]{64}$/);
  });

  it('match only the same token, whatever is offered', () => {
    const token = newToken();
    expect(sameToken(token, token)).toBe(true);
    expect(sameToken(token, newToken())).toBe(false);
    expect(sameToken(token, token.slice(1))).toBe(false);
    expect(sameToken(token, `${token}0`)).toBe(false);
    expect(sameToken(token, undefined)).toBe(false);
    expect(sameToken(token, 42)).toBe(false);
  });
});
