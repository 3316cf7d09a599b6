// What a project asks for (spec §2): `latest`, an exact version, a partial, a range, or `system`.
import semver from 'semver';
import { LauncherError } from '../errors.js';
import { quotedStart } from '../util/printable.js';

/** A parsed, valid request. `raw` is the text as written (minus a leading `v`). */
export type Request =
  | { readonly kind: 'latest'; readonly raw: string }
  | { readonly kind: 'system'; readonly raw: string }
  | { readonly kind: 'exact'; readonly raw: string; readonly version: string }
  | {
      readonly kind: 'range';
      readonly raw: string;
      /** The range as semver normalises it. */
      readonly range: string;
      /** For a partial version (1, 1.4): its numbers, so it can be matched without semver. */
      readonly partial?: { readonly major: number; readonly minor?: number };
    };

// Characters a semver range can be written with. Anything else (`/`, `\`, quotes, control
// characters) is refused before semver sees it, so a request can never name a path.
const RANGE_CHARS = /^[0-9A-Za-z.+\-^~<>=|* ]+$/;
const MAX_LENGTH = 256;

// A plain MAJOR.MINOR.PATCH (no leading zero, no prerelease or build part), as nearly every pin
// and every release is. It is read without semver, whose loading costs a shim call ~5 ms (and,
// in the shim's start-up snapshot, ~1 ms of every call); semver reads it alike.
const PLAIN_VERSION = /^(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})$/;
// A partial version, MAJOR or MAJOR.MINOR (what `launcher local 1.4` pins): read without semver
// too, as the range semver makes of it.
const PARTIAL_VERSION = /^(0|[1-9]\d{0,8})(?:\.(0|[1-9]\d{0,8}))?$/;

/** The numbers of a plain version, or null for any other text (which semver then reads). */
function plainNumbers(version: string): [number, number, number] | null {
  const match = PLAIN_VERSION.exec(version);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : null;
}

// The range semver makes of a partial: `1.4` is >=1.4.0 <1.5.0-0 (no prerelease matches), and
// semver leaves out a lower bound of 0.0.0.
function partialRequest(text: string, major: number, minor: number | undefined): Request {
  const lower = minor === undefined ? `${major}.0.0` : `${major}.${minor}.0`;
  const upper = minor === undefined ? `${major + 1}.0.0-0` : `${major}.${minor + 1}.0-0`;
  const range = lower === '0.0.0' ? `<${upper}` : `>=${lower} <${upper}`;
  const partial = minor === undefined ? { major } : { major, minor };
  return { kind: 'range', raw: text, range, partial };
}

/** Why a text is not a request, or undefined when it is one. */
function invalidReason(text: string): string | undefined {
  if (text.length === 0) return 'it is empty';
  if (text.length > MAX_LENGTH) return `it is longer than ${MAX_LENGTH} characters`;
  if (!RANGE_CHARS.test(text)) return 'it contains characters a version cannot have';
  return undefined;
}

/**
 * Parse a request. `where` names its origin (a file and line, an environment variable or the
 * command line) for the error message.
 */
export function parseRequest(input: string, where = 'the command line'): Request {
  const trimmed = input.trim();
  const text = /^v\d/.test(trimmed) ? trimmed.slice(1) : trimmed;
  if (text === 'latest' || text === 'system') return { kind: text, raw: text };
  if (PLAIN_VERSION.test(text)) return { kind: 'exact', raw: text, version: text };
  const partial = PARTIAL_VERSION.exec(text);
  if (partial) {
    return partialRequest(text, Number(partial[1]), partial[2] ? Number(partial[2]) : undefined);
  }

  const reason = invalidReason(text);
  if (reason === undefined) {
    const exact = semver.parse(text);
    if (exact) return { kind: 'exact', raw: text, version: exact.version };
    // A bare `||` or spaces mean "anything" to semver; we require at least one digit or `*`/`x`.
    const range = /[0-9*xX]/.test(text) ? semver.validRange(text) : null;
    if (range) return { kind: 'range', raw: text, range };
  }
  throw new LauncherError(
    'E_BAD_REQUEST',
    `invalid version request ${quotedStart(input)} in ${where}${reason ? `: ${reason}` : ''}`,
    {
      hint:
        'A request is `latest`, `system`, an exact version (1.4.2, 2.0.0-rc.1), a partial (1, 1.4) ' +
        'or a semver range (^1.4.0, ~1.4, 1.4.x).',
    },
  );
}

/**
 * Does an exact version satisfy the request? Prereleases match only when the request names one.
 * Plain versions against exact, partial and `latest` requests are decided without semver.
 */
export function satisfies(request: Request, version: string): boolean {
  const plain = plainNumbers(version);
  switch (request.kind) {
    case 'latest':
      return (
        plain !== null || (semver.valid(version) !== null && semver.prerelease(version) === null)
      );
    case 'exact':
      if (plain !== null && PLAIN_VERSION.test(request.version)) return version === request.version;
      return semver.valid(version) !== null && semver.eq(version, request.version);
    case 'range':
      if (plain !== null && request.partial !== undefined) {
        const { major, minor } = request.partial;
        return plain[0] === major && (minor === undefined || plain[1] === minor);
      }
      return semver.satisfies(version, request.range);
    case 'system':
      return false;
  }
}

// Compare two valid versions as semver does; plain ones without it.
function compare(a: string, b: string): number {
  const x = plainNumbers(a);
  const y = plainNumbers(b);
  if (x === null || y === null) return semver.compare(a, b);
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

/** The highest version of `versions` that satisfies the request, or null. */
export function highestSatisfying(request: Request, versions: Iterable<string>): string | null {
  let best: string | null = null;
  for (const v of versions) {
    if (satisfies(request, v) && (best === null || compare(v, best) > 0)) best = v;
  }
  return best;
}

/** Sort exact versions highest first (invalid names, such as dot-files, are dropped). */
export function sortDescending(versions: Iterable<string>): string[] {
  // A name starting with a dot (the installer's locks and staging) is never a version: it is
  // dropped without asking semver, which a store of plain versions then never loads.
  const valid = [...versions].filter(
    (v) => plainNumbers(v) !== null || (!v.startsWith('.') && semver.valid(v) !== null),
  );
  return valid.sort((a, b) => compare(b, a));
}
