// Starting the child: no shell, the contract's variables, its own process group or the terminal's.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  accessSync,
  closeSync,
  constants,
  fstatSync,
  openSync,
  readSync,
  type Stats,
  statSync,
} from 'node:fs';
import path from 'node:path';
import { errnoCode, isAccessDenied, LauncherError } from '../errors.js';
import { EnvVars } from '../ipc/protocol.js';
import { findProgram, SYSTEM_PATH } from '../util/search-path.js';
import { searchDenied } from '../util/unsearchable-dir.js';
import { workingDir } from '../util/working-dir.js';

/** Everything needed to start one child. */
export interface SpawnPlan {
  command: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdio: 'inherit' | 'pipe';
  /** `own`: the child leads a new process group; `shared`: it stays in the launcher's. */
  group: 'own' | 'shared';
}

/** The child's environment: the base, the version's bin directory first on PATH, the channel. */
export function childEnv(
  base: NodeJS.ProcessEnv,
  channel: { socket: string; token: string; session: string },
  pathPrepend?: string,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  if (pathPrepend) {
    // Windows spells it `Path`; keep whichever spelling the environment already uses.
    const key = Object.keys(env).find((k) => k.toUpperCase() === 'PATH') ?? 'PATH';
    env[key] = env[key] ? `${pathPrepend}${path.delimiter}${env[key]}` : pathPrepend;
  }
  env[EnvVars.socket] = channel.socket;
  env[EnvVars.token] = channel.token;
  env[EnvVars.session] = channel.session;
  return env;
}

// A candidate in a directory this user may not search (a relative PATH entry under a directory
// closed since) is passed over, as execvp passes it over.
function statOrDenied(candidate: string): Stats | undefined {
  try {
    return statSync(candidate, { throwIfNoEntry: false });
  } catch (error) {
    if (isAccessDenied(error)) return undefined;
    throw error;
  }
}

/**
 * Find the program as execvp would (a name with a slash is a path, else the first match on the
 * child's PATH), so a missing or non-executable bin is a clear error before anything starts.
 */
function resolveCommand(command: string, env: NodeJS.ProcessEnv, cwd: string): string {
  if (process.platform === 'win32') {
    if (isBatchFile(command)) throw batchFileRefused(command);
    return command;
  }
  const candidates = command.includes('/')
    ? [path.resolve(cwd, command)]
    : (env.PATH ?? '').split(path.delimiter).map((dir) => path.resolve(cwd, dir || '.', command));
  // The first candidate that is there but cannot be run: what exec would report, unless a
  // later one can be run (a directory, as a shell says of it, 126; so is a missing execute bit).
  let unusable: LauncherError | undefined;
  for (const candidate of candidates) {
    const stat = statOrDenied(candidate);
    if (stat?.isDirectory()) {
      unusable ??= new LauncherError('E_NOT_EXECUTABLE', `${candidate} is a directory`, {
        hint: 'Give the path of the program itself, not of a directory.',
      });
      continue;
    }
    if (!stat?.isFile()) continue;
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      unusable ??= new LauncherError('E_NOT_EXECUTABLE', `${candidate} is not executable`, {
        hint: `Make it executable (chmod +x ${candidate}), or reinstall the version.`,
      });
      continue;
    }
    checkInterpreter(candidate);
    return candidate;
  }
  if (unusable) throw unusable;
  throw new LauncherError('E_NO_SUCH_BIN', `cannot find the program "${command}"`, {
    hint: command.includes('/')
      ? `Check that ${path.resolve(cwd, command)} exists.`
      : 'Check the name, or the PATH given to the supervisor.',
  });
}

/**
 * Whether Windows would run `program` as a batch file (`.cmd`, `.bat`; Windows drops trailing
 * dots and spaces from a name). Node.js (since its fix of CVE-2024-27980) starts one only
 * through a shell, where cmd.exe would parse its arguments a second time: launcher runs none.
 */
export function isBatchFile(program: string): boolean {
  return /\.(?:cmd|bat)[. ]*$/i.test(program);
}

/** A batch file refused (126): before the spawn, or by Node's spawn itself (`cause`). */
function batchFileRefused(program: string, cause?: unknown): LauncherError {
  const why =
    cause === undefined
      ? 'it is a batch file (.cmd, .bat), which Node.js starts only through cmd.exe'
      : 'Node.js refused it (spawn EINVAL), as it refuses a batch file (.cmd, .bat) it would have to start through cmd.exe';
  return new LauncherError(
    'E_NOT_EXECUTABLE',
    `cannot start ${program}: ${why}, and cmd.exe would parse its arguments a second time`,
    {
      hint: "Run the program's .exe instead (a managed version's index should declare it as the bin); for a `system` version, put a directory holding a real executable of it (.exe) before this one on PATH.",
      cause,
    },
  );
}

/**
 * A script whose `#!` interpreter is missing cannot be started, yet exec reports it as the
 * script itself missing (ENOENT), and through setpriv as an exit with 127 that a restart policy
 * would retry. Said here, naming the interpreter: E_NOT_EXECUTABLE (126). Only an absolute
 * interpreter path is checked, as the kernel takes it; one read of the file's first bytes.
 */
function checkInterpreter(program: string): void {
  const head = Buffer.alloc(256);
  let length: number;
  try {
    const fd = openSync(program, 'r');
    try {
      length = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return; // unreadable but executable: let exec judge
  }
  if (length < 3 || head[0] !== 0x23 || head[1] !== 0x21) return;
  const text = head.toString('latin1', 2, length);
  // A line longer than what was read may have its interpreter cut: not ours to judge.
  if (!text.includes('\n') && length === head.length) return;
  const line = text.split('\n', 1)[0]!;
  const interpreter = line.trim().split(/[ \t]/, 1)[0]!;
  if (!interpreter.startsWith('/')) return;
  let problem: string | undefined;
  try {
    if (!statSync(interpreter).isFile()) problem = 'is not a file';
    else accessSync(interpreter, constants.X_OK);
  } catch (error) {
    // A path through a file (ENOTDIR) leads nowhere either; a loop, or a directory this user
    // may not enter, makes it as unusable as a missing execute bit.
    const code = errnoCode(error);
    problem = code === 'ENOENT' || code === 'ENOTDIR' ? 'does not exist' : 'cannot be run';
  }
  if (problem) {
    throw new LauncherError(
      'E_NOT_EXECUTABLE',
      `${program} cannot be started: its interpreter ${interpreter} (named on its #! line) ${problem}`,
      { hint: `Install ${interpreter}, or correct the first line of ${program}.` },
    );
  }
}

// The lookup is kept per PATH: a start-up snapshot keeps what the build found, and a later call
// may run with another PATH.
let setprivLookup: { readonly path: string; readonly found: string | undefined } | undefined;

// util-linux's setpriv sets the parent-death signal and then execs the program: the child keeps
// its pid and dies the moment the launcher does, even from SIGKILL. Found in absolute PATH entries
// only, and spawned by that path (see findProgram).
function findSetpriv(): string | undefined {
  if (process.platform !== 'linux') return undefined;
  const searchPath = process.env.PATH ?? SYSTEM_PATH;
  if (setprivLookup?.path !== searchPath) {
    setprivLookup = { path: searchPath, found: findProgram('setpriv', searchPath) };
  }
  return setprivLookup.found;
}

/**
 * Create Node's stdout and stderr streams now, before a child inherits those files. Node makes a
 * pipe or socket non-blocking when it first wraps it in a stream, and the open file is shared with
 * the child: a compiler writing to it then gets EAGAIN when the reader is slow, and loses output.
 * Node creates the streams on first use, which its own socket code causes at any time (destroying
 * a socket reads `process.stderr`). Made before the spawn, that change is undone in the child:
 * libuv puts the inherited fds 0–2 back in blocking mode before it runs the program.
 */
function settleOwnOutput(): void {
  if (isPipeOrSocket(1)) void process.stdout;
  if (isPipeOrSocket(2)) void process.stderr;
}

// Only those are changed: Node writes to a file synchronously, and gives a terminal a file of
// its own (libuv reopens it) before it makes it non-blocking.
function isPipeOrSocket(fd: number): boolean {
  try {
    const st = fstatSync(fd);
    return st.isFIFO() || st.isSocket();
  } catch {
    return false;
  }
}

/**
 * Whether the child is to inherit the launcher's working directory rather than be given `cwd`:
 * only when `cwd` is that directory and its path cannot serve to enter it. Either its name was
 * lost in decoding (Node reads bytes that are not UTF-8 as U+FFFD, so the string names another
 * directory or none), or this user may not search a directory on the way (the launcher stays in
 * a directory it can no longer reach by its path, and so may the child: chdir by the path would
 * fail with EACCES, and the spawn with it). Any other directory is named, so that a restart
 * enters the directory by its path again: one removed and made anew (`rm -rf out && mkdir out`)
 * is entered as the new one, not kept as the deleted one. The string tests come first;
 * process.cwd() is cached by Node; the launcher's own directory costs one access() call.
 */
function inheritsCwd(cwd: string): boolean {
  if (cwd !== workingDir()) return false;
  return cwd.includes('\uFFFD') || searchDenied(cwd);
}

/**
 * Spawn the child. In its own group it is started through `setpriv --pdeathsig KILL` where that
 * exists; in the terminal's group it is not, because a child killed at the launcher's death
 * would orphan its descendants before the watchdog could find them under it.
 */
export function spawnChild(plan: SpawnPlan): ChildProcess {
  const program = resolveCommand(plan.command, plan.env, plan.cwd);
  if (plan.stdio !== 'pipe') settleOwnOutput();
  const setpriv = plan.group === 'own' ? findSetpriv() : undefined;
  const [file, args] = setpriv
    ? [setpriv, ['--pdeathsig', 'KILL', '--', program, ...plan.args]]
    : [program, [...plan.args]];
  try {
    return spawn(file, args, {
      cwd: inheritsCwd(plan.cwd) ? undefined : plan.cwd,
      env: plan.env,
      argv0: setpriv ? undefined : plan.command,
      stdio: plan.stdio === 'pipe' ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      detached: plan.group === 'own',
      shell: false,
      windowsHide: true,
    });
  } catch (error) {
    throw spawnRefusal(error, program) ?? error;
  }
}

/**
 * What spawn threw at once, as the user's error when it is Windows' refusal of a batch file:
 * Node throws EINVAL for one there (elsewhere EINVAL stays what it is).
 */
export function spawnRefusal(
  error: unknown,
  program: string,
  platform: NodeJS.Platform = process.platform,
): LauncherError | undefined {
  return platform === 'win32' && errnoCode(error) === 'EINVAL'
    ? batchFileRefused(program, error)
    : undefined;
}
