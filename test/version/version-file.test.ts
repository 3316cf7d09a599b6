import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLauncherError, type LauncherError } from '../../src/errors.js';
import {
  findVersionFile,
  isWholeVersionFile,
  parseAsdfVersionFile,
  parseVersionFile,
} from '../../src/version/version-file.js';
import { tempDir } from '../helpers/env.js';

function thrown(fn: () => unknown): LauncherError {
  try {
    fn();
  } catch (error) {
    if (isLauncherError(error)) return error;
    throw error;
  }
  throw new Error('expected a LauncherError');
}

describe('parseVersionFile', () => {
  it.each([
    ['a bare version', '1.4.2\n', '1.4.2', 1],
    ['no trailing newline', '1.4.2', '1.4.2', 1],
    ['CRLF line ends', '1.4.2\r\n', '1.4.2', 1],
    ['a UTF-8 byte order mark', '\ufeff1.4.2\n', '1.4.2', 1],
    ['leading and trailing whitespace', '  \t1.4.2  \n', '1.4.2', 1],
    ['a leading v', 'v1.4.2\n', '1.4.2', 1],
    ['comment lines and blank lines first', '# pinned for CI\n\n   \n1.4\n', '1.4', 4],
    ['a comment after the request', '1.4 # the LTS line\n', '1.4', 1],
    ['extra words after the request', '1.4.2 some note\n', '1.4.2', 1],
    ['only the first request line counts', '1.4.2\n2.0.0\n', '1.4.2', 1],
    ['CRLF with comments and BOM together', '\ufeff# c\r\n\r\n^1.4.0\r\n', '^1.4.0', 3],
  ])('reads %s', (_name, text, raw, line) => {
    const found = parseVersionFile(text, '/p/.tool-version');
    expect(found.request.raw).toBe(raw);
    expect(found.line).toBe(line);
  });

  it.each([
    ['a blank file', '  \n\n'],
    ['a comment-only file', '# nothing here\n# still nothing\n'],
  ])('refuses %s with an error naming the file', (_name, text) => {
    const error = thrown(() => parseVersionFile(text, '/p/.tool-version'));
    expect(error.code).toBe('E_VERSION_FILE');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('/p/.tool-version');
  });

  it.each([['..'], ['a/b'], ['1.4.2.7']])(
    'refuses the invalid request %j naming file and line',
    (req) => {
      const error = thrown(() => parseVersionFile(`# c\n${req}\n`, '/p/.tool-version'));
      expect(error.code).toBe('E_BAD_REQUEST');
      expect(error.exitCode).toBe(2);
      expect(error.message).toContain('/p/.tool-version:2');
    },
  );
});

describe('parseAsdfVersionFile', () => {
  it('reads the line of this tool', () => {
    const found = parseAsdfVersionFile(
      'nodejs 20.1.0\nmycc 1.4.2 1.3.0\n',
      '/p/.tool-versions',
      'mycc',
    );
    expect(found?.request.raw).toBe('1.4.2');
    expect(found?.line).toBe(2);
  });

  it('is no answer when the tool has no line', () => {
    expect(parseAsdfVersionFile('nodejs 20.1.0\n', '/p/.tool-versions', 'mycc')).toBeNull();
  });

  it('refuses a tool line without a version', () => {
    expect(thrown(() => parseAsdfVersionFile('mycc\n', '/p/.tool-versions', 'mycc')).code).toBe(
      'E_VERSION_FILE',
    );
  });
});

describe('findVersionFile', () => {
  function tree(files: Record<string, string>): string {
    const root = tempDir();
    for (const [rel, content] of Object.entries(files)) {
      const file = path.join(root, rel);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
    return root;
  }

  it.each([
    [
      'the file in the start directory',
      { 'a/.tool-version': '1.4.2' },
      'a',
      'a/.tool-version',
      '1.4.2',
    ],
    [
      'a file in a parent',
      { '.tool-version': '1.4', 'a/b/c/keep': '' },
      'a/b/c',
      '.tool-version',
      '1.4',
    ],
    [
      'the nearest of several',
      { '.tool-version': '1.3', 'a/.tool-version': '1.4', 'a/b/keep': '' },
      'a/b',
      'a/.tool-version',
      '1.4',
    ],
    [
      'past a 0-byte file to the parent',
      { '.tool-version': '1.3', 'a/.tool-version': '' },
      'a',
      '.tool-version',
      '1.3',
    ],
    [
      '.tool-version over .tool-versions in the same directory',
      { 'a/.tool-version': '1.4', 'a/.tool-versions': 'mycc 1.3' },
      'a',
      'a/.tool-version',
      '1.4',
    ],
    [
      'a .tool-versions line for the tool',
      { '.tool-version': '1.3', 'a/.tool-versions': 'mycc 1.4.2' },
      'a',
      'a/.tool-versions',
      '1.4.2',
    ],
    [
      'past a .tool-versions without the tool',
      { '.tool-version': '1.3', 'a/.tool-versions': 'nodejs 20' },
      'a',
      '.tool-version',
      '1.3',
    ],
    [
      'a .tool-versions beside a 0-byte .tool-version',
      { 'a/.tool-version': '', 'a/.tool-versions': 'mycc 1.4' },
      'a',
      'a/.tool-versions',
      '1.4',
    ],
  ])('finds %s', (_name, files, start, expectedFile, raw) => {
    const root = tree(files);
    const found = findVersionFile(path.join(root, start), 'mycc');
    expect(found?.file).toBe(path.join(root, expectedFile));
    expect(found?.request.raw).toBe(raw);
  });

  it('refuses to pass a .tool-versions while the tool name is unknown (it may pin this tool)', () => {
    const root = tree({ '.tool-version': '1.3', 'a/.tool-versions': 'mycc 1.4' });
    const error = thrown(() => findVersionFile(path.join(root, 'a'), undefined));
    expect(error.code).toBe('E_TOOL_UNKNOWN');
    expect(error.exitCode).toBe(7);
    expect(error.message).toContain(path.join(root, 'a/.tool-versions'));
    expect(error.hint).toContain('launcher list-remote');
  });

  it('passes a .tool-versions of an unknown tool when asked to skip it', () => {
    const root = tree({ '.tool-version': '1.3', 'a/.tool-versions': 'mycc 1.4' });
    expect(findVersionFile(path.join(root, 'a'), undefined, 'skip')?.file).toBe(
      path.join(root, '.tool-version'),
    );
  });

  it('reports an unreadable .tool-versions even while the tool name is unknown', () => {
    const root = tempDir();
    mkdirSync(path.join(root, '.tool-versions'));
    const error = thrown(() => findVersionFile(root, undefined));
    expect(error.code).toBe('E_VERSION_FILE');
    expect(error.message).toContain(path.join(root, '.tool-versions'));
  });

  it('stops at an invalid nearer file instead of skipping it', () => {
    const root = tree({ '.tool-version': '1.3', 'a/.tool-version': '# only a comment\n' });
    expect(thrown(() => findVersionFile(path.join(root, 'a'), 'mycc')).message).toContain(
      path.join(root, 'a/.tool-version'),
    );
  });

  it.each([
    [
      'a directory named .tool-version',
      (dir: string) => mkdirSync(path.join(dir, '.tool-version')),
      'directory',
    ],
    [
      'a 10 MB file',
      (dir: string) =>
        writeFileSync(path.join(dir, '.tool-version'), `1.4.2\n${'#'.repeat(10 * 1024 * 1024)}`),
      'bytes',
    ],
    [
      'invalid UTF-8',
      (dir: string) =>
        writeFileSync(path.join(dir, '.tool-version'), Buffer.from([0x31, 0x2e, 0xff, 0xfe, 0x0a])),
      'UTF-8',
    ],
    [
      'a symbolic link loop',
      (dir: string) => symlinkSync('.tool-version', path.join(dir, '.tool-version')),
      'loop',
    ],
    [
      // Anyone may leave one in /tmp: opening it must not wait for a writer.
      'a FIFO',
      (dir: string) => execFileSync('mkfifo', [path.join(dir, '.tool-version')]),
      'not a regular file',
    ],
    [
      // Its target moved: passing over it would run the parent's pin.
      'a symbolic link to nothing',
      (dir: string) => symlinkSync('../shared/.tool-version', path.join(dir, '.tool-version')),
      'symbolic link to ../shared/.tool-version, which does not exist',
    ],
  ])('reports %s as a bad version file (exit 2) naming it', (_name, make, reason) => {
    // A parent pins a version, which the search must not fall back to.
    const parent = tree({ '.tool-version': '1.3' });
    const root = path.join(parent, 'project');
    mkdirSync(root);
    make(root);
    const error = thrown(() => findVersionFile(root, 'mycc'));
    expect(error.code).toBe('E_VERSION_FILE');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(path.join(root, '.tool-version'));
    expect(error.message).toContain(reason);
  });

  it('reports a .tool-versions that is a symbolic link to nothing, naming it', () => {
    const parent = tree({ '.tool-version': '1.3' });
    mkdirSync(path.join(parent, 'a'));
    symlinkSync('gone', path.join(parent, 'a', '.tool-versions'));
    const error = thrown(() => findVersionFile(path.join(parent, 'a'), 'mycc'));
    expect(error.code).toBe('E_VERSION_FILE');
    expect(error.message).toContain(path.join(parent, 'a', '.tool-versions'));
  });
});

describe('isWholeVersionFile', () => {
  it.each([
    ['one request', '1.4.2\n'],
    ['one request with comments, blank lines and a BOM', '\ufeff# pinned\n\n^1.4 # LTS\r\n'],
  ])('accepts %s', (_name, text) => expect(isWholeVersionFile(text)).toBe(true));

  // What a link may lead to that a pin must not overwrite, though its first word reads as one.
  it.each([
    ['a crontab', '0 3 * * * /usr/bin/backup\n'],
    ['two requests', '1.4.2\n2.0.0\n'],
    ['a list of paths', 'node_modules\ndist\n'],
    ['a key', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 ada@home\n'],
    // Names no version (spec 2), and may be any commented-out file: a crontab, a key list.
    ['comments only', '# m h dom mon dow command\n# 0 3 * * * /usr/bin/backup\n'],
    ['blank lines only', '\n  \n'],
  ])('refuses %s', (_name, text) => expect(isWholeVersionFile(text)).toBe(false));
});
