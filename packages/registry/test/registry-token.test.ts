// Resolution against a real registry (distribution 2.8) with `auth: token` behind the test token
// server: the anonymous bearer-token flow, Basic credentials sent to the realm, token reuse and
// expiry, and credentials withheld from a plain-HTTP realm on another host.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildTestImages,
  pushTag,
  type RunningRegistry,
  startRegistry,
  startTokenServer,
  type TestImages,
  type TokenServer,
} from '@repo/registry-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  parseDockerConfig,
  RegistryError,
  RegistryResolver,
  type RegistryResolverOptions,
} from '../src/index.js';

const SERVICE = 'image-factory-test-registry';
const ISSUER = 'image-factory-test-issuer';
const USER = 'bob';
const PASSWORD = 'token-service-SECRET';

let dir: string;
let tokens: TokenServer;
/** Realm http://127.0.0.1:<token port>/token: the registry's own hostname. */
let registry: RunningRegistry;
/** The same storage, realm http://localhost:<token port>/token: a token service on another host. */
let elsewhere: RunningRegistry;
let images: TestImages;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'registry-token-'));
  tokens = await startTokenServer({ dir, service: SERVICE, issuer: ISSUER, accounts: { [USER]: PASSWORD } });
  const token = { service: SERVICE, issuer: ISSUER, rootCertBundle: tokens.rootCertBundle };
  const storage = join(dir, 'registry');
  registry = await startRegistry(storage, { token: { ...token, realm: tokens.realm } });
  const otherRealm = `http://localhost:${tokens.server.port}/token`;
  elsewhere = await startRegistry(storage, { token: { ...token, realm: otherRealm } });
  images = buildTestImages(dir);
  const push = (tag: string, destination: string) =>
    pushTag(images.layoutDir, tag, `${registry.host}/${destination}`, {
      creds: `${USER}:${PASSWORD}`,
      workDir: dir,
    });
  await push('single', 'public/base:1');
  await push('multi', 'public/base:multi');
  await push('next', 'public/other:1');
  await push('single', 'private/app:1');
  tokens.issued.length = 0;
});

afterAll(async () => {
  await Promise.all([registry?.stop(), elsewhere?.stop(), tokens?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function credentials(password = PASSWORD, host = registry.host) {
  return parseDockerConfig(JSON.stringify({ auths: { [host]: { username: USER, password } } }));
}

function resolver(options: Partial<RegistryResolverOptions> = {}): RegistryResolver {
  return new RegistryResolver({
    plainHttpRegistries: [registry.host, elsewhere.host],
    signal: AbortSignal.timeout(30_000),
    ...options,
  });
}

async function rejection(promise: Promise<unknown>): Promise<RegistryError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(RegistryError);
  return error as RegistryError;
}

function issuedSince(start: number) {
  return tokens.issued.slice(start);
}

describe('a registry behind a token server', () => {
  it('resolves anonymously with the bearer flow: 401, token, HEAD with the token', async () => {
    const start = tokens.issued.length;
    const client = resolver();
    const result = await client.resolve(`${registry.host}/public/base:1`);
    expect(result.digest).toBe(images.single.digest);
    expect(issuedSince(start)).toEqual([
      { user: '', scopes: ['repository:public/base:pull'], service: SERVICE },
    ]);
    expect(client.requestCounts()).toEqual(
      [
        { host: registry.host, requests: 2 },
        { host: tokens.server.host, requests: 1 },
      ].sort((a, b) => (a.host < b.host ? -1 : 1)),
    );
  });

  it('reuses the token for the same repository and asks for one per new repository without a 401', async () => {
    const start = tokens.issued.length;
    const client = resolver();
    await client.resolve(`${registry.host}/public/base:1`);
    // Same repository: the cached token, one HEAD.
    const multi = await client.resolve(`${registry.host}/public/base:multi`, { platform: 'linux/amd64' });
    expect(multi.digest).toBe(images.amd64.digest);
    // Another repository: a token for its scope first, then one HEAD (no 401 round trip).
    await client.resolve(`${registry.host}/public/other:1`);
    expect(issuedSince(start).map(({ scopes }) => scopes)).toEqual([
      ['repository:public/base:pull'],
      ['repository:public/other:pull'],
    ]);
    const counts = Object.fromEntries(client.requestCounts().map(({ host, requests }) => [host, requests]));
    // 401 + HEAD; HEAD + GET of the index; HEAD.
    expect(counts).toEqual({ [registry.host]: 5, [tokens.server.host]: 2 });
  });

  it('shares one token among concurrent resolutions of the same repository', async () => {
    const start = tokens.issued.length;
    const client = resolver();
    const results = await Promise.all([
      client.resolve(`${registry.host}/public/base:1`),
      client.resolve(`${registry.host}/public/base:1`),
      client.resolve(`${registry.host}/public/base:multi`),
    ]);
    expect(results.map(({ digest }) => digest)).toEqual([
      images.single.digest,
      images.single.digest,
      images.multi.digest,
    ]);
    // Both tags were challenged before any token existed; both answers wait for the one token.
    expect(issuedSince(start)).toHaveLength(1);
  });

  it('fetches a new token when the cached one has expired', async () => {
    let now = Date.now();
    const start = tokens.issued.length;
    const client = resolver({ now: () => now });
    await client.resolve(`${registry.host}/public/base:1`);
    now += 301_000; // the token server's tokens last 300 s
    await client.resolve(`${registry.host}/public/base:multi`);
    expect(issuedSince(start)).toHaveLength(2);
  });

  it('is denied on a private repository without credentials: the token grants nothing', async () => {
    const client = resolver();
    const error = await rejection(client.resolve(`${registry.host}/private/app:1`));
    expect(error.code).toBe('denied');
    expect(error.message).toBe(
      `${registry.host}/private/app:1: denied: check credentials for ${registry.host}: the token does not grant pull access; ` +
        `no credentials for ${registry.host} in the Docker config (${registry.host}, HTTP 401)`,
    );
  });

  it("sends the registry's Basic credentials to the token realm on the registry's own host", async () => {
    const start = tokens.issued.length;
    const client = resolver({ credentials: credentials() });
    const result = await client.resolve(`${registry.host}/private/app:1`);
    expect(result.digest).toBe(images.single.digest);
    expect(issuedSince(start)).toEqual([
      { user: USER, scopes: ['repository:private/app:pull'], service: SERVICE },
    ]);
  });

  it('is denied when the token service refuses the credentials, without printing them', async () => {
    const client = resolver({ credentials: credentials('wrong-SECRET') });
    const error = await rejection(client.resolve(`${registry.host}/private/app:1`));
    expect(error.code).toBe('denied');
    expect(error.status).toBe(401);
    expect(error.host).toBe(tokens.server.host);
    expect(error.message).toBe(
      `${registry.host}/private/app:1: denied: check credentials for ${registry.host}: the token service ` +
        `${tokens.realm} refused the request; the configured credentials were refused (${tokens.server.host}, HTTP 401)`,
    );
    expect(`${error.message}${error.stack}`).not.toContain('wrong-SECRET');
  });

  it('withholds credentials from a plain-HTTP realm on another host, and says so', async () => {
    const start = tokens.issued.length;
    const client = resolver({ credentials: credentials(PASSWORD, elsewhere.host) });
    // Public images still resolve with an anonymous token.
    expect((await client.resolve(`${elsewhere.host}/public/base:1`)).digest).toBe(images.single.digest);
    const error = await rejection(client.resolve(`${elsewhere.host}/private/app:1`));
    expect(error.code).toBe('denied');
    expect(error.message).toContain(
      `the credentials for ${elsewhere.host} were not sent to the token service http://localhost:${tokens.server.port}/token`,
    );
    expect(issuedSince(start).map(({ user }) => user)).toEqual(['', '']);
  });

  it('answers every platform of a pushed index through the token flow', async () => {
    const client = resolver();
    const arm = await client.resolve(`${registry.host}/public/base:multi`, { platform: 'linux/arm64/v8' });
    expect(arm).toMatchObject({ digest: images.arm64.digest, indexDigest: images.multi.digest });
  });
});
