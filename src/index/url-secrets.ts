// What a URL may carry that must not be shown or stored (a password, a token in the query), and
// the credentials it carries for its own origin. See docs/install.md, "Credentials in the URL".

/** What stands for a hidden value. */
const HIDDEN = '***';

/**
 * `url` as it may be printed or written to disk: a password becomes `***` (`alice:***@`), a user
 * name without a password is hidden whole (`***@`: a lone user name is where many services put
 * a token), and every query value becomes `***` (`?token=***`), names kept. The path is kept:
 * nothing tells a secret in it from a file name. Text that is not a URL is masked alike.
 */
export function redactUrl(url: URL | string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactText(String(url));
  }
  if (parsed.password) parsed.password = HIDDEN;
  else if (parsed.username) parsed.username = HIDDEN;
  if (parsed.search.length > 1) {
    // Built by hand rather than with URLSearchParams, which would re-encode the names.
    parsed.search = parsed.search
      .slice(1)
      .split('&')
      // A part without "=" (`?s3cret`) is all value.
      .map((pair) => (pair.includes('=') ? pair.replace(/=.+$/s, `=${HIDDEN}`) : pair && HIDDEN))
      .join('&');
  }
  return parsed.href;
}

// For a configured value that does not parse: by pattern, and more widely, since nothing tells
// where its parts end. Everything from `//` to the last `@` before the query is hidden (a password
// may hold an `@` of its own), and every query value.
function redactText(text: string): string {
  return text
    .replace(/\/\/[^?#]*@/, `//${HIDDEN}@`)
    .replace(/([?&][^=&#]*=)[^&#]+/g, `$1${HIDDEN}`);
}

/**
 * `target` with the user name and password of `from` when both have the same origin and `target`
 * has none of its own: an archive or a redirect on the index's server gets the index's
 * credentials; another server never does.
 */
export function withOriginCredentials(target: URL, from: URL): URL {
  if (target.username || target.password || target.origin !== from.origin) return target;
  if (!from.username && !from.password) return target;
  const copy = new URL(target);
  copy.username = from.username;
  copy.password = from.password;
  return copy;
}

// The URL holds them percent-encoded; the header carries the text itself, as UTF-8. A stray `%`
// that starts no escape is taken as written.
function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/**
 * The URL a request goes to, without user name and password (undici ignores them there), and the
 * Basic Authorization header they make, as curl sends them; undefined when the URL has none.
 */
export function splitCredentials(url: URL): { url: URL; authorization: string | undefined } {
  if (!url.username && !url.password) return { url, authorization: undefined };
  const bare = new URL(url);
  bare.username = '';
  bare.password = '';
  const pair = `${decoded(url.username)}:${decoded(url.password)}`;
  return { url: bare, authorization: `Basic ${Buffer.from(pair, 'utf8').toString('base64')}` };
}
