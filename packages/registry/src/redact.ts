/**
 * A URL as it may appear in an error or an event: user information removed, the query string
 * replaced by `?…` (storage redirects carry signed, credential-like query strings such as
 * `X-Amz-Signature`; token realms carry account names) and the fragment dropped. Text that does
 * not parse as a URL is replaced as a whole: it may be anything.
 */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return '<invalid URL>';
  }
  parsed.username = '';
  parsed.password = '';
  const query = parsed.search === '' ? '' : '?…';
  parsed.search = '';
  parsed.hash = '';
  return `${parsed.href}${query}`;
}
