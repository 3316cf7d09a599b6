import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isLauncherError } from '../../src/errors.js';
import { writePin } from '../../src/version/pin.js';
import { parseRequest } from '../../src/version/request.js';
import { tempDir } from '../helpers/env.js';

const flippers: ChildProcess[] = [];
afterEach(() => {
  for (const flipper of flippers.splice(0)) flipper.kill('SIGKILL');
});

describe('writePin', () => {
  it('looks again at a pin another program flips between a link and a file meanwhile', async () => {
    const dir = tempDir();
    const pin = path.join(dir, '.tool-version');
    const real = path.join(dir, 'real-version');
    writeFileSync(real, '1.4\n');
    // Renames a link to real-version and a file, in turn, over the pin as fast as it can: each
    // rename is atomic, so the pin is always one or the other, never missing.
    const flipper = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('node:fs');
         const [pin, dir] = process.argv.slice(1);
         process.stdout.write('go\\n');
         for (;;) {
           fs.symlinkSync('real-version', dir + '/link');
           fs.renameSync(dir + '/link', pin);
           fs.writeFileSync(dir + '/file', '1.4\\n');
           fs.renameSync(dir + '/file', pin);
         }`,
        pin,
        dir,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    flippers.push(flipper);
    await new Promise((resolve) => flipper.stdout?.once('data', resolve));

    // Before the fix, some 1 to 7 writes in 2000 failed with realpath's "EINVAL … readlink": it had
    // found a link, and by the time realpath read it, a file stood there.
    const failures = new Map<string, number>();
    for (let i = 0; i < 8000; i++) {
      try {
        writePin(pin, parseRequest('1.5'));
      } catch (error) {
        // Only the launcher's own "changed while it looked" may ever come out (five changes in
        // a row: not seen in practice, but not an error to hide).
        const what =
          isLauncherError(error) &&
          error.code === 'E_VERSION_FILE' &&
          /changed 5 times/.test(error.message)
            ? 'changed'
            : String(error);
        failures.set(what, (failures.get(what) ?? 0) + 1);
      }
    }
    flipper.kill('SIGKILL');
    expect([...failures.keys()].filter((what) => what !== 'changed')).toEqual([]);
    expect(['1.4\n', '1.5\n']).toContain(readFileSync(real, 'utf8'));
  }, 60_000);
});
