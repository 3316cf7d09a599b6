// The credentials a URL carries for its own origin. See docs/install.md, "Credentials in the URL".

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
