// How a .cmd shim spells a path, and how doctor reads it back. cmd.exe decodes a batch file in
// the console's OEM code page (437, 850…), not UTF-8, so every byte we write must be ASCII: a
// path with other characters is spelled from the shim's own folder or a user folder variable,
// which cmd expands in full Unicode. Pure functions on `path.win32`, so they can run anywhere.
import path from 'node:path';

const win = path.win32;

// The user folders a path may be spelled from, as the environment at rehash names them.
const FOLDER_VARIABLES = ['LOCALAPPDATA', 'APPDATA', 'USERPROFILE'] as const;

const isAscii = (text: string): boolean => /^[\x00-\x7F]*$/.test(text);

// cmd expands `%NAME%` even inside double quotes: a literal `%` is written `%%`.
const escapePercent = (text: string): string => text.replaceAll('%', '%%');

/** A word for a .cmd file: double quotes, `%` doubled (a Windows path has no `"` to escape). */
export function quoteCmd(word: string): string {
  return `"${escapePercent(word)}"`;
}

/** A path as a .cmd shim writes it; `ascii` false when no ASCII spelling was found. */
export interface CmdPath {
  readonly word: string;
  readonly ascii: boolean;
}

/**
 * `file` as a double-quoted word of a .cmd shim in `shimDir`: as it is when it is ASCII; else
 * relative to the shim (`%~dp0..\…`) on the same drive, else from the longest of the user
 * folders in `env` below which it lies, whichever leaves only ASCII; else as it is.
 */
export function cmdPath(file: string, shimDir: string, env: NodeJS.ProcessEnv): CmdPath {
  if (isAscii(file)) return { word: quoteCmd(file), ascii: true };
  const relative = relativeToShim(file, shimDir);
  if (relative !== undefined && isAscii(relative)) {
    return { word: `"%~dp0${escapePercent(relative)}"`, ascii: true };
  }
  const folder = userFolder(file, env);
  if (folder !== undefined && isAscii(folder.rest)) {
    return { word: `"%${folder.name}%${escapePercent(folder.rest)}"`, ascii: true };
  }
  return { word: quoteCmd(file), ascii: false };
}

// `%~dp0` is the shim's folder with a trailing backslash. A path on another drive (or share)
// cannot be reached from it: `relative` then answers with that absolute path.
function relativeToShim(file: string, shimDir: string): string | undefined {
  if (!win.isAbsolute(file) || !win.isAbsolute(shimDir)) return undefined;
  const relative = win.relative(shimDir, file);
  return relative === '' || win.isAbsolute(relative) ? undefined : relative;
}

// The rest is what follows the variable's value exactly, so the value plus the rest is `file`.
function userFolder(
  file: string,
  env: NodeJS.ProcessEnv,
): { name: string; rest: string } | undefined {
  let best: { name: string; rest: string; length: number } | undefined;
  for (const name of FOLDER_VARIABLES) {
    const value = env[name];
    if (!value || !win.isAbsolute(value) || value.length >= file.length) continue;
    // Windows compares names without regard to case.
    if (file.slice(0, value.length).toUpperCase() !== value.toUpperCase()) continue;
    if (!value.endsWith('\\') && file[value.length] !== '\\') continue;
    if (best === undefined || value.length > best.length) {
      best = { name, rest: file.slice(value.length), length: value.length };
    }
  }
  return best;
}

/**
 * A word of a .cmd shim in `shimDir` as cmd runs it: `%~dp0` is the shim's folder, `%NAME%` the
 * variable's value in `env` (none: nothing, as in a batch file), `%%` a `%`.
 */
export function expandCmdWord(word: string, shimDir: string, env: NodeJS.ProcessEnv): string {
  const expanded = word.replace(/%~dp0|%%|%([^%]+)%/g, (match, name: string | undefined) => {
    if (match === '%~dp0') return shimDir.endsWith('\\') ? shimDir : `${shimDir}\\`;
    return name === undefined ? '%' : (env[name] ?? '');
  });
  // The `..` of a path relative to the shim, resolved as Windows would.
  return word.startsWith('%~dp0') ? win.normalize(expanded) : expanded;
}
