/**
 * Redaction of credentials in text meant for a message or a log: our own messages (which name
 * repositories by URL) and git's stderr (which quotes the remote URL, e.g.
 * `fatal: unable to access 'https://user:token@host/x.git/': ...`).
 */

/** What replaces the user-info of a URL. */
export const REDACTED = '***';

// A URL starts at `scheme://` (RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )).
const SCHEME = /[a-z][a-z0-9+.-]*:\/\//gi;
const WHITESPACE = /\s/;
// RFC 3986: the authority ends at the first "/", "?" or "#"; WHATWG also ends it at "\" for the
// special schemes (http, https, ...).
const AUTHORITY_END = /[/?#\\]/;

/**
 * Replaces the user-info of every URL in `text` (`scheme://user:password@host/...`) with `***`,
 * however odd the password:
 * - an `@` in the password (`http://tok:Sup3r@S3cret@host/`): the user-info ends at the LAST `@` of
 *   the authority, as URL parsers (WHATWG, RFC 3986, git's `credential_from_url`) read it;
 * - a `/` in the password (`http://tok:pa/ss@host/`): a URL parser ends the authority at that `/`
 *   and finds no user-info at all (`tok:pa` becomes a host and port), so a parser alone would print
 *   the password. When the authority holds a `:` and an `@` follows later in the same URL, everything
 *   up to that `@` is hidden: it may be a password. This can over-redact a URL whose path holds an
 *   `@` (`http://host:8080/a@b` prints as `http://***@b`), never under-redact;
 * - percent-encoded characters (`%40`), ports, several URLs in one message (each URL ends at white
 *   space or where the next `scheme://` starts), `ssh://` and every other scheme.
 * scp-like addresses (`git@github.com:owner/repo.git`) carry no password and are left alone.
 */
export function redactUrls(text: string): string {
  const starts = [...text.matchAll(SCHEME)].map((match) => ({
    index: match.index ?? 0,
    rest: (match.index ?? 0) + match[0].length,
  }));
  if (starts.length === 0) return text;
  let out = '';
  let copied = 0;
  for (const [i, start] of starts.entries()) {
    if (start.index < copied) continue;
    const next = starts[i + 1]?.index ?? text.length;
    let end = start.rest;
    while (end < next && !WHITESPACE.test(text.charAt(end))) end++;
    const rest = text.slice(start.rest, end);
    const userInfoEnd = userInfoLength(rest);
    out += text.slice(copied, start.rest);
    if (userInfoEnd === undefined) {
      out += rest;
    } else {
      out += `${REDACTED}${rest.slice(userInfoEnd)}`;
    }
    copied = end;
  }
  return out + text.slice(copied);
}

/** Length of the user-info of `rest` (what follows `scheme://`), or undefined when it has none. */
function userInfoLength(rest: string): number | undefined {
  const lastAt = rest.lastIndexOf('@');
  if (lastAt < 0) return undefined;
  const authorityEnd = rest.search(AUTHORITY_END);
  const authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
  const atInAuthority = authority.lastIndexOf('@');
  if (atInAuthority >= 0) return atInAuthority;
  // A "/" (or "?", "#", "\") before the last "@": a password holding one of them, or a path with an "@".
  if (authority.includes(':')) return lastAt;
  return undefined;
}

/**
 * Replaces each secret (and its percent-encoded form, as it would appear in a URL) with `***`,
 * after redacting URL user-info. Longer secrets first, so that one secret inside another never
 * leaves a tail behind.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = redactUrls(text);
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret === '') continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
  }
  for (const form of [...forms].sort((a, b) => b.length - a.length)) out = out.split(form).join(REDACTED);
  return out;
}
