// The archive guard on its own: entry sequences judged the way extraction will meet them.
import { describe, expect, it } from 'vitest';
import { ArchiveGuard, type EntryFacts } from '../../src/install/archive-guard.js';

const file = (path: string): EntryFacts => ({ path, type: 'File' });
const dir = (path: string): EntryFacts => ({ path, type: 'Directory' });
const symlink = (path: string, linkpath: string): EntryFacts => ({
  path,
  type: 'SymbolicLink',
  linkpath,
});
const hardlink = (path: string, linkpath: string): EntryFacts => ({ path, type: 'Link', linkpath });

/** The verdict on the last entry after the ones before it were accepted. */
function judge(entries: EntryFacts[], strip = 0) {
  const guard = new ArchiveGuard(strip);
  for (const entry of entries.slice(0, -1)) expect(guard.check(entry)).toMatchObject({ ok: true });
  return guard.check(entries.at(-1)!);
}

describe('ArchiveGuard', () => {
  it('accepts an ordinary tree with links that stay inside', () => {
    const guard = new ArchiveGuard(1);
    for (const entry of [
      dir('pkg/'),
      dir('pkg/bin/'),
      file('pkg/libexec/mycc'),
      symlink('pkg/bin/mycc', '../libexec/mycc'),
      symlink('pkg/bin/cc', 'mycc'),
      hardlink('pkg/bin/mycc-copy', 'pkg/libexec/mycc'),
      file('pkg/./share/doc'),
    ]) {
      expect(guard.check(entry)).toEqual({ ok: true, skip: false });
    }
    expect(guard.finalCheck()).toEqual({ ok: true, skip: false });
  });

  it.each([
    ['/etc/passwd', 'absolute'],
    ['\\windows\\system32', 'absolute'],
    ['C:/boot.ini', 'absolute'],
    ['../up', '..'],
    ['a/../../up', '..'],
    ['a\\..\\..\\up', '..'],
  ])('rejects the path %s (%s)', (path) => {
    expect(judge([file(path)])).toMatchObject({ ok: false });
  });

  it.each([
    ['CharacterDevice', 'a character device'],
    ['BlockDevice', 'a block device'],
    ['FIFO', 'a fifo'],
    ['GNUDumpDir', 'unsupported'],
  ])('rejects an entry of type %s', (type, words) => {
    const verdict = judge([{ path: 'x', type }]);
    expect(verdict).toMatchObject({ ok: false });
    expect(!verdict.ok && verdict.reason).toContain(words);
  });

  it.each([
    ['/etc', 'absolute target'],
    ['..', 'parent of the root'],
    ['../../x', 'two levels up'],
    ['sub/../../x', 'up through a real directory'],
  ])('rejects a symbolic link to %s (%s)', (target) => {
    expect(judge([symlink('link', target)])).toMatchObject({ ok: false });
  });

  it('follows earlier links when resolving a link target', () => {
    // p/q is the root itself, so p/q/.. is outside, although the text looks inside.
    expect(judge([dir('p/'), symlink('p/q', '..'), symlink('r', 'p/q/..')])).toMatchObject({
      ok: false,
    });
  });

  it('rejects anything written through a symbolic link of the archive', () => {
    expect(judge([dir('sub/'), symlink('l', 'sub'), file('l/x')])).toMatchObject({ ok: false });
    expect(judge([dir('sub/'), symlink('l', 'sub'), symlink('l/x', '.')])).toMatchObject({
      ok: false,
    });
  });

  it('catches a link turned outward by a later link on its route', () => {
    const guard = new ArchiveGuard(0);
    expect(guard.check(symlink('a', 'b/..'))).toMatchObject({ ok: true });
    expect(guard.check(symlink('b', '.'))).toMatchObject({ ok: true });
    expect(guard.finalCheck()).toMatchObject({ ok: false });
  });

  it('rejects a link loop', () => {
    expect(judge([symlink('a', 'b'), symlink('b', 'a'), symlink('c', 'a/x')])).toMatchObject({
      ok: false,
    });
  });

  it('accepts a hard link only to a file earlier in the archive', () => {
    expect(judge([hardlink('h', 'later')])).toMatchObject({ ok: false });
    expect(judge([hardlink('h', '../x')])).toMatchObject({ ok: false });
    expect(judge([hardlink('h', '/etc/passwd')])).toMatchObject({ ok: false });
    expect(judge([dir('d/'), hardlink('h', 'd')])).toMatchObject({ ok: false });
    // A hard link to a symbolic link is a second symbolic link, judged from another directory.
    expect(judge([dir('d/'), symlink('d/l', '../x'), hardlink('h', 'd/l')])).toMatchObject({
      ok: false,
    });
  });

  it('applies strip to paths and hard link targets the way node-tar does', () => {
    expect(judge([file('top/f'), hardlink('top/h', 'top/f')], 1)).toEqual({
      ok: true,
      skip: false,
    });
    // Fewer components than strip: node-tar skips the entry, so it is neither written nor judged.
    expect(judge([file('toplevel-file')], 2)).toEqual({ ok: true, skip: true });
    // Hostile text is refused even in components that strip would remove.
    expect(judge([file('../top/f')], 1)).toMatchObject({ ok: false });
  });

  it('forgets a symbolic link replaced by a file or directory of the same path', () => {
    expect(judge([dir('d/'), symlink('l', 'd'), dir('l/'), file('l/x')])).toEqual({
      ok: true,
      skip: false,
    });
  });
});
