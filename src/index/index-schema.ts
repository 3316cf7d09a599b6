// The distribution index format (spec §3), validated in full before anything trusts it.
import { readFileSync, statSync } from 'node:fs';
import semver from 'semver';
import { LauncherError } from '../errors.js';
import { printable, quoted } from '../util/printable.js';
import { redactUrl } from './url-secrets.js';

/** The newest `schema` this launcher understands. */
const SUPPORTED_SCHEMA = 1;
/** An index larger than this is not an index. */
export const MAX_INDEX_BYTES = 32 * 1024 * 1024;
/** The tool's name doubles as a file name in shims and settings. */
export const TOOL_NAME = /^[a-z0-9][a-z0-9._-]*$/;
/** A bin name becomes a shim file name, so it must be a plain file name. */
const BIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;

/** Whether `name` can be a bin's name: the index's rule, also for names typed on the command line. */
export function isBinName(name: string): boolean {
  return BIN_NAME.test(name);
}
const SHA256 = /^[0-9a-f]{64}$/;
const MAX_STRIP = 64;
/** `os` and `arch` are Node.js's `process.platform` / `process.arch` names, shown in messages. */
const PLATFORM_NAME = /^[a-z0-9_]+$/;
// Characters a terminal may act on instead of showing them: C0 controls (ESC, CR…), DEL and C1
// controls (CSI U+009B…). The index's texts are printed, so none of them may carry one.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/** One downloadable build of a version for one platform. */
export interface DistArtifact {
  readonly os: string;
  readonly arch: string;
  /** As written in the index: absolute, or relative to the index URL. */
  readonly url: string;
  readonly sha256: string;
  readonly size: number | undefined;
  readonly strip: number;
}

/** One version of the index, with the bins that apply to it (its own, else the top-level ones). */
export interface DistVersion {
  readonly version: string;
  readonly published: string | undefined;
  readonly bins: Readonly<Record<string, string>>;
  readonly artifacts: readonly DistArtifact[];
}

/** A validated index; `versions` is sorted highest first. */
export interface DistIndex {
  readonly url: string;
  readonly schema: number;
  readonly tool: string;
  readonly versions: readonly DistVersion[];
}

/**
 * The hint when no version satisfies a request: the few newest the index lists, then `seeAll`
 * (how to see them all, and what to do). An index that lists none has nothing to see: the URL
 * may name the wrong index, or the publisher has not released any yet.
 */
export function noMatchHint(index: DistIndex, seeAll: string): string {
  const newest = index.versions.slice(0, 5).map((v) => v.version);
  if (newest.length) return `The newest are ${newest.join(', ')}; ${seeAll}`;
  return (
    'The index lists no versions at all: check that LAUNCHER_DIST_URL (or distUrl in ' +
    'config.json) names the right index, or ask its publisher (the compiler vendor).'
  );
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why a bin path would escape the install directory (or be unusable), or undefined when fine. */
function unsafeBinPath(rel: string): string | undefined {
  if (rel === '' || rel.includes('\0')) return 'it is empty or has a NUL byte';
  if (rel.includes('\\')) return 'it contains a backslash';
  if (rel.startsWith('/') || /^[A-Za-z]:/.test(rel)) return 'it is absolute';
  const parts = rel.split('/');
  if (parts.includes('..')) return 'it contains ..';
  if (parts.every((p) => p === '' || p === '.')) return 'it names the install directory itself';
  return undefined;
}

// An index is UTF-8 JSON: bytes that are not UTF-8 are refused rather than read as U+FFFD, which
// could then pass for part of a string. A byte order mark is kept, and refused by JSON.parse.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The error for an index that cannot be used (exit 2), naming its URL and what is wrong. */
export function badIndex(url: string, what: string): LauncherError {
  return new LauncherError('E_BAD_INDEX', `invalid distribution index ${redactUrl(url)}: ${what}`, {
    hint:
      'The index comes from the compiler vendor: ask them to fix it, or point LAUNCHER_DIST_URL ' +
      '(or distUrl in config.json) at a corrected copy. docs/index-format.md describes the format.',
  });
}

/** The error for an index over MAX_INDEX_BYTES, wherever it comes from (exit 2). */
export function indexTooLarge(url: string): LauncherError {
  return new LauncherError(
    'E_BAD_INDEX',
    `the index ${redactUrl(url)} is larger than ${MAX_INDEX_BYTES} bytes`,
    {
      hint: 'Check that LAUNCHER_DIST_URL points at an index.json, not at an archive.',
    },
  );
}

/**
 * A local (`file:`) index's text, read as the index loader reads one: refused (exit 2) over
 * the size limit, unread, and when it is not UTF-8. The file system's own errors pass through.
 */
export function readLocalIndexSync(file: string, url: string): string {
  if (statSync(file).size > MAX_INDEX_BYTES) throw indexTooLarge(url);
  return decodeIndex(readFileSync(file), url);
}

/** An index's bytes as text; exit 2 naming the URL when they are not UTF-8. */
export function decodeIndex(bytes: Uint8Array, url: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw badIndex(url, 'it is not UTF-8 text');
  }
}

/** Parse and validate an index's text. Every error names the index URL and, where one, the version. */
export function parseIndex(text: string, url: string): DistIndex {
  const fail = (where: string, what: string): never => {
    throw badIndex(url, `${where}${what}`);
  };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    // V8 quotes the text it could not parse: as it came, control characters and all.
    return fail('', `it is not JSON (${printable((error as Error).message)})`);
  }
  if (!isObject(data)) return fail('', 'it is not a JSON object');
  const { schema, tool } = data;
  if (typeof schema !== 'number' || !Number.isInteger(schema) || schema < 1) {
    return fail('', '"schema" must be a positive integer');
  }
  // Not a mistake in the index, which may be fine for newer launchers: this one is out of date.
  if (schema > SUPPORTED_SCHEMA) {
    throw new LauncherError(
      'E_BAD_INDEX',
      `the distribution index ${redactUrl(url)} is in schema ${schema}, newer than this launcher reads (schema ${SUPPORTED_SCHEMA})`,
      {
        hint:
          'Upgrade launcher to a release that reads it, then run the command again. Versions ' +
          'already installed still run meanwhile.',
      },
    );
  }
  if (typeof tool !== 'string' || !TOOL_NAME.test(tool)) {
    return fail('', `"tool" must match ${TOOL_NAME.source}, got ${quoted(tool)}`);
  }
  const topBins =
    data.bins === undefined ? {} : parseBins(data.bins, (w) => fail('top-level "bins": ', w));
  if (!Array.isArray(data.versions)) return fail('', '"versions" must be an array');

  const seen = new Set<string>();
  const versions = data.versions.map((entry, i): DistVersion => {
    const label =
      isObject(entry) && typeof entry.version === 'string' ? entry.version : `#${i + 1}`;
    const failHere = (what: string): never => fail(`version ${quoted(label)}: `, what);
    if (!isObject(entry)) return failHere('each entry of "versions" must be an object');
    const version = entry.version;
    const base = typeof version === 'string' ? version.split('+')[0]! : '';
    if (base !== version && semver.valid(base) === base) {
      // Valid semver, but build metadata does not count in ordering or matching: 1.4.2+a and
      // 1.4.2+b would be one version with two builds, and `launcher install 1.4.2+a` means 1.4.2.
      return failHere(`"version" may not carry build metadata (+…): list it as ${base}`);
    }
    if (typeof version !== 'string' || semver.valid(version) !== version) {
      return failHere('"version" must be an exact semver version such as 1.4.2');
    }
    if (seen.has(version)) return failHere('it is listed twice');
    seen.add(version);
    // Free text (a date, as list-remote shows its first 10 characters), but printable.
    if (
      entry.published !== undefined &&
      (typeof entry.published !== 'string' || CONTROL_CHARACTER.test(entry.published))
    ) {
      return failHere('"published" must be a date string without control characters');
    }
    const bins = entry.bins === undefined ? topBins : parseBins(entry.bins, failHere);
    if (!Array.isArray(entry.artifacts)) return failHere('"artifacts" must be an array');
    const artifacts = entry.artifacts.map((a, j) =>
      parseArtifact(a, (w) => failHere(`artifact #${j + 1}: ${w}`)),
    );
    return { version, published: entry.published as string | undefined, bins, artifacts };
  });
  versions.sort((a, b) => semver.rcompare(a.version, b.version));
  return { url, schema, tool, versions };
}

function parseBins(value: unknown, fail: (what: string) => never): Record<string, string> {
  if (!isObject(value)) return fail('"bins" must be an object of name → path');
  const bins: Record<string, string> = {};
  for (const [name, rel] of Object.entries(value)) {
    if (!isBinName(name)) return fail(`bin name ${quoted(name)} is not a plain file name`);
    if (typeof rel !== 'string') return fail(`bin ${name}: the path must be a string`);
    if (CONTROL_CHARACTER.test(rel))
      return fail(`bin ${name}: path ${quoted(rel)} has a control character`);
    const why = unsafeBinPath(rel);
    if (why) return fail(`bin ${name}: path ${quoted(rel)} escapes the install (${why})`);
    bins[name] = rel;
  }
  return bins;
}

function parseArtifact(value: unknown, fail: (what: string) => never): DistArtifact {
  if (!isObject(value)) return fail('it must be an object');
  const { os, arch, url, sha256, size, strip } = value;
  if (typeof os !== 'string' || !PLATFORM_NAME.test(os)) {
    return fail(
      `"os" must be a Node.js platform name such as linux (a-z, 0-9, _), got ${quoted(os)}`,
    );
  }
  if (typeof arch !== 'string' || !PLATFORM_NAME.test(arch)) {
    return fail(
      `"arch" must be a Node.js architecture such as x64 (a-z, 0-9, _), got ${quoted(arch)}`,
    );
  }
  if (typeof url !== 'string' || url === '' || CONTROL_CHARACTER.test(url)) {
    return fail('"url" must be a non-empty string without control characters');
  }
  if (sha256 === undefined) return fail('"sha256" is missing (it is mandatory)');
  if (typeof sha256 !== 'string' || !SHA256.test(sha256)) {
    return fail('"sha256" must be 64 lowercase hexadecimal characters');
  }
  if (size !== undefined && !(Number.isSafeInteger(size) && (size as number) >= 0)) {
    return fail('"size" must be a non-negative integer (bytes)');
  }
  if (
    strip !== undefined &&
    !(Number.isInteger(strip) && (strip as number) >= 0 && (strip as number) <= MAX_STRIP)
  ) {
    return fail(`"strip" must be an integer from 0 to ${MAX_STRIP}`);
  }
  return {
    os,
    arch,
    url,
    sha256,
    size: size as number | undefined,
    strip: (strip as number | undefined) ?? 0,
  };
}
