// What `launcher lsp` takes from the editor's `initialize`: the folder it opened, and its process.
import { fileURLToPath } from 'node:url';
import { ErrorCodes, ResponseError } from 'vscode-jsonrpc/node';
import { LauncherError } from '../errors.js';

/** The parameters of `initialize` that launcher uses, checked. */
export interface InitializeParams {
  readonly processId: number | null;
  readonly rootUri: string | null;
  readonly rootPath: string | null;
  readonly workspaceFolders: readonly { readonly uri: string }[] | null;
}

/** The folder to find the project from. */
export type EditorFolder =
  /** A folder on this machine. */
  | { readonly kind: 'folder'; readonly dir: string }
  /** The editor named no folder at all: the server's working directory stands for it. */
  | { readonly kind: 'none' }
  /** The editor named folders, none of them a `file:` one (`vscode-vfs://…`): none is served. */
  | { readonly kind: 'unserved'; readonly uri: string };

/**
 * The parameters, each of the type LSP gives it (absent counts as null): a wrong one is
 * answered InvalidParams (-32602) naming it, rather than failing somewhere inside.
 */
export function checkInitialize(params: unknown): InitializeParams {
  const given = params ?? {};
  if (typeof given !== 'object' || Array.isArray(given))
    throw invalid('params', 'an object', given);
  const raw = given as Record<string, unknown>;
  const processId = raw.processId ?? null;
  if (processId !== null && !Number.isSafeInteger(processId))
    throw invalid('processId', 'an integer or null', processId);
  const folders = raw.workspaceFolders ?? null;
  if (folders !== null && !isFolderList(folders))
    throw invalid('workspaceFolders', 'an array of { uri, name } or null', folders);
  return {
    processId: processId as number | null,
    rootUri: stringOrNull(raw, 'rootUri'),
    rootPath: stringOrNull(raw, 'rootPath'),
    workspaceFolders: folders,
  };
}

function isFolderList(value: unknown): value is { uri: string }[] {
  return (
    Array.isArray(value) &&
    value.every((f) => typeof f === 'object' && f !== null && typeof f.uri === 'string')
  );
}

/**
 * The folder the editor opened: the first one on this machine among `rootUri`, then the
 * `workspaceFolders`, then `rootPath` (a plain path). An editor that names folders but none
 * on this machine gets none: falling back to the server's own directory could show another
 * project's diagnostics. A `file:` URI that names no path here is an E_USAGE error.
 */
export function editorFolder(params: InitializeParams): EditorFolder {
  const uris = [params.rootUri, ...(params.workspaceFolders ?? []).map((f) => f.uri)].filter(
    (uri): uri is string => uri !== null && uri !== '',
  );
  const file = uris.find((uri) => uri.startsWith('file:'));
  if (file !== undefined) return { kind: 'folder', dir: pathOf(file) };
  if (params.rootPath) return { kind: 'folder', dir: params.rootPath };
  return uris.length > 0 ? { kind: 'unserved', uri: uris[0]! } : { kind: 'none' };
}

function pathOf(uri: string): string {
  try {
    return fileURLToPath(uri);
  } catch (error) {
    throw new LauncherError('E_USAGE', `the folder the editor opened, ${uri}, names no path here`, {
      hint: 'Open the project from a folder on this machine.',
      cause: error,
    });
  }
}

function stringOrNull(raw: Record<string, unknown>, name: string): string | null {
  const value = raw[name] ?? null;
  if (value !== null && typeof value !== 'string') throw invalid(name, 'a string or null', value);
  return value;
}

function invalid(name: string, what: string, value: unknown): ResponseError<void> {
  const shown = JSON.stringify(value) ?? String(value);
  const cut = shown.length > 80 ? `${shown.slice(0, 80)}…` : shown;
  return new ResponseError(
    ErrorCodes.InvalidParams,
    `initialize: ${name} must be ${what}, not ${cut}`,
  );
}
