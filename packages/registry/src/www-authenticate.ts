/** One challenge of a `WWW-Authenticate` header: the scheme (lowercased) and its parameters. */
export interface AuthChallenge {
  /** `bearer`, `basic`, … (schemes are case-insensitive: RFC 9110 section 11.1). */
  readonly scheme: string;
  /** Parameter names lowercased (case-insensitive), values unquoted. */
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Parses a `WWW-Authenticate` header value (RFC 9110 section 11.6.1) into its challenges, e.g.
 * `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/python:pull"`.
 *
 * Robust where registries are sloppy or several challenges are folded into one header: quoted
 * values may contain commas, `=` and backslash escapes; a comma separates both parameters and
 * challenges (a new challenge starts at a token that is not followed by `=`); whitespace around
 * `=` and commas is tolerated; `token68` credentials are skipped; unterminated quotes end at the end
 * of the header. Never throws; an unparsable header yields the challenges read before the damage.
 */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  const scanner = new Scanner(header);
  let params: Record<string, string> | undefined;
  for (;;) {
    scanner.skip(/[\s,]/);
    if (scanner.done()) break;
    const token = scanner.token();
    // Not a token character where one is expected: the rest cannot be parsed reliably.
    if (token === '') break;
    scanner.skip(/[ \t]/);
    if (scanner.peek() === '=') {
      // `name=value`, a parameter of the current challenge (ignored before any scheme).
      scanner.next();
      scanner.skip(/[ \t]/);
      const value = scanner.peek() === '"' ? scanner.quoted() : scanner.token();
      const name = token.toLowerCase();
      // The first occurrence wins; registries do not repeat parameters.
      if (params !== undefined && !Object.hasOwn(params, name)) params[name] = value;
      continue;
    }
    // A scheme starts a new challenge, followed by parameters or by a token68.
    params = Object.create(null) as Record<string, string>;
    challenges.push({ scheme: token.toLowerCase(), params });
    scanner.skipToken68();
  }
  return challenges;
}

/** The first challenge with the given scheme (`bearer`, `basic`), if any. */
export function findChallenge(
  challenges: readonly AuthChallenge[],
  scheme: string,
): AuthChallenge | undefined {
  return challenges.find((challenge) => challenge.scheme === scheme);
}

// RFC 9110 tchar.
const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68_CHAR = /[A-Za-z0-9\-._~+/]/;

class Scanner {
  private position = 0;
  constructor(private readonly text: string) {}

  done(): boolean {
    return this.position >= this.text.length;
  }

  peek(): string {
    return this.text.charAt(this.position);
  }

  next(): string {
    const char = this.peek();
    this.position++;
    return char;
  }

  skip(pattern: RegExp): void {
    while (!this.done() && pattern.test(this.peek())) this.position++;
  }

  token(): string {
    const start = this.position;
    while (!this.done() && TCHAR.test(this.peek())) this.position++;
    return this.text.slice(start, this.position);
  }

  quoted(): string {
    this.position++; // opening quote
    let value = '';
    while (!this.done()) {
      const char = this.next();
      if (char === '"') return value;
      if (char === '\\' && !this.done()) value += this.next();
      else value += char;
    }
    return value;
  }

  /**
   * After a scheme: skips a token68 (`Negotiate abc==`), recognised as a run of token68 characters,
   * optional `=` padding, then the end of the header or a comma. `realm="x"` is not one (its `=` is
   * followed by a value).
   */
  skipToken68(): void {
    let end = this.position;
    while (end < this.text.length && TOKEN68_CHAR.test(this.text.charAt(end))) end++;
    if (end === this.position) return;
    while (end < this.text.length && this.text.charAt(end) === '=') end++;
    const rest = this.text.slice(end).trimStart();
    if (rest === '' || rest.startsWith(',')) this.position = end;
  }
}
