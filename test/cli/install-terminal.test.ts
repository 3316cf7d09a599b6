// The install's progress bar in a real terminal: it fits the terminal's width, and a download
// stopped by a signal leaves the bar's line ended, so what follows starts on a line of its own.
// A terminal whose TERM is dumb gets plain lines instead.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LAUNCHER_BIN } from '../helpers/cli.js';
import { startDistServerForTest } from '../helpers/dist-server.js';
import { cleanEnv, tempDir } from '../helpers/env.js';
import { openTerminal, TERMINAL_KIND, type Terminal } from '../helpers/terminal.js';

const terminals: Terminal[] = [];
afterEach(() => {
  for (const term of terminals.splice(0)) term.close();
});

describe(`the progress bar in a real terminal (${TERMINAL_KIND})`, () => {
  it('fits a 20-column terminal, and its line is ended when SIGTERM stops the download', async () => {
    const server = await startDistServerForTest({
      versions: [
        { version: '1.0.0', files: { 'bin/mycc': { content: randomBytes(1 << 21), mode: 0o755 } } },
      ],
    });
    const archive = server.archivePath('1.0.0');
    server.misbehave(archive, { stallAfter: 512 * 1024 });
    const cwd = tempDir('launcher-project-');
    const pidFile = path.join(cwd, 'pid');
    const env = cleanEnv({ LAUNCHER_DIST_URL: server.indexUrl, NODE: process.execPath });
    const term = openTerminal(env, cwd);
    terminals.push(term);
    await term.waitFor(/[$#] $/m);
    // The terminal's size as programs read it (the pane itself may stay wider).
    term.type(
      `stty cols 20; sh -c 'echo $$ > ${pidFile}; exec "$NODE" ${LAUNCHER_BIN} install 1.0.0'; echo "[exit $?]"\n`,
    );
    await server.stalled(archive);
    await term.waitFor(/%/);
    process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGTERM');
    await term.waitFor(/\[exit \d+\]/);
    const lines = term.screen().split('\n');
    expect(lines).toContain('[exit 143]');
    // The frames drawn on the bar's line (a Python pty shows them all, tmux the last), each short
    // enough for one row: a wrapped line leaves a row behind at each redraw.
    const frames = lines
      .findLast((line) => line.includes('mycc 1.0.0 '))!
      .split('\x1b[K')
      .filter(Boolean);
    for (const frame of frames) expect(frame.length).toBeLessThan(20);
    // The line ends with the bar: what follows (the shell's "Terminated") is on the next one.
    expect(frames.at(-1)).toMatch(/^mycc 1\.0\.0 \d+%$/);
  });

  it("writes plain lines instead of a bar when TERM is dumb (an editor's shell buffer)", async () => {
    const server = await startDistServerForTest({
      versions: [
        { version: '1.0.0', files: { 'bin/mycc': { content: randomBytes(1 << 20), mode: 0o755 } } },
      ],
    });
    const cwd = tempDir('launcher-project-');
    const env = cleanEnv({ LAUNCHER_DIST_URL: server.indexUrl, NODE: process.execPath });
    const term = openTerminal(env, cwd);
    terminals.push(term);
    await term.waitFor(/[$#] $/m);
    // Set for the command alone: tmux gives its shell a TERM of its own.
    term.type(`TERM=dumb "$NODE" ${LAUNCHER_BIN} install 1.0.0; echo "[exit $?]"\n`);
    await term.waitFor(/\[exit \d+\]/);
    const screen = term.screen();
    expect(screen).toContain('[exit 0]');
    expect(screen).toMatch(/^downloading mycc 1\.0\.0 from \S+ \(1\.0 MiB\)$/m);
    expect(screen).toMatch(/^downloaded 1\.0 MiB in \S+ s \(.+\/s\)$/m);
    // Neither the bar nor its redrawing: no percentage, no erase-line sequence.
    expect(screen).not.toContain('%');
    expect(screen).not.toContain('\x1b[K');
  });
});
