// Merging the live session and the kept file into what the editor shows: every live set at once,
// the kept file for what no live set covers, and the kept file's word once the session is quiet.
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { EditorView, LIVE_HOLD_MS } from '../../src/lsp/editor-view.js';
import { FakeClock } from '../supervisor/fake-clock.js';

const A = 'file:///p/a.my';
const B = 'file:///p/b.my';

function diag(message: string): Diagnostic {
  return { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, message };
}

const set = (uri: string, ...messages: string[]) => ({ uri, diagnostics: messages.map(diag) });

/** An EditorView on a hand-moved clock, and what it sent to the editor: [uri, messages, version?]. */
function editor() {
  const sent: unknown[][] = [];
  const clock = new FakeClock();
  const view = new EditorView(
    (uri, diagnostics, version) =>
      sent.push([
        uri,
        diagnostics.map((d) => d.message),
        ...(version === undefined ? [] : [version]),
      ]),
    clock,
  );
  const take = () => sent.splice(0);
  return { view, take, clock };
}

describe('EditorView', () => {
  it('shows the kept set, then each change of it, and clears documents that leave it', () => {
    const { view, take } = editor();
    view.kept([set(A, 'a1')]);
    expect(take()).toEqual([[A, ['a1']]]);
    view.kept([set(A, 'a1'), set(B, 'b1')]);
    expect(take()).toEqual([[B, ['b1']]]);
    view.kept([set(B, 'b2')]);
    expect(take()).toEqual([
      [A, []],
      [B, ['b2']],
    ]);
    view.kept([]);
    expect(take()).toEqual([[B, []]]);
  });

  it('forwards every live set at once, and not its echo when it reaches the disk', () => {
    const { view, take, clock } = editor();
    view.kept([]);
    view.live(A, [diag('a1')], 3);
    view.live(A, [diag('a1')], 4);
    expect(take()).toEqual([
      [A, ['a1'], 3],
      [A, ['a1'], 4],
    ]);
    view.kept([set(A, 'a1')]);
    clock.advance(LIVE_HOLD_MS);
    expect(take()).toEqual([]);
  });

  it('never shows the live sets again as they reach the disk late, one by one', () => {
    const { view, take, clock } = editor();
    view.kept([]);
    view.live(A, [diag('old')]);
    view.live(A, [diag('new')]);
    view.live(B, [diag('b')]);
    take();
    // The keeper wrote the first set at once, the rest one interval later.
    view.kept([set(A, 'old')]);
    view.kept([set(A, 'new'), set(B, 'b')]);
    // A clear goes the same way, and a set repeated since (old, then new again).
    view.live(A, []);
    view.live(A, [diag('old')]);
    view.live(A, [diag('new')]);
    expect(take()).toEqual([
      [A, []],
      [A, ['old']],
      [A, ['new']],
    ]);
    view.kept([set(A, 'old'), set(B, 'b')]);
    view.kept([set(B, 'b')]);
    view.kept([set(A, 'new'), set(B, 'b')]);
    clock.advance(LIVE_HOLD_MS);
    expect(take()).toEqual([]);
  });

  it('brings a cleared document back to nothing, even when the disk showed a set in between', () => {
    const { view, take, clock } = editor();
    view.kept([]);
    view.live(A, []);
    view.live(A, [diag('a')]);
    view.live(A, []);
    view.kept([set(A, 'a')]);
    view.kept([]);
    clock.advance(LIVE_HOLD_MS);
    expect(take()).toEqual([
      [A, []],
      [A, ['a']],
      [A, []],
    ]);
  });

  it('follows a live stream that lags behind the kept file, which it then catches up with', () => {
    // A busy bridge reads the socket late: the disk already holds the newest set, which the
    // stream delivers too, in its turn (the control socket always delivers the last state).
    const { view, take, clock } = editor();
    view.kept([set(A, 'p3')]);
    take();
    view.live(A, [diag('p1')]);
    view.live(A, [diag('p2')]);
    view.live(A, [diag('p3')]);
    clock.advance(LIVE_HOLD_MS);
    expect(take()).toEqual([
      [A, ['p1']],
      [A, ['p2']],
      [A, ['p3']],
    ]);
  });

  it('shows what another run wrote: at once for a document the session left alone, else once it is quiet', () => {
    const { view, take, clock } = editor();
    view.kept([]);
    view.live(A, [diag('server')]);
    view.kept([set(A, 'server')]);
    take();
    // A short `launcher exec` a moment after the session's last set, then one much later.
    view.kept([set(A, 'short run'), set(B, 'short run')]);
    expect(take()).toEqual([[B, ['short run']]]);
    clock.advance(LIVE_HOLD_MS);
    expect(take()).toEqual([[A, ['short run']]]);
    view.kept([set(A, 'later run'), set(B, 'short run')]);
    expect(take()).toEqual([[A, ['later run']]]);
  });

  it('does not take a later run’s set for the session’s own earlier one', () => {
    // The session published B then A within one write (the disk went from nothing to A); a
    // short run then writes B.
    const { view, take, clock } = editor();
    view.kept([]);
    view.live(A, [diag('B')]);
    view.live(A, [diag('A')]);
    view.kept([set(A, 'A')]);
    clock.advance(LIVE_HOLD_MS);
    take();
    view.kept([set(A, 'B')]);
    expect(take()).toEqual([[A, ['B']]]);
  });

  it('on attaching, forwards only what differs from what the editor shows', () => {
    const { view, take, clock } = editor();
    view.kept([set(A, 'a')]);
    take();
    view.attached([set(A, 'a'), set(B, 'b')]);
    expect(take()).toEqual([[B, ['b']]]);
    // B then reaching the disk is the session's own set: nothing more to send.
    view.kept([set(A, 'a'), set(B, 'b')]);
    clock.advance(LIVE_HOLD_MS);
    expect(take()).toEqual([]);
  });

  it('leaves live sets alone when the kept file says nothing newer: not read yet, unreadable, not written', () => {
    const { view, take, clock } = editor();
    view.live(A, [diag('live')]);
    clock.advance(LIVE_HOLD_MS);
    expect(take()).toEqual([[A, ['live']]]);
    view.kept([set(A, 'live')]);
    // The file stops changing (its keeper cannot write, or it cannot be read any more).
    view.live(A, [diag('newer')]);
    clock.advance(LIVE_HOLD_MS);
    expect(take()).toEqual([[A, ['newer']]]);
    // It changes again: its word counts once more.
    view.kept([set(A, 'newest')]);
    expect(take()).toEqual([[A, ['newest']]]);
  });

  it('lets a run that wrote after the session’s last set have the last word, also across attaching', () => {
    // The session published S_A; a short run wrote S_B; then the bridge starts: it reads the
    // kept file first, then attaches and gets the session's S_A as a snapshot.
    const { view, take, clock } = editor();
    view.kept([set(A, 'S_B')]);
    view.attached([set(A, 'S_A')]);
    clock.advance(LIVE_HOLD_MS);
    expect(take()).toEqual([
      [A, ['S_B']],
      [A, ['S_A']],
      [A, ['S_B']],
    ]);
    // The same when the run wrote during a hold and the bridge then attached again.
    view.live(A, [diag('S_A')]);
    view.kept([set(A, 'S_C')]);
    view.attached([set(A, 'S_A')]);
    clock.advance(LIVE_HOLD_MS);
    expect(take()).toEqual([
      [A, ['S_A']],
      [A, ['S_C']],
    ]);
  });

  it('keeps a live set across attaching when the kept file was read before it and did not change', () => {
    // The file's keeper stops writing; the session publishes; the bridge re-attaches.
    const { view, take, clock } = editor();
    view.kept([set(A, 'old')]);
    view.live(A, [diag('live')]);
    clock.advance(LIVE_HOLD_MS);
    view.attached([set(A, 'live')]);
    clock.advance(LIVE_HOLD_MS);
    expect(take()).toEqual([
      [A, ['old']],
      [A, ['live']],
    ]);
  });

  it('stops its timers when disposed', () => {
    const { view, take, clock } = editor();
    view.kept([set(A, 'kept')]);
    view.live(A, [diag('live')]);
    take();
    view.dispose();
    expect(clock.pending()).toEqual([]);
    clock.advance(LIVE_HOLD_MS);
    expect(take()).toEqual([]);
  });
});
