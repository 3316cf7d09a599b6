// Finds endpoints whose owner was killed (nobody accepts on the socket) and removes them.
import { lstatSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { errnoCode } from '../errors.js';

// A directory without a socket may belong to a run that is between mkdtemp and listen.
const ABANDONED_AFTER_MS = 60_000;

/** Name of the socket inside its private directory; short, to leave room under the length limit. */
export const SOCKET_FILE = 'sock';

/**
 * Sweep the sockets directory: a socket that refuses connections belongs to a dead run, and so
 * does a directory that has held no socket for a minute. `onStale` sees each such directory
 * first (to clean up what that run left behind); then the directory is removed. Without
 * `onStale`, a stale directory holding more than its socket is left for a sweep that has one.
 * `own`, the caller's own endpoint directory, is not probed: it is alive.
 */
export async function sweepStaleSockets(
  socketsDir: string,
  onStale?: (dir: string) => unknown,
  own?: string,
): Promise<string[]> {
  let names: string[];
  try {
    // Synchronous listing and lstat (local, tiny): only the probes of sockets need to wait.
    names = readdirSync(socketsDir);
  } catch {
    return [];
  }
  const stale: string[] = [];
  await Promise.all(
    names.map(async (name) => {
      const dir = path.join(socketsDir, name);
      if (dir === own || !(await isStale(dir))) return;
      // Something besides the socket (a record of a child) is for an owner who knows it.
      if (!onStale && readdirSync(dir).some((entry) => entry !== SOCKET_FILE)) return;
      try {
        await onStale?.(dir);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      stale.push(dir);
    }),
  );
  return stale;
}

async function isStale(dir: string): Promise<boolean> {
  const socket = path.join(dir, SOCKET_FILE);
  try {
    const st = lstatSync(socket);
    if (!st.isSocket()) return false;
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') return false;
    try {
      const st = lstatSync(dir);
      return st.isDirectory() && Date.now() - st.mtimeMs > ABANDONED_AFTER_MS;
    } catch {
      return false;
    }
  }
  return (await probe(socket)) === 'refused';
}

// Only a refusal proves the owner is gone; any other failure leaves the socket alone.
function probe(socket: string): Promise<'alive' | 'refused' | 'unknown'> {
  return new Promise((resolve) => {
    const client = net.connect(socket);
    client.once('connect', () => {
      client.destroy();
      resolve('alive');
    });
    client.once('error', (error) => {
      resolve(errnoCode(error) === 'ECONNREFUSED' ? 'refused' : 'unknown');
    });
  });
}
