// The code cache (src/util/code-cache.ts, as built in dist/): each load in a process of its
// own, as a V8 isolate keeps what it compiled and would not even look at a cache for a source it
// has seen; real cache files in a temporary directory. The CLI's use of it end to end is in
// test/cli/code-cache-cli.test.ts.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/env.js';

const codeCache = pathToFileURL(path.join(REPO_ROOT, 'dist', 'util', 'code-cache.js')).href;

// A CommonJS module with a lazily compiled function (what a cache is for), using what Node's
// module wrapper gives it.
function moduleSource(answer: number): string {
  return [
    "const path = require('node:path');",
    `function answer() { return ${answer}; }`,
    'module.exports = { answer, file: path.basename(__filename), dir: __dirname, self: this === exports };',
  ].join('\n');
}

function setUp(answer = 1) {
  const root = tempDir();
  const file = path.join(root, 'mod.cjs');
  writeFileSync(file, moduleSource(answer));
  const dir = path.join(root, 'cache', 'code');
  return { root, file, dir };
}

type Exports = { answer: number; file: string; dir: string; self: boolean };

// How a process saves the cache: at once; `within` (saveWithin(50)) before a long run of many
// garbage collections; or `late`, at the end of that long run.
type Saving = 'now' | 'within' | 'late';

// Load and run the module as the CLI does, in a new process, and save the cache.
// `env`: more environment for the process; `relink`: a link it points elsewhere between
// loading and saving (what someone else could do meanwhile).
interface More {
  readonly env?: NodeJS.ProcessEnv;
  readonly relink?: readonly [link: string, target: string];
}

function loadAndSave(
  file: string,
  dir: string | undefined,
  name = 'word',
  saving: Saving = 'now',
  more: More = {},
) {
  const script = `
    import { rmSync, symlinkSync } from 'node:fs';
    import { setTimeout as sleep } from 'node:timers/promises';
    import { loadWithCodeCache } from ${JSON.stringify(codeCache)};
    const [file, dir, name, saving, relink] = JSON.parse(process.argv[1]);
    const loaded = loadWithCodeCache(file, dir ?? undefined, name);
    const { answer, ...rest } = loaded.exports;
    if (saving === 'within') loaded.saveWithin(50);
    if (saving !== 'now') {
      await sleep(100);
      for (let i = 0; i < 5; i++) globalThis.gc();
    }
    if (relink) {
      rmSync(relink[0]);
      symlinkSync(relink[1], relink[0]);
    }
    loaded.save();
    process.stdout.write(JSON.stringify({ cache: loaded.cache, answer: answer(), exports: rest }));
  `;
  const child = spawnSync(
    process.execPath,
    // Every process runs with the same V8 flags: V8 refuses a cache made under other flags.
    // Bytecode flushing, which takes many collections in a real run (a long install), happens
    // at every one with --stress-flush-code.
    [
      '--expose-gc',
      '--stress-flush-code',
      '--input-type=module',
      '-e',
      script,
      JSON.stringify([file, dir ?? null, name, saving, more.relink ?? null]),
    ],
    { encoding: 'utf8', env: { ...process.env, ...more.env } },
  );
  if (child.status !== 0) throw new Error(`the loading process failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as {
    cache: string;
    answer: number;
    exports: Omit<Exports, 'answer'>;
  };
}

const cacheFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.v8cache'));

describe('loadLibrary', () => {
  it('loads a library once per process, as require() does, with its cache in the home', () => {
    const { root, file } = setUp();
    const home = path.join(root, 'home');
    mkdirSync(home);
    const script = `
      import { loadLibrary } from ${JSON.stringify(codeCache)};
      const first = loadLibrary('./mod.cjs', ${JSON.stringify(path.join(root, 'bundle.cjs'))});
      const second = loadLibrary(${JSON.stringify(file)}, '/elsewhere/bundle.cjs');
      process.stdout.write(String(first === second && first.answer() === 1));
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, LAUNCHER_HOME: home, LAUNCHER_CODE_CACHE: '' },
    });
    expect(child.stdout).toBe('true');
    expect(cacheFiles(path.join(home, 'cache', 'code'))).toEqual([
      expect.stringMatching(/^lib-mod\./),
    ]);
  });
});

describe('loadWithCodeCache', () => {
  it('runs the module as CommonJS, then saves a cache the next load uses', () => {
    const { root, file, dir } = setUp();
    const first = loadAndSave(file, dir);
    expect(first).toMatchObject({ cache: 'none', answer: 1 });
    expect(first.exports).toMatchObject({ file: 'mod.cjs', dir: root, self: true });
    expect(cacheFiles(dir)).toEqual([expect.stringMatching(/^word\..*\.v8cache$/)]);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(dir, cacheFiles(dir)[0]!)).mode & 0o777).toBe(0o600);

    const cacheFile = path.join(dir, cacheFiles(dir)[0]!);
    const written = statSync(cacheFile);
    expect(loadAndSave(file, dir)).toMatchObject({ cache: 'used', answer: 1 });
    // An accepted cache is not written again.
    expect(statSync(cacheFile).mtimeMs).toBe(written.mtimeMs);
  });

  it('keeps one cache per name', () => {
    const { file, dir } = setUp();
    loadAndSave(file, dir, 'install');
    loadAndSave(file, dir, 'current');
    expect(
      cacheFiles(dir)
        .map((f) => f.split('.')[0])
        .sort(),
    ).toEqual(['current', 'install']);
    expect(loadAndSave(file, dir, 'install').cache).toBe('used');
  });

  it('never gives a changed source the cache of the old one, even at the same length', () => {
    const { file, dir } = setUp(1);
    loadAndSave(file, dir);
    // V8 checks a cache against the source's length only: were the cache found, the old
    // bytecode would answer 1.
    writeFileSync(file, moduleSource(2));
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(loadAndSave(file, dir)).toMatchObject({ cache: 'none', answer: 2 });
    expect(loadAndSave(file, dir)).toMatchObject({ cache: 'used', answer: 2 });
  });

  it('tells builds apart by their build line even with the same size, inode and time', () => {
    // A release packed by npm stamps every file with one modification time.
    const { file, dir } = setUp();
    const stamped = (answer: number, build: string) => {
      writeFileSync(file, `${moduleSource(answer)}\n//# launcherBuild=${build}\n`);
      utimesSync(file, 499162500, 499162500);
    };
    stamped(1, 'aaaa');
    loadAndSave(file, dir);
    stamped(2, 'bbbb');
    expect(loadAndSave(file, dir)).toMatchObject({ cache: 'none', answer: 2 });
    expect(loadAndSave(file, dir)).toMatchObject({ cache: 'used', answer: 2 });
  });

  it('removes the caches of other sources once they are a day old, not before', () => {
    // Two copies of launcher, or two Node versions, may share a home.
    const { file, dir } = setUp();
    const other = path.join(dir, 'word.v18.0.0-x64-1-2-3-4.v8cache');
    const old = path.join(dir, 'word.v18.0.0-x64-5-6-7-8.v8cache');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(other, 'x');
    writeFileSync(old, 'x');
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600_000);
    utimesSync(old, twoDaysAgo, twoDaysAgo);
    loadAndSave(file, dir);
    expect(existsSync(other)).toBe(true);
    expect(existsSync(old)).toBe(false);
    expect(cacheFiles(dir)).toHaveLength(2);
  });

  it('saves the code a long run started with, which V8 drops before that run ends', () => {
    const { root, file } = setUp();
    // A module of many functions, all run at load, none after.
    const functions = Array.from(
      { length: 300 },
      (_, i) => `function f${i}(x) { return x + ${i}; }`,
    );
    writeFileSync(
      file,
      `${moduleSource(1)}\n${functions.join('\n')}\nlet sum = 0;\n${functions.map((_, i) => `sum = f${i}(sum);`).join('\n')}\n`,
    );
    const sizeAfter = (saving: Saving) => {
      const dir = path.join(root, saving);
      expect(loadAndSave(file, dir, 'word', saving).cache).toBe('none');
      const size = statSync(path.join(dir, cacheFiles(dir)[0]!)).size;
      expect(loadAndSave(file, dir).cache).toBe('used');
      return size;
    };
    const now = sizeAfter('now');
    // Saved at the end of a run of many garbage collections, the cache has lost most of the
    // code: V8 drops the bytecode of functions that have not run for a while.
    expect(sizeAfter('late')).toBeLessThan(now / 2);
    // saveWithin() saves before that.
    expect(sizeAfter('within')).toBeGreaterThanOrEqual(now * 0.9);
  });

  it('rebuilds a cache V8 rejects (garbage in the file) and still runs the module', () => {
    const { file, dir } = setUp();
    loadAndSave(file, dir);
    const cacheFile = path.join(dir, cacheFiles(dir)[0]!);
    writeFileSync(cacheFile, Buffer.alloc(4096, 0x5a));
    expect(loadAndSave(file, dir)).toMatchObject({ cache: 'rejected', answer: 1 });
    expect(readFileSync(cacheFile).equals(Buffer.alloc(4096, 0x5a))).toBe(false);
    expect(loadAndSave(file, dir)).toMatchObject({ cache: 'used', answer: 1 });
  });

  it('neither reads nor writes a cache directory others may write to', () => {
    const { file, dir } = setUp();
    loadAndSave(file, dir);
    chmodSync(dir, 0o777);
    const before = readdirSync(dir);
    expect(loadAndSave(file, dir)).toMatchObject({ cache: 'off', answer: 1 });
    expect(readdirSync(dir)).toEqual(before);

    // Nor one of another user's (as root: a directory given away; as anyone else: a system one).
    const foreign = process.getuid?.() === 0 ? path.join(tempDir(), 'foreign') : '/usr';
    if (foreign !== '/usr') {
      mkdirSync(foreign, { mode: 0o700 });
      chownSync(foreign, 12345, 12345);
    }
    expect(loadAndSave(file, foreign)).toMatchObject({ cache: 'off', answer: 1 });
    if (foreign !== '/usr') expect(readdirSync(foreign)).toEqual([]);
  });

  it("trusts group write for the user's private group (umask 002), for no other group", () => {
    const { root, file, dir } = setUp();
    loadAndSave(file, dir);
    // As made under the umask 002 of user private groups: the group of the directories is the
    // process's, trusted when it is the user's primary group and has the user's number.
    for (const made of [root, path.dirname(dir), dir]) chmodSync(made, 0o775);
    const uid = process.getuid!();
    const privateGroup = process.getgid!() === uid && os.userInfo().gid === uid;
    expect(loadAndSave(file, dir).cache).toBe(privateGroup ? 'used' : 'off');
    // Another group (as root: the directory given to one; as anyone else: one it belongs to
    // besides its primary group, if any).
    const other =
      process.getuid?.() === 0
        ? 12345
        : process.getgroups?.().find((group) => group !== process.getgid?.());
    if (other !== undefined) {
      chownSync(path.dirname(dir), process.getuid!(), other);
      expect(loadAndSave(file, dir).cache).toBe('off');
    }
  });

  it('uses no cache below a directory others may change, even a private one', () => {
    const { root, file, dir } = setUp();
    loadAndSave(file, dir);
    // Someone else could put another directory in place of the private one.
    chmodSync(path.dirname(dir), 0o777);
    const before = readdirSync(dir);
    expect(loadAndSave(file, dir)).toMatchObject({ cache: 'off', answer: 1 });
    expect(readdirSync(dir)).toEqual(before);
    // Sticky, as /tmp is, others cannot move what is ours.
    chmodSync(path.dirname(dir), 0o1777);
    expect(loadAndSave(file, dir).cache).toBe('used');
    chmodSync(root, 0o777);
    expect(loadAndSave(file, dir).cache).toBe('off');
  });

  it('reads no cache file that is a link, linked twice, or writable by others, and replaces it', () => {
    const { root, file, dir } = setUp();
    loadAndSave(file, dir);
    const cacheFile = path.join(dir, cacheFiles(dir)[0]!);
    const elsewhere = path.join(root, 'elsewhere.bin');
    const planted: Array<[string, () => void]> = [
      [
        'a link',
        () => {
          renameSync(cacheFile, elsewhere);
          symlinkSync(elsewhere, cacheFile);
        },
      ],
      ['linked twice', () => linkSync(cacheFile, elsewhere)],
      ['writable by others', () => chmodSync(cacheFile, 0o666)],
    ];
    for (const [, plant] of planted) {
      rmSync(elsewhere, { force: true });
      plant();
      expect(loadAndSave(file, dir)).toMatchObject({ cache: 'none', answer: 1 });
      // Saved anew: a file of its own again, and read the next time.
      expect(lstatSync(cacheFile).isFile()).toBe(true);
      expect(statSync(cacheFile).nlink).toBe(1);
      expect(statSync(cacheFile).mode & 0o777).toBe(0o600);
      expect(loadAndSave(file, dir).cache).toBe('used');
    }
  });

  it('keeps using the real directory a link above it led to when the link changes meanwhile', () => {
    // A home reached through a link in a directory others may write to: open/home -> ../real.
    const { root, file } = setUp();
    const real = path.join(root, 'real');
    const elsewhere = path.join(root, 'elsewhere');
    mkdirSync(path.join(real, 'cache'), { recursive: true });
    mkdirSync(path.join(elsewhere, 'cache', 'code'), { recursive: true, mode: 0o700 });
    const open = path.join(root, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    const link = path.join(open, 'home');
    symlinkSync(real, link);
    const dir = path.join(link, 'cache', 'code');
    // Pointed elsewhere between the load and the save: the cache still goes where it was checked.
    expect(loadAndSave(file, dir, 'word', 'now', { relink: [link, elsewhere] })).toMatchObject({
      cache: 'none',
      answer: 1,
    });
    expect(cacheFiles(path.join(real, 'cache', 'code'))).toHaveLength(1);
    expect(readdirSync(path.join(elsewhere, 'cache', 'code'))).toEqual([]);
  });

  it('keeps one cache per set of Node flags, as V8 refuses a cache made under others', () => {
    const { file, dir } = setUp();
    const flagged = { env: { NODE_OPTIONS: '--max-old-space-size=200' } };
    expect(loadAndSave(file, dir).cache).toBe('none');
    expect(loadAndSave(file, dir, 'word', 'now', flagged).cache).toBe('none');
    expect(loadAndSave(file, dir).cache).toBe('used');
    expect(loadAndSave(file, dir, 'word', 'now', flagged).cache).toBe('used');
    expect(cacheFiles(dir)).toHaveLength(2);
  });

  it('does not follow a link in place of the cache directory', () => {
    const { root, file } = setUp();
    const real = path.join(root, 'elsewhere');
    mkdirSync(real, { mode: 0o700 });
    const link = path.join(root, 'link');
    symlinkSync(real, link);
    expect(loadAndSave(file, link)).toMatchObject({ cache: 'off', answer: 1 });
    expect(readdirSync(real)).toEqual([]);
  });

  it('runs without a cache, and creates nothing above it, where none can be kept', () => {
    const { root, file } = setUp();
    // A file where a directory should be.
    writeFileSync(path.join(root, 'blocker'), '');
    expect(loadAndSave(file, path.join(root, 'blocker', 'code'))).toMatchObject({
      cache: 'off',
      answer: 1,
    });
    // A home that is not there is not created by a cache.
    const missingHome = path.join(root, 'no-home');
    expect(loadAndSave(file, path.join(missingHome, 'cache', 'code'))).toMatchObject({
      cache: 'none',
      answer: 1,
    });
    expect(existsSync(missingHome)).toBe(false);
    // Nor a cache asked for.
    expect(loadAndSave(file, undefined)).toMatchObject({ cache: 'off', answer: 1 });
  });

  it('removes temporary files a killed writer left, once they are a minute old', () => {
    const { file, dir } = setUp();
    loadAndSave(file, dir, 'a');
    const old = path.join(dir, 'b.key.v8cache.123.456.tmp');
    const fresh = path.join(dir, 'b.key.v8cache.124.457.tmp');
    writeFileSync(old, 'x');
    writeFileSync(fresh, 'x');
    const minutesAgo = new Date(Date.now() - 5 * 60_000);
    utimesSync(old, minutesAgo, minutesAgo);
    loadAndSave(file, dir, 'b');
    expect(existsSync(old)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
  });
});
