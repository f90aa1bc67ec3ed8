// A token server for distribution's `auth: token` (docs/spec/auth/token.md and jwt.md): answers
// `GET /token?service=…&scope=…` with an RS256 JWT whose header carries the signing certificate
// (`x5c`), which the registry verifies against its `rootcertbundle`. Distribution 2.8
// (registry/auth/token/token.go, Token.Verify) checks `iss` against its `issuer`, `aud` against its
// `service`, `exp` and `nbf` (with a minute of leeway), the signature and the chain of `x5c`; its
// access controller then requires the requested actions in `access`. `sub`, `iat` and `jti` are
// set as the spec describes.
//
// Accounts: anonymous requests get `pull` on repositories under `public/` only; a request with
// valid Basic credentials gets `pull` and `push` everywhere; invalid credentials get 401.
import { createSign, randomUUID, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, type TestServer } from './http-server.js';
import { run } from './processes.js';
import { requireTool } from './tools.js';

export interface TokenServerOptions {
  /** Where the key and certificate are created. */
  readonly dir: string;
  readonly service: string;
  readonly issuer: string;
  /** `user` -> `password`. */
  readonly accounts: Readonly<Record<string, string>>;
  /** Hostname in the realm URL (`127.0.0.1`, or `localhost` to be another host). @default 127.0.0.1 */
  readonly hostname?: string;
  /** `expires_in` of the tokens. @default 300 */
  readonly expiresIn?: number;
}

export interface TokenRequest {
  /** The authenticated user, `''` for anonymous, `'<invalid>'` for refused credentials. */
  readonly user: string;
  readonly scopes: string[];
  readonly service: string | null;
}

export interface TokenServer {
  /** The realm to configure in the registry and that challenges name. */
  readonly realm: string;
  /** The certificate the registry trusts (`rootcertbundle`). */
  readonly rootCertBundle: string;
  readonly server: TestServer;
  readonly issued: TokenRequest[];
  close(): Promise<void>;
}

export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const { dir, service, issuer, accounts, hostname = '127.0.0.1', expiresIn = 300 } = options;
  const keyPath = join(dir, 'token-key.pem');
  const certPath = join(dir, 'token-cert.pem');
  await run(requireTool('openssl'), [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-sha256',
    '-days',
    '2',
    '-subj',
    '/CN=image-factory test token issuer',
    '-keyout',
    keyPath,
    '-out',
    certPath,
  ]);
  const key = readFileSync(keyPath);
  const certificate = new X509Certificate(readFileSync(certPath));
  const issued: TokenRequest[] = [];
  const server = await startServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://token.invalid');
    const user = authenticate(request.headers.authorization, accounts);
    const scopes = url.searchParams.getAll('scope').flatMap((scope) => scope.split(' '));
    issued.push({ user, scopes, service: url.searchParams.get('service') });
    if (url.pathname !== '/token') {
      response.writeHead(404).end();
      return;
    }
    if (url.searchParams.get('service') !== service) {
      // The client must echo the challenge's service: it becomes the token's audience.
      response.writeHead(400, { 'content-type': 'application/json' }).end('{"details":"unknown service"}');
      return;
    }
    if (user === '<invalid>') {
      response
        .writeHead(401, { 'content-type': 'application/json' })
        .end('{"details":"incorrect username or password"}');
      return;
    }
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: issuer,
      sub: user,
      aud: service,
      exp: now + expiresIn,
      nbf: now - 5,
      iat: now,
      jti: randomUUID(),
      access: scopes.flatMap((scope) => grant(scope, user)),
    };
    const header = { typ: 'JWT', alg: 'RS256', x5c: [certificate.raw.toString('base64')] };
    const input = `${base64url(header)}.${base64url(claims)}`;
    const signature = createSign('RSA-SHA256').update(input).sign(key).toString('base64url');
    const token = `${input}.${signature}`;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        token,
        access_token: token,
        expires_in: expiresIn,
        issued_at: new Date().toISOString(),
      }),
    );
  }, hostname);
  return {
    realm: `${server.url}/token`,
    rootCertBundle: certPath,
    server,
    issued,
    close: () => server.close(),
  };
}

function authenticate(header: string | undefined, accounts: Readonly<Record<string, string>>): string {
  if (header === undefined) return '';
  if (!header.startsWith('Basic ')) return '<invalid>';
  const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = decoded.slice(0, colon);
  return colon > 0 && accounts[user] === decoded.slice(colon + 1) ? user : '<invalid>';
}

/** `repository:<name>:<actions>` -> the access entry this account gets (none when nothing is allowed). */
function grant(scope: string, user: string): Array<{ type: string; name: string; actions: string[] }> {
  const [type, name, actions] = scope.split(':');
  if (type !== 'repository' || name === undefined || actions === undefined) return [];
  const allowed = user !== '' ? ['pull', 'push'] : name.startsWith('public/') ? ['pull'] : [];
  const granted = actions.split(',').filter((action) => allowed.includes(action));
  return granted.length === 0 ? [] : [{ type, name, actions: granted }];
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
