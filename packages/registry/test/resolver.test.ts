// What the resolver asks for Docker Hub references, observed through an injected fetch (the real
// Docker Hub is not reachable from the tests; real registries are in registry-*.test.ts).
import { describe, expect, it } from 'vitest';
import { formatRequestCounts, MANIFEST_ACCEPT, parseDockerConfig, RegistryResolver } from '../src/index.js';

const DIGEST = `sha256:${'e'.repeat(64)}`;

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
}

/** A fetch that plays Docker Hub: a Bearer challenge naming auth.docker.io, tokens, manifests. */
function dockerHub(seen: Seen[]): typeof fetch {
  return async (input, init) => {
    const url = new URL(String(input));
    const headers = new Headers(init?.headers);
    seen.push({ method: init?.method ?? 'GET', url: url.href, headers });
    if (url.host === 'auth.docker.io') {
      return Response.json({ token: 'hub-token', expires_in: 300 });
    }
    if (headers.get('authorization') !== 'Bearer hub-token') {
      const scope = `repository:${url.pathname.split('/manifests/')[0]?.slice('/v2/'.length)}:pull`;
      return new Response(null, {
        status: 401,
        headers: {
          'www-authenticate': `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="${scope}"`,
        },
      });
    }
    return new Response(null, {
      status: 200,
      headers: { 'docker-content-digest': DIGEST, 'content-type': 'application/vnd.oci.image.index.v1+json' },
    });
  };
}

describe('Docker Hub references', () => {
  it('asks registry-1.docker.io for library/ images, with the manifest Accept header', async () => {
    const seen: Seen[] = [];
    const resolver = new RegistryResolver({ fetch: dockerHub(seen) });
    const result = await resolver.resolve('python:3.12-slim');
    expect(result).toMatchObject({
      reference: 'docker.io/library/python:3.12-slim',
      registry: 'docker.io',
      host: 'registry-1.docker.io',
      digest: DIGEST,
    });
    expect(seen.map(({ method, url }) => `${method} ${url}`)).toEqual([
      'HEAD https://registry-1.docker.io/v2/library/python/manifests/3.12-slim',
      'GET https://auth.docker.io/token?service=registry.docker.io&scope=repository%3Alibrary%2Fpython%3Apull',
      'HEAD https://registry-1.docker.io/v2/library/python/manifests/3.12-slim',
    ]);
    expect(seen[0]?.headers.get('accept')).toBe(MANIFEST_ACCEPT);
    expect(formatRequestCounts(resolver.requestCounts())).toBe(
      '1 request to auth.docker.io, 2 requests to registry-1.docker.io',
    );
  });

  it('treats index.docker.io/x, docker.io/library/x and x as one reference with the latest tag', async () => {
    const seen: Seen[] = [];
    const resolver = new RegistryResolver({ fetch: dockerHub(seen) });
    for (const text of ['alpine', 'docker.io/library/alpine:latest', 'index.docker.io/alpine']) {
      expect((await resolver.resolve(text)).reference).toBe('docker.io/library/alpine:latest');
    }
    expect(seen.filter(({ url }) => url.includes('/manifests/'))).toHaveLength(2); // 401, then with the token
  });

  it('sends Docker Hub credentials (key https://index.docker.io/v1/) to auth.docker.io over HTTPS only', async () => {
    const seen: Seen[] = [];
    const auth = Buffer.from('hubuser:hubpass').toString('base64');
    const resolver = new RegistryResolver({
      fetch: dockerHub(seen),
      credentials: parseDockerConfig(JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth } } })),
    });
    await resolver.resolve('acme/app:1');
    const authorization = seen.map(({ url, headers }) => [new URL(url).host, headers.get('authorization')]);
    expect(authorization).toEqual([
      ['registry-1.docker.io', null],
      ['auth.docker.io', `Basic ${auth}`],
      ['registry-1.docker.io', 'Bearer hub-token'],
    ]);
  });

  it('says "no registry requests" when nothing was asked', () => {
    expect(formatRequestCounts(new RegistryResolver().requestCounts())).toBe('no registry requests');
  });
});
