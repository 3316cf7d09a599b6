// Finding and reading the project's version file (spec §2): `.tool-version`, or asdf's `.tool-versions`.
import { readlinkSync } from 'node:fs';
import path from 'node:path';
import { LauncherError } from '../errors.js';
import { readSmallFile } from '../util/read-small-file.js';
import { searchRefusal } from '../util/unsearchable-dir.js';
import { parseRequest, type Request } from './request.js';

export const VERSION_FILE = '.tool-version';
const ASDF_VERSION_FILE = '.tool-versions';
/** A version file holds one word; anything this large is not one. */
export const MAX_VERSION_FILE_BYTES = 64 * 1024;

/** A request read from a file, with the file and line it came from. */
export interface FileRequest {
  readonly request: Request;
  readonly file: string;
  readonly line: number;
}

const HINT_FIX_FILE =
  'Put a version such as 1.4.2 (or a range such as 1.4) on the first line, or remove the file.';

/** The meaningful lines of a version file: comments and blanks dropped, 1-based numbers kept. */
function* meaningfulLines(text: string): Generator<{ words: string[]; line: number }> {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const content = lines[i]!.replace(/#.*/, '').trim();
    if (content !== '') yield { words: content.split(/\s+/), line: i + 1 };
  }
}

/** Parse the text of a `.tool-version` (or the global default file). */
export function parseVersionFile(text: string, file: string): FileRequest {
  for (const { words, line } of meaningfulLines(text)) {
    return { request: parseRequest(words[0]!, `${file}:${line}`), file, line };
  }
  throw new LauncherError('E_VERSION_FILE', `${file} does not name a version (it has no request)`, {
    hint: HINT_FIX_FILE,
  });
}

/**
 * Whether `text` is nothing but a version file as launcher writes one: a single meaningful line
 * of a single word that is a valid request, with only comments and blank lines besides.
 * Stricter than reading (which takes the first word of the first line and ignores the rest): it
 * decides whether a file a link leads to may be overwritten by a pin, and a crontab
 * (`0 3 * * * …`) or a list of paths must not pass.
 */
export function isWholeVersionFile(text: string): boolean {
  const lines = [...meaningfulLines(text)];
  // Blank or comments only is no version file (spec 2: it names no version); an empty one is
  // judged by the caller, which knows whether the file has any bytes at all.
  if (lines.length !== 1 || lines[0]!.words.length > 1) return false;
  try {
    parseRequest(lines[0]!.words[0]!, 'a linked file');
    return true;
  } catch {
    return false;
  }
}

/** Parse a `.tool-versions` file; null when it has no line for `tool`. */
export function parseAsdfVersionFile(text: string, file: string, tool: string): FileRequest | null {
  for (const { words, line } of meaningfulLines(text)) {
    if (words[0] !== tool) continue;
    if (words.length < 2) {
      throw new LauncherError('E_VERSION_FILE', `${file}:${line} names ${tool} but no version`, {
        hint: `Write the line as "${tool} 1.4.2", or remove it.`,
      });
    }
    return { request: parseRequest(words[1]!, `${file}:${line}`), file, line };
  }
  return null;
}

/**
 * Read one version file. Returns null when it is missing or 0 bytes (skipped by the rules);
 * anything unreadable is an error naming the file, never silently skipped.
 */
export function readVersionFile(file: string): FileRequest | null {
  const content = readSmallFile(file, MAX_VERSION_FILE_BYTES);
  switch (content.status) {
    case 'absent':
      refuseDanglingLink(file);
      return null;
    case 'empty':
      return null;
    case 'unreadable':
      if (content.denied) refuseUnsearchableDir(file);
      throw new LauncherError(
        'E_VERSION_FILE',
        `cannot read the version file ${file}: ${content.reason}`,
        {
          hint: `Make ${file} a small readable text file holding a version, or remove it.`,
        },
      );
    case 'text':
      return parseVersionFile(content.text, file);
  }
}

/**
 * A version file that is a link to nothing pins a version that cannot be read (its target was
 * moved or not checked out): passing over it would run a parent directory's pin instead, so it
 * is an error like any unreadable version file. One `readlink`, only where no file opened.
 */
function refuseDanglingLink(file: string): void {
  let target: string;
  try {
    target = readlinkSync(file);
  } catch {
    return; // no link there (EINVAL: a name that is no link; ENOENT: nothing)
  }
  throw new LauncherError(
    'E_VERSION_FILE',
    `cannot read the version file ${file}: it is a symbolic link to ${target}, which does not exist`,
    { hint: `Point ${file} at an existing version file, or remove it.` },
  );
}

/**
 * An open refused with EACCES means the file may not be read only when its directory can be
 * searched. Otherwise nothing at all can be looked up there, whether a file is there or not: a
 * directory on the way lacks the search permission, as for a shell left in a project under
 * another user's private directory (a process stays in a directory it can no longer reach by its
 * path). Whether a pin is there cannot be told, so the search stops, naming that directory.
 */
function refuseUnsearchableDir(file: string): void {
  const dir = path.dirname(file);
  const refusal = searchRefusal(dir);
  if (refusal === undefined) return;
  throw new LauncherError(
    'E_VERSION_FILE',
    `cannot look for ${path.basename(file)} in ${dir}: ${refusal.why}`,
    {
      hint: `${refusal.fix}, or set LAUNCHER_VERSION to the version to use: no version file is looked for then.`,
    },
  );
}

/**
 * What the search does with a `.tool-versions` while the tool's name is unknown; a function is
 * asked only when such a file is met (what it reads stays off the usual path).
 */
export type UnknownTool = 'throw' | 'skip' | (() => 'throw' | 'skip');

function readAsdfVersionFile(
  file: string,
  toolName: ToolName,
  unknownTool: UnknownTool,
): FileRequest | null {
  const content = readSmallFile(file, MAX_VERSION_FILE_BYTES);
  if (content.status === 'absent') refuseDanglingLink(file);
  if (content.status === 'absent' || content.status === 'empty') return null;
  if (content.status === 'unreadable') {
    throw new LauncherError(
      'E_VERSION_FILE',
      `cannot read the version file ${file}: ${content.reason}`,
      {
        hint: `Make ${file} readable, or remove it.`,
      },
    );
  }
  const tool = typeof toolName === 'function' ? toolName() : toolName;
  if (tool) return parseAsdfVersionFile(content.text, file, tool);
  if ((typeof unknownTool === 'function' ? unknownTool() : unknownTool) === 'skip') return null;
  throw toolNotKnown(file);
}

/**
 * A `.tool-versions` names its tools, and the tool's name comes from the index (or config.json,
 * or an installed version): without it, whether the file pins this tool cannot be told. Skipping
 * the file would run another version than the project's (a parent's pin), so it is an error;
 * the runs that may use the network fetch the index and look again (requireRequestOnline).
 */
function toolNotKnown(file: string): LauncherError {
  return new LauncherError(
    'E_TOOL_UNKNOWN',
    `cannot tell whether ${file} pins a version: it names its tools, and the name of the tool ` +
      'launcher manages is not known yet (it comes from the distribution index, not cached here)',
    {
      hint:
        'Run `launcher list-remote` once to fetch the index (running the compiler or ' +
        '`launcher install` does too), or set "tool" in config.json.',
    },
  );
}

/** The tool's name, or a function that finds it (called only if a `.tool-versions` turns up). */
export type ToolName = string | undefined | (() => string | undefined);

/**
 * The nearest version file from `startDir` up to the root. In each directory `.tool-version`
 * wins; `.tool-versions` counts only when it has a line for `tool`. While the tool is unknown, a
 * `.tool-versions` is E_TOOL_UNKNOWN, or passed over with `unknownTool` 'skip'.
 */
export function findVersionFile(
  startDir: string,
  tool: ToolName,
  unknownTool: UnknownTool = 'throw',
): FileRequest | null {
  let dir = path.resolve(startDir);
  for (;;) {
    const own = readVersionFile(path.join(dir, VERSION_FILE));
    if (own) return own;
    const asdf = readAsdfVersionFile(path.join(dir, ASDF_VERSION_FILE), tool, unknownTool);
    if (asdf) return asdf;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}
