import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  fileSystemRefusal,
  isLauncherError,
  LauncherError,
  renderError,
} from '../../src/errors.js';
import { readSmallFile } from '../../src/util/read-small-file.js';
import { NotRestoredError } from '../../src/util/write-in-place.js';
import { pinNotRestored, writePin } from '../../src/version/pin.js';
import { parseRequest } from '../../src/version/request.js';
import { MAX_VERSION_FILE_BYTES } from '../../src/version/version-file.js';
import { tempDir } from '../helpers/env.js';

const flippers: ChildProcess[] = [];
// Before env.ts removes the directory it renames files in (a SIGKILL is not a death yet).
afterEach(async () => {
  await Promise.all(flippers.splice(0).map(stop));
});

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await gone;
}

// Programs that change a pin (a link to real-version at first) as fast as they can while
// writePin runs, each step atomic where it can be, and what each makes writePin say, besides
// writing: only true states may be reported.
const flipping = [
  {
    what: 'flips the pin between a link and a version file',
    // Before the fix, 1 to 7 writes in 2000 failed with realpath's "EINVAL … readlink": it had
    // found a link, and by the time realpath read it, a file stood there.
    loop: `fs.symlinkSync('real-version', dir + '/link');
           fs.renameSync(dir + '/link', pin);
           fs.writeFileSync(dir + '/file', '1.4\\n');
           fs.renameSync(dir + '/file', pin);`,
    writes: 8000,
    allowed: [],
  },
  {
    what: 'flips the pin between a link and a file that is no version file',
    // A plain file pin is replaced whatever it holds; before the fix about 1 write in 80 took
    // it for the link's target ("a symbolic link to .tool-version, which is not a version file").
    loop: `fs.symlinkSync('real-version', dir + '/link');
           fs.renameSync(dir + '/link', pin);
           fs.writeFileSync(dir + '/file', 'not a version file\\n');
           fs.renameSync(dir + '/file', pin);`,
    writes: 3000,
    allowed: [],
  },
  {
    what: 'removes and writes again the file the link leads to',
    // The link dangles for a moment, and may be found so; before the fix a target gone after
    // realpath was "you may not write it" (exit 1) or "not a version file".
    loop: `try { fs.unlinkSync(dir + '/real-version'); } catch {}
           fs.writeFileSync(dir + '/real-version', '1.4\\n');`,
    writes: 3000,
    allowed: [/is a symbolic link to real-version, which does not exist$/],
    // Stopped part way, it leaves no file, or an empty one.
    leaves: [undefined, '', '1.4\n', '1.5\n'],
  },
];

describe('writePin', () => {
  it.each(flipping)(
    'looks again at a pin another program $what',
    async (flip) => {
      const { loop, writes, allowed } = flip;
      const dir = tempDir();
      const pin = path.join(dir, '.tool-version');
      const real = path.join(dir, 'real-version');
      writeFileSync(real, '1.4\n');
      symlinkSync('real-version', pin);
      const flipper = spawn(
        process.execPath,
        [
          '-e',
          `const fs = require('node:fs');
         const [pin, dir] = process.argv.slice(1);
         process.stdout.write('go\\n');
         for (;;) {
           ${loop}
         }`,
          pin,
          dir,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      flippers.push(flipper);
      await new Promise((resolve) => flipper.stdout?.once('data', resolve));

      const failures = new Map<string, number>();
      for (let i = 0; i < writes; i++) {
        try {
          writePin(pin, parseRequest('1.5'));
        } catch (error) {
          // launcher's own "changed while it looked" may come out too (five changes in a row:
          // not seen in practice, but not an error to hide).
          const changed =
            isLauncherError(error) &&
            error.code === 'E_VERSION_FILE' &&
            /changed 5 times/.test(error.message);
          const message = String(error);
          if (changed || allowed.some((pattern) => pattern.test(message))) continue;
          failures.set(message, (failures.get(message) ?? 0) + 1);
        }
      }
      await stop(flipper);
      expect([...failures]).toEqual([]);
      // Nothing but a version file was ever written where the link led.
      const last = existsSync(real) ? readFileSync(real, 'utf8') : undefined;
      expect('leaves' in flip ? flip.leaves : ['1.4\n', '1.5\n']).toContain(last);
    },
    60_000,
  );
});

// The error of a pin written in place whose failed write could not be undone either. No real
// failure strikes the undoing (it writes only where the failed write just wrote, and cutting
// only shrinks), so the message is built here from a real refusal and the file's real content.
// What Node throws for a write past `ulimit -f`, and for an I/O error.
const errno = (code: string, message: string) =>
  Object.assign(new Error(`${code}: ${message}, write`), { code, syscall: 'write' });
const tooLarge = errno('EFBIG', 'file too large');
const ioError = errno('EIO', 'i/o error');

function pin(content: string) {
  const file = path.join(tempDir(), '.tool-version');
  writeFileSync(file, content);
  const failure = fileSystemRefusal(tooLarge, { file, outsideHome: true })!;
  return { file, failure };
}

describe('a pin whose failed write could not be undone', () => {
  it('says the file may be damaged and gives its old content, with the exit code of the failure', () => {
    const { file, failure } = pin('# pinned for the CI\n1.4.2\n');
    const old = readSmallFile(file, MAX_VERSION_FILE_BYTES);
    const error = pinNotRestored(failure, ioError, file, old);
    expect(error).toBeInstanceOf(LauncherError);
    expect(error).toMatchObject({
      code: failure.code,
      exitCode: failure.exitCode,
      cause: tooLarge,
    });
    expect(failure.exitCode).toBe(1);
    expect(renderError(error)).toBe(
      `launcher: cannot write ${file} (write): file too large for the file size limit (ulimit -f) or the file system; ` +
        `putting its old content back failed too (EIO: i/o error, write), so ${file} may now be truncated, or hold new bytes before old ones\n\n` +
        'Its old content, to put back by hand, was "# pinned for the CI\\n1.4.2\\n" (as JSON). ' +
        'Raise the file size limit (ulimit -f), then run the command again.\n',
    );
  });

  it('says so when the old content could not be read, or was empty', () => {
    const { file, failure } = pin('1.4.2\n');
    // As readSmallFile says of a file this user may not read (mode 0222), which root still reads.
    const unreadable = { status: 'unreadable', reason: 'permission denied', denied: true } as const;
    expect(pinNotRestored(failure, ioError, file, unreadable).hint).toBe(
      'Its old content could not be read (permission denied): write the version you want into ' +
        'it by hand. Raise the file size limit (ulimit -f), then run the command again.',
    );
    expect(pinNotRestored(failure, ioError, file, { status: 'empty' }).hint).toMatch(
      /^It was empty before: empty it by hand \(or write the version you want into it\)\. Raise/,
    );
  });

  it('is told from the failed write by writeInPlace: both messages, the write as the cause', () => {
    const error = new NotRestoredError(tooLarge, ioError);
    expect(error).toMatchObject({ cause: tooLarge, undoing: ioError });
    expect(error.message).toBe(
      'EFBIG: file too large, write; putting the old content back failed too: EIO: i/o error, write',
    );
  });
});
