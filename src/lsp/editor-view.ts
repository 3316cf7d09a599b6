// What `launcher lsp` has the editor show, fed by two sources that overlap: the live session
// (at once, with document versions) and the kept file (every run of the project, short ones
// too, but written up to ~100 ms later and re-read after a burst of file events).
import type { Diagnostic, FileDiagnostics } from '../diagnostics/diagnostic.js';

/** Sends one `textDocument/publishDiagnostics` to the editor. */
export type PublishToEditor = (uri: string, diagnostics: Diagnostic[], version?: number) => void;

// Per document, how many of the session's sets may wait for the disk at once: far more than a
// write interval holds; only a keeper that cannot write at all would reach it.
const MAX_UNCONFIRMED = 32;
const NONE = '[]';

/**
 * Merges the two sources so that the editor never goes back to an older set:
 *
 * - every set the live session publishes is forwarded, as spec §8 asks;
 * - a change of the kept file is forwarded unless it is the session's own set reaching the
 *   disk: a set the session published and the file had not shown yet. When it is an older one
 *   (the session published again meanwhile), the editor already has the newer one.
 * - anything else that changes in the kept file (another run of the project, a short
 *   `launcher exec` that no session poll would catch, the file deleted) is forwarded, and a
 *   document gone from the file is cleared.
 *
 * Sets are compared as JSON: both sources carry the same objects, in the same key order.
 */
export class EditorView {
  readonly #publish: PublishToEditor;
  /** What the editor shows, per document; no entry when it shows nothing. */
  readonly #shown = new Map<string, string>();
  /** The kept file at its last report, per document. */
  #kept = new Map<string, string>();
  /** Per document, the session's sets the kept file has not shown yet, oldest first. */
  readonly #unconfirmed = new Map<string, string[]>();

  constructor(publish: PublishToEditor) {
    this.#publish = publish;
  }

  /** One `publishDiagnostics` of the live session: always forwarded. */
  live(uri: string, diagnostics: Diagnostic[], version?: number): void {
    const text = JSON.stringify(diagnostics);
    if (text !== (this.#kept.get(uri) ?? NONE)) {
      const waiting = this.#unconfirmed.get(uri) ?? [];
      waiting.push(text);
      if (waiting.length > MAX_UNCONFIRMED) waiting.shift();
      this.#unconfirmed.set(uri, waiting);
    }
    this.#show(uri, diagnostics, text, version);
  }

  /**
   * The session's diagnostics when the bridge (re-)attaches: forwarded where they differ from
   * what the editor shows. Documents they lack are left to the kept file, which knows the runs
   * of other sessions too.
   */
  attached(sets: FileDiagnostics[]): void {
    for (const { uri, diagnostics } of sets) {
      if (JSON.stringify(diagnostics) !== (this.#shown.get(uri) ?? NONE))
        this.live(uri, diagnostics);
    }
  }

  /** The kept file's full set, after each change (the first call shows all of it). */
  kept(sets: FileDiagnostics[]): void {
    const next = new Map<string, string>();
    const lists = new Map<string, Diagnostic[]>();
    for (const { uri, diagnostics } of sets) {
      next.set(uri, JSON.stringify(diagnostics));
      lists.set(uri, diagnostics);
    }
    for (const uri of new Set([...this.#kept.keys(), ...next.keys()])) {
      const text = next.get(uri) ?? NONE;
      if (text === (this.#kept.get(uri) ?? NONE)) continue;
      const waiting = this.#unconfirmed.get(uri);
      const at = waiting?.lastIndexOf(text) ?? -1;
      if (waiting && at >= 0) {
        waiting.splice(0, at + 1);
        if (waiting.length === 0) this.#unconfirmed.delete(uri);
        continue;
      }
      this.#unconfirmed.delete(uri);
      if (text !== (this.#shown.get(uri) ?? NONE)) this.#show(uri, lists.get(uri) ?? [], text);
    }
    this.#kept = next;
  }

  #show(uri: string, diagnostics: Diagnostic[], text: string, version?: number): void {
    if (text === NONE) this.#shown.delete(uri);
    else this.#shown.set(uri, text);
    this.#publish(uri, diagnostics, version);
  }
}
