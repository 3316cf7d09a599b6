// A private place to listen: a Unix socket in a fresh 0700 directory, or a named pipe on Windows.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { LauncherError } from '../errors.js';
import { ensureStateDir, type LauncherPaths, stateSubdir } from '../paths.js';
import { randomHex } from '../util/random.js';
import { SOCKET_FILE, sweepStaleSockets } from './stale-sockets.js';

/** Longest socket path we use (spec §6); Node silently truncates longer ones and then loses them. */
export const MAX_SOCKET_PATH_BYTES = 103;

/** A listening endpoint and everything needed to tell a client where it is and to tear it down. */
export interface SocketEndpoint {
  /** What a client connects to: a socket path, or `\\.\pipe\launcher-<32 hex>` on Windows. */
  readonly address: string;
  /** The private directory holding the socket; undefined for a named pipe. */
  readonly dir: string | undefined;
  readonly server: net.Server;
  /** Stop listening and remove the directory. Open connections are not cut. */
  close(): Promise<void>;
}

export interface EndpointOptions {
  /** Prefix of the private directory's name, to tell endpoints apart when listing them. */
  prefix?: string;
  /** Called with each stale directory found on the way (its owner died) before it is removed. */
  onStale?: (dir: string) => unknown;
  /** Sweep the endpoints of dead runs first (default true); false leaves it to the caller. */
  sweep?: boolean;
}

/**
 * Listen on a new private endpoint under the state directory's `sockets/`. On the way, endpoints
 * left by killed runs are swept. Listening happens before the address is returned, so a child
 * given the address can always connect.
 */
export async function createEndpoint(
  paths: LauncherPaths,
  options: EndpointOptions = {},
): Promise<SocketEndpoint> {
  const server = net.createServer();
  if (process.platform === 'win32') {
    const address = `\\\\.\\pipe\\launcher-${randomHex(16)}`;
    await listen(server, address);
    return { address, dir: undefined, server, close: () => closeServer(server) };
  }
  const socketsDir = ensureStateDir(paths, 'sockets');
  const prefix = `${options.prefix ?? 's'}-`;
  checkSocketPathFits(paths, prefix);
  if (options.sweep !== false) await sweepStaleSockets(socketsDir, options.onStale);
  // Synchronous file calls: each asynchronous one costs a trip through the thread pool, and the
  // shim's hot path waits for this endpoint before it can start the compiler.
  const dir = mkdtempSync(path.join(socketsDir, prefix));
  const address = path.join(dir, SOCKET_FILE);
  try {
    await listen(server, address);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new LauncherError('E_IO', `cannot listen on ${address}: ${(error as Error).message}`, {
      hint: `Check that ${socketsDir} is a local directory you own.`,
      cause: error,
    });
  }
  return {
    address,
    dir,
    server,
    close: async () => {
      await closeServer(server);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The path a socket made under the state directory's `sockets/` will have, checked against the
 * limit before any socket is made (also by `launcher doctor`). Throws E_BAD_CONFIG, with the
 * fix, when it is too long.
 */
export function checkSocketPathFits(paths: LauncherPaths, prefix = 's-'): string {
  // mkdtemp appends six characters to the prefix.
  const expected = path.join(stateSubdir(paths, 'sockets'), `${prefix}XXXXXX`, SOCKET_FILE);
  const bytes = Buffer.byteLength(expected);
  if (bytes > MAX_SOCKET_PATH_BYTES) {
    throw new LauncherError(
      'E_BAD_CONFIG',
      `the socket path ${expected} would be ${bytes} bytes, more than the ${MAX_SOCKET_PATH_BYTES} a Unix socket allows`,
      { hint: shorterStateHint(paths) },
    );
  }
  return expected;
}

// With LAUNCHER_HOME set the state directory is always $LAUNCHER_HOME/state (spec §1), so only
// a shorter LAUNCHER_HOME helps; XDG_RUNTIME_DIR counts only when LAUNCHER_HOME is unset.
function shorterStateHint(paths: LauncherPaths): string {
  if (paths.home !== undefined)
    return 'Set LAUNCHER_HOME to a shorter directory, such as ~/.launcher (while LAUNCHER_HOME is set, sockets live under $LAUNCHER_HOME/state and XDG_RUNTIME_DIR is not used).';
  return 'Set LAUNCHER_HOME to a shorter directory, such as ~/.launcher, or set XDG_RUNTIME_DIR to a short directory that is yours with mode 0700, so the state directory becomes $XDG_RUNTIME_DIR/launcher.';
}

function listen(server: net.Server, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(address, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

// Stops accepting at once; the 'close' callback would wait for every open connection to end.
function closeServer(server: net.Server): Promise<void> {
  if (server.listening) server.close();
  return Promise.resolve();
}

/** Connect to an endpoint's address; rejects with Node's error (ENOENT, ECONNREFUSED, …). */
export function connectEndpoint(address: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(address);
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}
