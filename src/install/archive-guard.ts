// Deciding, entry by entry and before anything is written, whether an archive stays inside its
// directory. node-tar quietly strips or skips some hostile entries; we reject the whole archive.

/** The facts of a tar entry the guard looks at (node-tar's ReadEntry has them). */
export interface EntryFacts {
  readonly path: string;
  readonly type: string;
  readonly linkpath?: string | undefined;
}

/** The guard's answer: write it, skip it (as node-tar will, e.g. above `strip`), or reject. */
export type Verdict =
  | { readonly ok: true; readonly skip: boolean }
  | { readonly ok: false; readonly reason: string };

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);
const SPECIAL: Record<string, string> = {
  CharacterDevice: 'a character device',
  BlockDevice: 'a block device',
  FIFO: 'a fifo',
};
// Following more links than this means a loop, as for the kernel's ELOOP.
const MAX_HOPS = 40;
const foldCase = process.platform === 'darwin' || process.platform === 'win32';

const isAbsolute = (p: string): boolean => /^([/\\]|[A-Za-z]:)/.test(p);
const hasDotDot = (p: string): boolean => p.split(/[/\\]/).includes('..');
const segments = (p: string): string[] => p.split('/').filter((s) => s !== '' && s !== '.');

/**
 * Tracks what the archive has laid down so far (which paths are files, which are symlinks and
 * where they point), so that links are judged by where they really lead, not by their text.
 */
export class ArchiveGuard {
  readonly #strip: number;
  readonly #files = new Set<string>();
  readonly #links = new Map<string, string>();

  constructor(strip: number) {
    this.#strip = strip;
  }

  #key(segs: readonly string[]): string {
    const key = segs.join('/');
    return foldCase ? key.normalize('NFC').toLowerCase() : key;
  }

  /** The path node-tar will write after `strip`, or null when it skips the entry. */
  #stripped(raw: string): string[] | null {
    const parts = raw.split('/');
    if (parts.length < this.#strip) return null;
    return segments(parts.slice(this.#strip).join('/'));
  }

  /** Judge the next entry; entries must be shown in archive order. */
  check(entry: EntryFacts): Verdict {
    const raw = entry.path;
    if (isAbsolute(raw)) return { ok: false, reason: `${JSON.stringify(raw)} is an absolute path` };
    if (hasDotDot(raw)) return { ok: false, reason: `${JSON.stringify(raw)} contains ..` };
    const special = SPECIAL[entry.type];
    if (special) return { ok: false, reason: `${JSON.stringify(raw)} is ${special}` };
    const isLink = entry.type === 'SymbolicLink' || entry.type === 'Link';
    if (!isLink && !FILE_TYPES.has(entry.type) && entry.type !== 'Directory') {
      return {
        ok: false,
        reason: `${JSON.stringify(raw)} has the unsupported entry type ${entry.type}`,
      };
    }
    const segs = this.#stripped(raw);
    if (segs === null) return { ok: true, skip: true };
    for (let i = 1; i < segs.length; i++) {
      const parent = segs.slice(0, i);
      if (this.#links.has(this.#key(parent))) {
        return {
          ok: false,
          reason: `${JSON.stringify(raw)} would be written through the symbolic link ${parent.join('/')}`,
        };
      }
    }
    const key = this.#key(segs);
    if (entry.type === 'SymbolicLink') return this.#symlink(raw, segs, key, entry.linkpath ?? '');
    if (entry.type === 'Link') return this.#hardlink(raw, key, entry.linkpath ?? '');
    this.#links.delete(key);
    if (FILE_TYPES.has(entry.type)) this.#files.add(key);
    else this.#files.delete(key);
    return { ok: true, skip: false };
  }

  #symlink(raw: string, segs: string[], key: string, target: string): Verdict {
    const bad = {
      ok: false as const,
      reason: `the symbolic link ${JSON.stringify(raw)} points outside the install (to ${JSON.stringify(target)})`,
    };
    if (target === '' || isAbsolute(target)) return bad;
    if (!this.#staysInside(segs.slice(0, -1), target)) return bad;
    this.#files.delete(key);
    this.#links.set(key, target);
    return { ok: true, skip: false };
  }

  #hardlink(raw: string, key: string, target: string): Verdict {
    const bad = (why: string) => ({
      ok: false as const,
      reason: `the hard link ${JSON.stringify(raw)} ${why} (${JSON.stringify(target)})`,
    });
    if (isAbsolute(target) || hasDotDot(target)) return bad('points outside the install');
    const targetSegs = this.#stripped(target);
    if (targetSegs === null) return { ok: true, skip: true };
    if (!this.#files.has(this.#key(targetSegs)))
      return bad('does not point at a file earlier in the archive');
    this.#links.delete(key);
    this.#files.add(key);
    return { ok: true, skip: false };
  }

  /** Resolve `target` from directory `dir` through the links seen so far; false when it leaves the root. */
  #staysInside(dir: readonly string[], target: string): boolean {
    const stack = [...dir];
    const queue = target.split(/[/\\]/);
    let hops = 0;
    while (queue.length > 0) {
      const seg = queue.shift()!;
      if (seg === '' || seg === '.') continue;
      if (seg === '..') {
        if (stack.length === 0) return false;
        stack.pop();
        continue;
      }
      stack.push(seg);
      const link = this.#links.get(this.#key(stack));
      if (link !== undefined) {
        if (++hops > MAX_HOPS || isAbsolute(link)) return false;
        stack.pop();
        queue.unshift(...link.split(/[/\\]/));
      }
    }
    return true;
  }

  /**
   * Re-judge every symbolic link against the final set of links. A link that was inside when
   * it was written can be turned outward by a later link on its route (`a -> b/..`, then `b -> .`).
   */
  finalCheck(): Verdict {
    for (const [key, target] of this.#links) {
      const segs = key.split('/');
      if (!this.#staysInside(segs.slice(0, -1), target)) {
        return {
          ok: false,
          reason: `the symbolic link ${JSON.stringify(key)} points outside the install (to ${JSON.stringify(target)})`,
        };
      }
    }
    return { ok: true, skip: false };
  }
}
