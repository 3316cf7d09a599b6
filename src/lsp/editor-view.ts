// What `launcher lsp` has the editor show, fed by two sources that overlap: the live session
// (at once, with document versions) and the kept file (every run of the project, short ones
// too, but written up to ~100 ms later, re-read after a burst of file events, and possibly read
// before or after the live stream has caught up with it).
import type { Diagnostic, FileDiagnostics } from '../diagnostics/diagnostic.js';
import { type Clock, systemClock, type TimerHandle } from '../supervisor/clock.js';

/** Sends one `textDocument/publishDiagnostics` to the editor. */
export type PublishToEditor = (uri: string, diagnostics: Diagnostic[], version?: number) => void;

/**
 * How long after the live session's last set for a document the kept file is not heeded for it:
 * beyond the keeper's write delay and the watcher's gathering (~150 ms together; for a kept file
 * of several megabytes up to ~400 + 250 ms plus a write and a read, see MAX_WRITE_SPACING_MS and
 * MAX_READ_SPACING_MS), so that by then the file holds that set, or what another run wrote since.
 */
export const LIVE_HOLD_MS = 1000;

const NONE = '[]';

/**
 * Merges the two sources:
 *
 * - every set the live session publishes is forwarded at once, as spec §8 asks;
 * - a document the live session published in the last LIVE_HOLD_MS is the session's: changes of
 *   the kept file do not touch it meanwhile (they are its own sets reaching the disk, earlier
 *   or later than the stream, or an older one of them);
 * - when that time has passed without a new live set, and the kept file changed for the
 *   document since that set, the editor is brought to what the file holds, if it differs: the
 *   last word goes to the file, which every run of the project writes (a file that did not
 *   change, unreadable or not written, has no word newer than the live set);
 * - any other change of the kept file (another run of the project, a short `launcher exec`
 *   that no session poll would catch, the file deleted) is forwarded at once, and a document
 *   gone from the file is cleared.
 *
 * Sets are compared as JSON: both sources carry the same objects, in the same key order.
 */
export class EditorView {
  readonly #publish: PublishToEditor;
  readonly #clock: Clock;
  /** What the editor shows, per document; no entry when it shows nothing. */
  readonly #shown = new Map<string, string>();
  /** The kept file at its last report, per document. */
  #kept = new Map<string, { text: string; diagnostics: Diagnostic[] }>();
  /** The documents the live session published lately, until their hold ends. */
  readonly #held = new Map<string, TimerHandle>();
  /**
   * The held documents whose kept set changed since their last live set: only for those does
   * the file have a later word when the hold ends. A file that did not change (not read yet,
   * unreadable, its keeper failing) says nothing newer than the live set, and must not clear it.
   */
  readonly #changedSinceLive = new Set<string>();
  /** Documents whose last live set is newer than the kept file's last change for them. */
  readonly #liveNewer = new Set<string>();

  constructor(publish: PublishToEditor, clock: Clock = systemClock) {
    this.#publish = publish;
    this.#clock = clock;
  }

  /** One `publishDiagnostics` of the live session: always forwarded. */
  live(uri: string, diagnostics: Diagnostic[], version?: number): void {
    this.#show(uri, diagnostics, JSON.stringify(diagnostics), version);
    this.#hold(uri);
    this.#liveNewer.add(uri);
  }

  /**
   * The session's diagnostics when the bridge (re-)attaches: forwarded where they differ from
   * what the editor shows, and held like any live set. Documents they lack are left to the kept
   * file, which knows the runs of other sessions too.
   */
  attached(sets: FileDiagnostics[]): void {
    for (const { uri, diagnostics } of sets) {
      const text = JSON.stringify(diagnostics);
      const changed = this.#changedSinceLive.has(uri);
      const stale = this.#liveNewer.has(uri);
      if (text !== (this.#shown.get(uri) ?? NONE)) this.#show(uri, diagnostics, text);
      this.#hold(uri);
      // A snapshot is no new publication: a kept set another run wrote since (read before the
      // bridge attached, or during an earlier hold) still has the last word when this hold ends.
      const kept = this.#kept.get(uri)?.text;
      if (changed || (!stale && kept !== undefined && kept !== text))
        this.#changedSinceLive.add(uri);
    }
  }

  /** The kept file's full set, after each change (the first call shows all of it). */
  kept(sets: FileDiagnostics[]): void {
    const previous = this.#kept;
    this.#kept = new Map(
      sets.map(({ uri, diagnostics }) => [uri, { text: JSON.stringify(diagnostics), diagnostics }]),
    );
    for (const uri of new Set([...previous.keys(), ...this.#kept.keys()])) {
      if ((previous.get(uri)?.text ?? NONE) === (this.#kept.get(uri)?.text ?? NONE)) continue;
      this.#liveNewer.delete(uri);
      if (this.#held.has(uri)) this.#changedSinceLive.add(uri);
      else this.#settle(uri);
    }
  }

  /** Stop the hold timers (the bridge is ending). */
  dispose(): void {
    for (const timer of this.#held.values()) this.#clock.clearTimeout(timer);
    this.#held.clear();
  }

  #hold(uri: string): void {
    const timer = this.#held.get(uri);
    if (timer !== undefined) this.#clock.clearTimeout(timer);
    this.#changedSinceLive.delete(uri);
    this.#held.set(
      uri,
      this.#clock.setTimeout(() => {
        this.#held.delete(uri);
        if (this.#changedSinceLive.delete(uri)) this.#settle(uri);
      }, LIVE_HOLD_MS),
    );
  }

  // Show what the kept file holds for the document, unless the editor shows it already.
  #settle(uri: string): void {
    const kept = this.#kept.get(uri);
    const text = kept?.text ?? NONE;
    if (text !== (this.#shown.get(uri) ?? NONE)) this.#show(uri, kept?.diagnostics ?? [], text);
  }

  #show(uri: string, diagnostics: Diagnostic[], text: string, version?: number): void {
    if (text === NONE) this.#shown.delete(uri);
    else this.#shown.set(uri, text);
    this.#publish(uri, diagnostics, version);
  }
}
