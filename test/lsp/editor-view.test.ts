// Merging the live session and the kept file into what the editor shows, never going back.
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { EditorView } from '../../src/lsp/editor-view.js';

const A = 'file:///p/a.my';
const B = 'file:///p/b.my';

function diag(message: string): Diagnostic {
  return { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, message };
}

/** An EditorView and what it sent to the editor, as [uri, messages, version?]. */
function editor() {
  const sent: unknown[][] = [];
  const view = new EditorView((uri, diagnostics, version) =>
    sent.push([
      uri,
      diagnostics.map((d) => d.message),
      ...(version === undefined ? [] : [version]),
    ]),
  );
  const take = () => sent.splice(0);
  return { view, take };
}

describe('EditorView', () => {
  it('shows the kept set, then each change of it, and clears documents that leave it', () => {
    const { view, take } = editor();
    view.kept([{ uri: A, diagnostics: [diag('a1')] }]);
    expect(take()).toEqual([[A, ['a1']]]);
    view.kept([
      { uri: A, diagnostics: [diag('a1')] },
      { uri: B, diagnostics: [diag('b1')] },
    ]);
    expect(take()).toEqual([[B, ['b1']]]);
    view.kept([{ uri: B, diagnostics: [diag('b2')] }]);
    expect(take()).toEqual([
      [A, []],
      [B, ['b2']],
    ]);
    view.kept([]);
    expect(take()).toEqual([[B, []]]);
  });

  it('forwards every live set, and not its echo when it reaches the disk', () => {
    const { view, take } = editor();
    view.kept([]);
    view.live(A, [diag('a1')], 3);
    view.live(A, [diag('a1')], 4);
    expect(take()).toEqual([
      [A, ['a1'], 3],
      [A, ['a1'], 4],
    ]);
    view.kept([{ uri: A, diagnostics: [diag('a1')] }]);
    expect(take()).toEqual([]);
  });

  it('never goes back to an older live set that reaches the disk late', () => {
    const { view, take } = editor();
    view.kept([]);
    view.live(A, [diag('old')]);
    view.live(A, [diag('new')]);
    view.live(B, [diag('b')]);
    take();
    // The keeper wrote the first set at once, the rest one interval later.
    view.kept([{ uri: A, diagnostics: [diag('old')] }]);
    expect(take()).toEqual([]);
    view.kept([
      { uri: A, diagnostics: [diag('new')] },
      { uri: B, diagnostics: [diag('b')] },
    ]);
    expect(take()).toEqual([]);
    // A clear goes the same way.
    view.live(A, []);
    expect(take()).toEqual([[A, []]]);
    view.kept([{ uri: B, diagnostics: [diag('b')] }]);
    expect(take()).toEqual([]);
  });

  it('shows what another run wrote, also for a document the session published', () => {
    const { view, take } = editor();
    view.kept([]);
    view.live(A, [diag('server')]);
    view.kept([{ uri: A, diagnostics: [diag('server')] }]);
    take();
    view.kept([{ uri: A, diagnostics: [diag('short run')] }]);
    expect(take()).toEqual([[A, ['short run']]]);
  });

  it('on attaching, forwards only what differs from what the editor shows', () => {
    const { view, take } = editor();
    view.kept([{ uri: A, diagnostics: [diag('a')] }]);
    take();
    view.attached([
      { uri: A, diagnostics: [diag('a')] },
      { uri: B, diagnostics: [diag('b')] },
    ]);
    expect(take()).toEqual([[B, ['b']]]);
    // B then reaching the disk is the session's own set: nothing more to send.
    view.kept([
      { uri: A, diagnostics: [diag('a')] },
      { uri: B, diagnostics: [diag('b')] },
    ]);
    expect(take()).toEqual([]);
  });
});
