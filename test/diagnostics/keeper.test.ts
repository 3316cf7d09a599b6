// Kept diagnostics on real files: coalesced writes that never lose the last state, per-URI merging.
import { readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { DiagnosticsKeeper } from '../../src/diagnostics/keeper.js';
import { keptDiagnosticsFile, readKept, readKeptFile } from '../../src/diagnostics/kept-file.js';
import { ensureStateDir, launcherPaths, stateSubdir } from '../../src/paths.js';
import { cleanEnv, tempDir } from '../helpers/env.js';

function setup() {
  const paths = launcherPaths(cleanEnv());
  const root = tempDir('launcher-project-');
  const uri = (name: string) => pathToFileURL(path.join(root, name)).href;
  return { paths, root, uri };
}

function diag(line: number, message: string, extra: Partial<Diagnostic> = {}): Diagnostic {
  return {
    range: { start: { line, character: 2 }, end: { line, character: 5 } },
    severity: 1,
    code: 'MYCC001',
    source: 'mycc',
    message,
    ...extra,
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('DiagnosticsKeeper', () => {
  it('keeps the last of 10 000 updates with only a few writes', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    const { paths, root, uri } = setup();
    const keeper = new DiagnosticsKeeper(paths, root, { intervalMs: 100 });
    for (let i = 0; i < 10_000; i++) {
      keeper.update(uri(`f${i % 50}.my`), [diag(i, `round ${i}`)]);
    }
    expect(keeper.writes).toBe(1); // the first change of the burst, at once
    vi.advanceTimersByTime(100);
    expect(keeper.writes).toBe(2); // the rest of the burst, once
    const kept = readKept(paths, root);
    expect(kept).toHaveLength(50);
    const last = kept.find((f) => f.uri === uri('f49.my'));
    expect(last?.diagnostics).toEqual([diag(9999, 'round 9999')]);
    vi.advanceTimersByTime(1000);
    expect(keeper.writes).toBe(2); // nothing left to write
  });

  it('writes pending changes on flush(), without waiting for the interval', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    const { paths, root, uri } = setup();
    const keeper = new DiagnosticsKeeper(paths, root);
    keeper.update(uri('a.my'), [diag(1, 'first')]);
    keeper.update(uri('a.my'), [diag(2, 'second')]);
    keeper.flush();
    expect(readKept(paths, root)).toEqual([{ uri: uri('a.my'), diagnostics: [diag(2, 'second')] }]);
  });

  it('clears a document when it gets [] (its key is dropped)', () => {
    const { paths, root, uri } = setup();
    const keeper = new DiagnosticsKeeper(paths, root);
    keeper.update(uri('a.my'), [diag(1, 'a')]);
    keeper.update(uri('b.my'), [diag(1, 'b')]);
    keeper.flush();
    keeper.update(uri('a.my'), []);
    keeper.flush();
    const stored = JSON.parse(readFileSync(keptDiagnosticsFile(paths, root), 'utf8'));
    expect(Object.keys(stored.files)).toEqual([uri('b.my')]);
    expect(keeper.current()).toEqual([{ uri: uri('b.my'), diagnostics: [diag(1, 'b')] }]);
  });

  it('keeps them after the session ends, and the next session merges per URI (last write wins)', () => {
    const { paths, root, uri } = setup();
    const first = new DiagnosticsKeeper(paths, root, { tool: 'mycc', version: '1.4.2' });
    first.update(uri('a.my'), [diag(1, 'old a')]);
    first.update(uri('b.my'), [diag(1, 'b')]);
    first.close();
    first.update(uri('b.my'), []); // after close: ignored
    const second = new DiagnosticsKeeper(paths, root);
    expect(second.current().map((f) => f.uri)).toEqual([uri('a.my'), uri('b.my')]);
    second.update(uri('a.my'), [diag(3, 'new a')]);
    second.flush();
    const kept = readKeptFile(paths, root);
    expect(kept?.tool).toBe('mycc');
    expect(kept?.version).toBe('1.4.2');
    expect(readKept(paths, root)).toEqual([
      { uri: uri('a.my'), diagnostics: [diag(3, 'new a')] },
      { uri: uri('b.my'), diagnostics: [diag(1, 'b')] },
    ]);
  });

  it('does not undo what a concurrent session of the project wrote to other URIs', () => {
    const { paths, root, uri } = setup();
    const one = new DiagnosticsKeeper(paths, root);
    const two = new DiagnosticsKeeper(paths, root);
    one.update(uri('one.my'), [diag(1, 'from one')]);
    one.flush();
    two.update(uri('two.my'), [diag(1, 'from two')]);
    two.flush();
    expect(readKept(paths, root).map((f) => f.uri)).toEqual([uri('one.my'), uri('two.my')]);
    one.update(uri('three.my'), [diag(1, 'from one, again')]);
    one.flush();
    expect(readKept(paths, root).map((f) => f.uri)).toEqual(
      ['one.my', 'three.my', 'two.my'].map(uri),
    );
  });

  it('keeps naming the tool of an earlier session until a new one is given', () => {
    const { paths, root, uri } = setup();
    const first = new DiagnosticsKeeper(paths, root, { tool: 'mycc', version: '1.4.2' });
    first.update(uri('a.my'), [diag(1, 'a')]);
    first.close();
    const second = new DiagnosticsKeeper(paths, root);
    for (const line of [2, 3]) {
      second.update(uri('a.my'), [diag(line, 'a')]);
      second.flush();
      expect(readKeptFile(paths, root)).toMatchObject({ tool: 'mycc', version: '1.4.2' });
    }
    const third = new DiagnosticsKeeper(paths, root, { tool: 'mycc', version: '2.0.0' });
    third.update(uri('a.my'), []);
    third.flush();
    expect(readKeptFile(paths, root)).toMatchObject({ tool: 'mycc', version: '2.0.0' });
  });

  it.runIf(process.platform !== 'win32')('writes the file 0600 in a 0700 directory', () => {
    const { paths, root, uri } = setup();
    const keeper = new DiagnosticsKeeper(paths, root);
    keeper.update(uri('a.my'), [diag(1, 'a')]);
    keeper.flush();
    expect(statSync(keptDiagnosticsFile(paths, root)).mode & 0o777).toBe(0o600);
    expect(statSync(stateSubdir(paths, 'diagnostics')).mode & 0o777).toBe(0o700);
  });

  it('treats a URI as data, even one named __proto__', () => {
    const { paths, root } = setup();
    const keeper = new DiagnosticsKeeper(paths, root);
    keeper.update('__proto__', [diag(1, 'odd')]);
    keeper.flush();
    expect(readKept(paths, root)).toEqual([{ uri: '__proto__', diagnostics: [diag(1, 'odd')] }]);
  });
});

describe('readKept', () => {
  it('is empty for a project that never published', () => {
    const { paths, root } = setup();
    expect(readKept(paths, root)).toEqual([]);
  });

  it('sorts by uri and finds the project through a symbolic link', () => {
    const { paths, root, uri } = setup();
    const keeper = new DiagnosticsKeeper(paths, root);
    for (const name of ['c.my', 'a.my', 'b.my']) keeper.update(uri(name), [diag(0, name)]);
    keeper.flush();
    const link = path.join(tempDir('launcher-link-'), 'project');
    symlinkSync(root, link);
    expect(readKept(paths, link).map((f) => f.uri)).toEqual(['a.my', 'b.my', 'c.my'].map(uri));
  });

  it('reads a damaged file as empty and drops malformed entries, never failing', () => {
    const { paths, root, uri } = setup();
    ensureStateDir(paths, 'diagnostics');
    const file = keptDiagnosticsFile(paths, root);
    writeFileSync(file, '{"files": {"a": [');
    expect(readKept(paths, root)).toEqual([]);
    writeFileSync(
      file,
      JSON.stringify({
        files: {
          [uri('a.my')]: [
            diag(1, 'good'),
            { message: 'no range' },
            diag(2, 'bad', { severity: 9 as 1 }),
          ],
          [uri('b.my')]: 'not a list',
          [uri('c.my')]: [{ range: {}, message: 'x' }],
        },
      }),
    );
    expect(readKept(paths, root)).toEqual([{ uri: uri('a.my'), diagnostics: [diag(1, 'good')] }]);
  });

  it('replaces a damaged file on the next write', () => {
    const { paths, root, uri } = setup();
    ensureStateDir(paths, 'diagnostics');
    writeFileSync(keptDiagnosticsFile(paths, root), 'garbage');
    const next = new DiagnosticsKeeper(paths, root);
    next.update(uri('a.my'), [diag(1, 'a')]);
    next.flush();
    expect(readKept(paths, root)).toEqual([{ uri: uri('a.my'), diagnostics: [diag(1, 'a')] }]);
  });
});
