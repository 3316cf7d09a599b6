// A real terminal for tests: an interactive `sh` in tmux (send-keys, capture-pane), or, where tmux
// is not installed, in a pseudo-terminal opened by Python's standard `pty` module.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Terminal {
  /** Type text (a newline presses Enter). */
  type(text: string): void;
  /** Press Ctrl-C. */
  ctrlC(): void;
  /** Press Ctrl and a key: `\\` (SIGQUIT), `z` (SIGTSTP), ... */
  control(key: string): void;
  /** Give the window a new size, as a user dragging its edge (the foreground gets SIGWINCH). */
  resize(columns: number, rows: number): void;
  /** Wait until the screen matches, and return the match. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Everything shown so far (tmux: the pane's text). */
  screen(): string;
  close(): void;
}

// LAUNCHER_TEST_TERMINAL=pty forces the fallback, to check it on a machine that has tmux.
const hasTmux =
  process.env.LAUNCHER_TEST_TERMINAL !== 'pty' && spawnSync('tmux', ['-V']).status === 0;
/** Which terminal the tests get; both are real terminals with job control. */
export const TERMINAL_KIND = hasTmux ? 'tmux' : 'python pty';

/** Open a terminal running an interactive POSIX shell in `cwd` with `env`. */
export function openTerminal(env: NodeJS.ProcessEnv, cwd: string): Terminal {
  const shellEnv = { ...env, PS1: '$ ', ENV: '' };
  return hasTmux ? tmuxTerminal(shellEnv, cwd) : ptyTerminal(shellEnv, cwd);
}

async function poll(
  read: () => string,
  pattern: RegExp,
  timeoutMs: number,
): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = read().match(pattern);
    if (match) return match;
    if (Date.now() > deadline)
      throw new Error(`the terminal never showed ${pattern}; it shows:\n${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function tmuxTerminal(env: NodeJS.ProcessEnv, cwd: string): Terminal {
  // A server of its own, on a socket in a directory of its own that close() removes (`-L` would
  // leave a socket file behind in tmux's shared directory for every test).
  const socketDir = mkdtempSync(path.join(os.tmpdir(), 'launcher-tmux-'));
  const tmux = (...args: string[]) =>
    spawnSync('tmux', ['-S', path.join(socketDir, 'socket'), '-f', '/dev/null', ...args], {
      env,
      encoding: 'utf8',
    });
  const started = tmux(
    'new-session',
    '-d',
    '-s',
    't',
    '-x',
    '200',
    '-y',
    '50',
    '-c',
    cwd,
    '/bin/sh',
  );
  if (started.status !== 0) {
    rmSync(socketDir, { recursive: true, force: true });
    throw new Error(`tmux did not start: ${started.stderr}`);
  }
  const screen = () => tmux('capture-pane', '-p', '-J', '-S', '-200', '-t', 't').stdout;
  return {
    type: (text) => {
      for (const [i, line] of text.split('\n').entries()) {
        if (i > 0) tmux('send-keys', '-t', 't', 'Enter');
        if (line) tmux('send-keys', '-t', 't', '-l', line);
      }
    },
    ctrlC: () => tmux('send-keys', '-t', 't', 'C-c'),
    control: (key) => tmux('send-keys', '-t', 't', `C-${key}`),
    resize: (columns, rows) =>
      tmux('resize-window', '-t', 't', '-x', String(columns), '-y', String(rows)),
    waitFor: (pattern, timeoutMs = 15_000) => poll(screen, pattern, timeoutMs),
    screen,
    close: () => {
      tmux('kill-server');
      rmSync(socketDir, { recursive: true, force: true });
    },
  };
}

// Python copies its stdin to the terminal and the terminal to its stdout: a terminal emulator
// reduced to what the tests need. A NUL byte on its stdin starts a resize, "columns rows\n".
const PTY_DRIVER = `
import fcntl, os, pty, select, struct, sys, termios
pid, fd = pty.fork()
if pid == 0:
    os.execv('/bin/sh', ['sh', '-i'])
while True:
    r, _, _ = select.select([fd, 0], [], [])
    if fd in r:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        os.write(1, data)
    if 0 in r:
        data = os.read(0, 65536)
        if not data:
            break
        while b'\\0' in data:
            typed, _, rest = data.partition(b'\\0')
            size, _, data = rest.partition(b'\\n')
            os.write(fd, typed)
            columns, rows = map(int, size.split())
            fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', rows, columns, 0, 0))
        os.write(fd, data)
`;

function ptyTerminal(env: NodeJS.ProcessEnv, cwd: string): Terminal {
  const child: ChildProcess = spawn('python3', ['-c', PTY_DRIVER], {
    env,
    cwd,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let shown = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    shown += chunk;
  });
  const screen = () => shown.replace(/\r/g, '');
  return {
    type: (text) => child.stdin!.write(text.replace(/\n/g, '\r')),
    ctrlC: () => child.stdin!.write('\x03'),
    // The byte a terminal sends for Ctrl and a key: the key's code less 64 (Ctrl-C is 3).
    control: (key) => child.stdin!.write(String.fromCharCode(key.toUpperCase().charCodeAt(0) - 64)),
    resize: (columns, rows) => child.stdin!.write(`\x00${columns} ${rows}\n`),
    waitFor: (pattern, timeoutMs = 15_000) => poll(screen, pattern, timeoutMs),
    screen,
    close: () => child.kill('SIGKILL'),
  };
}
