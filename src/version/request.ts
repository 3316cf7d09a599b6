// What a project asks for (spec §2): `latest`, an exact version, a partial, a range, or `system`.
import semver from 'semver';
import { LauncherError } from '../errors.js';

/** A parsed, valid request. `raw` is the text as written (minus a leading `v`). */
export type Request =
  | { readonly kind: 'latest'; readonly raw: string }
  | { readonly kind: 'system'; readonly raw: string }
  | { readonly kind: 'exact'; readonly raw: string; readonly version: string }
  | { readonly kind: 'range'; readonly raw: string; readonly range: string };

// Characters a semver range can be written with. Anything else (`/`, `\`, quotes, control
// characters) is refused before semver sees it, so a request can never name a path.
const RANGE_CHARS = /^[0-9A-Za-z.+\-^~<>=|* ]+$/;
const MAX_LENGTH = 256;

// A plain MAJOR.MINOR.PATCH (no leading zero, no prerelease or build part), as nearly every pin
// is. It is read without semver, whose loading costs a shim call ~5 ms; semver reads it alike.
const PLAIN_VERSION = /^(?:0|[1-9]\d{0,8})\.(?:0|[1-9]\d{0,8})\.(?:0|[1-9]\d{0,8})$/;

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
    `invalid version request ${JSON.stringify(input)} in ${where}${reason ? `: ${reason}` : ''}`,
    {
      hint:
        'A request is `latest`, `system`, an exact version (1.4.2, 2.0.0-rc.1), a partial (1, 1.4) ' +
        'or a semver range (^1.4.0, ~1.4, 1.4.x).',
    },
  );
}

/** Does an exact version satisfy the request? Prereleases match only when the request names one. */
export function satisfies(request: Request, version: string): boolean {
  switch (request.kind) {
    case 'latest':
      return semver.valid(version) !== null && semver.prerelease(version) === null;
    case 'exact':
      return semver.valid(version) !== null && semver.eq(version, request.version);
    case 'range':
      return semver.satisfies(version, request.range);
    case 'system':
      return false;
  }
}

/** The highest version of `versions` that satisfies the request, or null. */
export function highestSatisfying(request: Request, versions: Iterable<string>): string | null {
  let best: string | null = null;
  for (const v of versions) {
    if (satisfies(request, v) && (best === null || semver.gt(v, best))) best = v;
  }
  return best;
}

/** Sort exact versions highest first (invalid names are dropped). */
export function sortDescending(versions: Iterable<string>): string[] {
  return [...versions].filter((v) => semver.valid(v) !== null).sort(semver.rcompare);
}
