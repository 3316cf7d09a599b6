// The latest diagnostics of a project on disk, so they outlive the compiler (spec §8).
import path from 'node:path';
import { LauncherError } from '../errors.js';
import { ensureStateDir, type LauncherPaths, stateSubdir } from '../paths.js';
import { canonicalProjectRoot } from '../session/project-root.js';
import { type AtomicWriteOptions, writeFileAtomic } from '../util/atomic-write.js';
import { nodeCrypto } from '../util/random.js';
import { readSmallFile } from '../util/read-small-file.js';
import { type Diagnostic, type FileDiagnostics, isDiagnostic, withoutNulls } from './diagnostic.js';

/** The content of a kept-diagnostics file. */
export interface KeptDiagnostics {
  /** The canonical project root the file belongs to. */
  readonly projectRoot: string;
  /** ISO 8601 time of the last write. */
  readonly updatedAt: string;
  /** The tool and version that published last, when known (named in SARIF output). */
  readonly tool?: string | null;
  readonly version?: string | null;
  /** Each document's current diagnostics; a document without any has no entry. */
  readonly files: ReadonlyMap<string, Diagnostic[]>;
}

/** Kept diagnostics may name other people's code: private to the user like the sessions. */
const KEPT_FILE_MODE = 0o600;
// Far more than any real project; a bound so a corrupt file cannot exhaust memory.
const MAX_KEPT_BYTES = 256 * 1024 * 1024;

/** The file holding a project's diagnostics: named by a hash of the canonical project root. */
export function keptDiagnosticsFile(paths: LauncherPaths, projectRoot: string): string {
  return keptPath(paths, projectRoot, '.json');
}

/** The lock the keepers of a project take turns by to change its kept file (keeper.ts). */
export function keptDiagnosticsLock(paths: LauncherPaths, projectRoot: string): string {
  return keptPath(paths, projectRoot, '.lock');
}

function keptPath(paths: LauncherPaths, projectRoot: string, extension: string): string {
  const key = nodeCrypto()
    .createHash('sha256')
    .update(canonicalProjectRoot(projectRoot))
    .digest('hex');
  return path.join(stateSubdir(paths, 'diagnostics'), `${key.slice(0, 32)}${extension}`);
}

/**
 * Read a project's kept diagnostics for the keeper, which must not fail a compiler run: null
 * when there are none, and also when the file cannot be read (the next write replaces it).
 */
export function readKeptFile(paths: LauncherPaths, projectRoot: string): KeptDiagnostics | null {
  const content = readSmallFile(keptDiagnosticsFile(paths, projectRoot), MAX_KEPT_BYTES);
  return content.status === 'text' ? parseKept(content.text, projectRoot) : null;
}

/**
 * Read a project's kept diagnostics for a reader that shows them (`diagnostics`, `lsp`): null
 * when there are none yet. A file that exists but cannot be read (permissions, a directory in
 * its place, a link loop) is an E_IO error naming it: reading it as "nothing kept" would hide
 * the problem behind a wrong answer.
 */
export function loadKeptFile(paths: LauncherPaths, projectRoot: string): KeptDiagnostics | null {
  const file = keptDiagnosticsFile(paths, projectRoot);
  const content = readSmallFile(file, MAX_KEPT_BYTES);
  if (content.status === 'unreadable' && !content.damaged) {
    throw new LauncherError('E_IO', `cannot read the kept diagnostics ${file}: ${content.reason}`, {
      hint:
        'It should be a file of yours (mode 0600) in a directory of yours (mode 0700). Fix that, ' +
        "or delete it to start afresh: the compiler's next run writes it again.",
    });
  }
  return content.status === 'text' ? parseKept(content.text, projectRoot) : null;
}

/**
 * The content of a kept file. Damaged content (not UTF-8, not JSON, not the expected shape)
 * reads as none: the next write replaces it. Each entry goes through the checks a compiler's
 * notifications pass (null optional fields read as absent, then isDiagnostic); entries that fail
 * them are left out, so what is read can always be formatted.
 */
function parseKept(text: string, projectRoot: string): KeptDiagnostics | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof data !== 'object' || data === null) return null;
  const raw = data as Record<string, unknown>;
  if (typeof raw.files !== 'object' || raw.files === null || Array.isArray(raw.files)) return null;
  // A Map, not an object: a URI is data and must never reach a prototype (`__proto__`).
  const files = new Map<string, Diagnostic[]>();
  for (const [uri, list] of Object.entries(raw.files as Record<string, unknown>)) {
    const diagnostics = Array.isArray(list) ? list.map(withoutNulls).filter(isDiagnostic) : [];
    if (diagnostics.length > 0) files.set(uri, diagnostics);
  }
  return {
    projectRoot: typeof raw.projectRoot === 'string' ? raw.projectRoot : projectRoot,
    updatedAt: typeof raw.updatedAt === 'string' ? raw.updatedAt : '',
    tool: typeof raw.tool === 'string' ? raw.tool : null,
    version: typeof raw.version === 'string' ? raw.version : null,
    files,
  };
}

/**
 * Replace a project's kept diagnostics atomically (readers see the old or the new file); false
 * when `beforeRename` said no and the file was left as it was.
 */
export function writeKeptFile(
  paths: LauncherPaths,
  kept: KeptDiagnostics,
  options: Pick<AtomicWriteOptions, 'beforeRename'> = {},
): boolean {
  ensureStateDir(paths, 'diagnostics');
  const content = { ...kept, files: Object.fromEntries(kept.files) };
  return writeFileAtomic(
    keptDiagnosticsFile(paths, kept.projectRoot),
    `${JSON.stringify(content)}\n`,
    KEPT_FILE_MODE,
    options,
  );
}

/** The documents of a kept set as `[{ uri, diagnostics }]`, sorted by uri. */
export function listFiles(files: ReadonlyMap<string, Diagnostic[]>): FileDiagnostics[] {
  return [...files.keys()].sort().map((uri) => ({ uri, diagnostics: files.get(uri)! }));
}

/**
 * A project's kept diagnostics as `[{ uri, diagnostics }]` sorted by uri (empty when none); an
 * E_IO error when the file cannot be read (see loadKeptFile).
 */
export function readKept(paths: LauncherPaths, projectRoot: string): FileDiagnostics[] {
  return listFiles(loadKeptFile(paths, projectRoot)?.files ?? new Map());
}
