// The resolver against loopback HTTP servers that misbehave the way real registries and networks
// do: rate limiting with Retry-After, 503s, silence, redirects to storage hosts, missing or
// malformed digest headers, oversized bodies, odd challenges. The pauses between attempts are
// recorded by an injected sleep (except where real waiting is the point).
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { freePort, type Handler, startServer, type TestServer } from '@repo/registry-testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  OCI_INDEX,
  OCI_MANIFEST,
  parseDockerConfig,
  RegistryError,
  type RegistryEvent,
  RegistryResolver,
  type RegistryResolverOptions,
} from '../src/index.js';

const USER = 'carol';
const PASSWORD = 'leak-check-SECRET';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

const MANIFEST = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: `sha256:${'a'.repeat(64)}`,
      size: 2,
    },
    layers: [],
  }),
);
const DIGEST = sha256(MANIFEST);

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(handler: Handler, hostname?: string): Promise<TestServer> {
  const server = await startServer(handler, hostname);
  servers.push(server);
  return server;
}

/** Answers a manifest request: HEAD with headers only, GET with the body too. `digest: null`: no header. */
function sendManifest(
  request: IncomingMessage,
  response: ServerResponse,
  { body = MANIFEST, digest = DIGEST as string | null, type = OCI_MANIFEST } = {},
): void {
  const headers: Record<string, string> = { 'content-type': type, 'content-length': String(body.length) };
  if (digest !== null) headers['docker-content-digest'] = digest;
  response.writeHead(200, headers);
  response.end(request.method === 'HEAD' ? undefined : body);
}

interface Harness {
  readonly resolver: RegistryResolver;
  readonly sleeps: number[];
  readonly events: RegistryEvent[];
}

function harness(server: { host: string }, options: Partial<RegistryResolverOptions> = {}): Harness {
  const sleeps: number[] = [];
  const events: RegistryEvent[] = [];
  const resolver = new RegistryResolver({
    plainHttpRegistries: [server.host],
    credentials: parseDockerConfig(
      JSON.stringify({ auths: { [server.host]: { username: USER, password: PASSWORD } } }),
    ),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0,
    signal: AbortSignal.timeout(20_000),
    onEvent: (event) => events.push(event),
    ...options,
  });
  return { resolver, sleeps, events };
}

async function rejection(promise: Promise<unknown>): Promise<RegistryError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(RegistryError);
  return error as RegistryError;
}

function expectNoSecret(...texts: unknown[]): void {
  for (const text of texts) {
    const printed = typeof text === 'string' ? text : JSON.stringify(text);
    expect(printed).not.toContain(PASSWORD);
    expect(printed).not.toContain(BASIC.slice('Basic '.length));
  }
}

describe('retries', () => {
  it('waits as long as Retry-After (seconds) asks after a 429, then succeeds', async () => {
    const server = await serve((request, response, index) => {
      if (index === 0) response.writeHead(429, { 'retry-after': '3' }).end();
      else sendManifest(request, response);
    });
    const { resolver, sleeps, events } = harness(server);
    const result = await resolver.resolve(`${server.host}/team/app:1`);
    expect(result.digest).toBe(DIGEST);
    expect(sleeps).toEqual([3000]);
    expect(resolver.requestCounts()).toEqual([{ host: server.host, requests: 2 }]);
    expect(events.filter(({ type }) => type === 'retry')).toEqual([
      {
        type: 'retry',
        method: 'HEAD',
        host: server.host,
        url: `${server.url}/v2/team/app/manifests/1`,
        retry: 1,
        waitMs: 3000,
        reason: 'HTTP 429',
      },
    ]);
  });

  it('really waits: the second request arrives at least Retry-After later', async () => {
    const server = await serve((request, response, index) => {
      if (index === 0) response.writeHead(429, { 'retry-after': '1' }).end();
      else sendManifest(request, response);
    });
    const resolver = new RegistryResolver({
      plainHttpRegistries: [server.host],
      signal: AbortSignal.timeout(20_000),
    });
    await resolver.resolve(`${server.host}/team/app:1`);
    const [first, second] = server.requests;
    expect(second && first ? second.at - first.at : 0).toBeGreaterThanOrEqual(990);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const date = 'Wed, 21 Oct 2026 07:28:00 GMT';
    const server = await serve((request, response, index) => {
      if (index === 0) response.writeHead(503, { 'retry-after': date }).end();
      else sendManifest(request, response);
    });
    const { resolver, sleeps } = harness(server, { now: () => Date.parse(date) - 7000 });
    await resolver.resolve(`${server.host}/team/app:1`);
    expect(sleeps).toEqual([7000]);
  });

  it('gives up at once when Retry-After is longer than allowed', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(429, { 'retry-after': '3600' }).end();
    });
    const { resolver, sleeps } = harness(server);
    const error = await rejection(resolver.resolve(`${server.host}/team/app:1`));
    expect(error.code).toBe('rate-limited');
    expect(error.message).toBe(
      `${server.host}/team/app:1: the registry asks to retry after 3600 s, longer than the 60 s allowed (${server.host}, HTTP 429)`,
    );
    expect(sleeps).toEqual([]);
    expect(resolver.requestCounts()).toEqual([{ host: server.host, requests: 1 }]);
  });

  it('retries a 503 with exponential backoff, then succeeds', async () => {
    const server = await serve((request, response, index) => {
      if (index < 2) response.writeHead(503).end('busy');
      else sendManifest(request, response);
    });
    const { resolver, sleeps } = harness(server);
    expect((await resolver.resolve(`${server.host}/team/app:1`)).digest).toBe(DIGEST);
    // Equal jitter with random() = 0: half of 250 ms, then half of 500 ms.
    expect(sleeps).toEqual([125, 250]);
  });

  it('stops after maxAttempts with a server error', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(502).end();
    });
    const { resolver, sleeps } = harness(server, { maxAttempts: 3, random: () => 0.999 });
    const error = await rejection(resolver.resolve(`${server.host}/team/app:1`));
    expect(error.code).toBe('server-error');
    expect(error.message).toBe(
      `${server.host}/team/app:1: server error after 3 attempts (${server.host}, HTTP 502)`,
    );
    expect(sleeps).toEqual([250, 500]);
    expect(server.requests).toHaveLength(3);
  });

  it('reports rate limiting that outlasts every attempt', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(429, { 'retry-after': '2' }).end();
    });
    const { resolver, sleeps } = harness(server, { maxAttempts: 2 });
    const error = await rejection(resolver.resolve(`${server.host}/team/app:1`));
    expect(error.code).toBe('rate-limited');
    expect(error.message).toBe(
      `${server.host}/team/app:1: rate limited: still HTTP 429 after 2 attempts (${server.host}, HTTP 429)`,
    );
    expect(sleeps).toEqual([2000]);
  });

  it('reports a refused connection as a network error after retrying', async () => {
    const port = await freePort();
    const host = `127.0.0.1:${port}`;
    const { resolver, sleeps } = harness({ host }, { maxAttempts: 2 });
    const error = await rejection(resolver.resolve(`${host}/team/app:1`));
    expect(error.code).toBe('network');
    expect(error.message).toBe(
      `${host}/team/app:1: cannot reach the registry (ECONNREFUSED) after 2 attempts (${host})`,
    );
    expect(sleeps).toHaveLength(1);
  });
});

describe('time limits', () => {
  it('times out a request that gets no answer, and retries it', async () => {
    const server = await serve(() => {
      // never answers
    });
    const { resolver } = harness(server, { requestTimeoutMs: 200, maxAttempts: 2 });
    const error = await rejection(resolver.resolve(`${server.host}/team/app:1`));
    expect(error.code).toBe('timeout');
    expect(error.message).toBe(
      `${server.host}/team/app:1: no answer in time after 2 attempts (${server.host})`,
    );
    expect(server.requests).toHaveLength(2);
  });

  it('stops everything at the run deadline, even a long Retry-After wait', async () => {
    const silent = await serve(() => {
      // never answers
    });
    const limited = await serve((_request, response) => {
      response.writeHead(429, { 'retry-after': '30' }).end();
    });
    const started = performance.now();
    const resolver = new RegistryResolver({
      plainHttpRegistries: [silent.host, limited.host],
      signal: AbortSignal.timeout(300),
    });
    const [a, b] = await Promise.all([
      rejection(resolver.resolve(`${silent.host}/team/app:1`)),
      rejection(resolver.resolve(`${limited.host}/team/app:1`)),
    ]);
    expect(a.code).toBe('deadline');
    expect(a.message).toBe(
      `${silent.host}/team/app:1: the deadline for talking to registries passed (${silent.host})`,
    );
    expect(b.code).toBe('deadline');
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('reports an abort that is not a timeout as aborted', async () => {
    const server = await serve(() => {
      // never answers
    });
    const controller = new AbortController();
    const resolver = new RegistryResolver({ plainHttpRegistries: [server.host], signal: controller.signal });
    const pending = rejection(resolver.resolve(`${server.host}/team/app:1`));
    setTimeout(() => controller.abort(), 50);
    expect((await pending).code).toBe('aborted');
  });
});

describe('redirects', () => {
  it('never sends Basic credentials to the host a redirect leads to, nor its query string to logs', async () => {
    const storage = await serve((request, response) => sendManifest(request, response));
    const server = await serve((request, response) => {
      if (request.headers.authorization !== BASIC) {
        response.writeHead(401, { 'www-authenticate': 'Basic realm="test"' }).end();
        return;
      }
      response
        .writeHead(307, { location: `${storage.url}/blobs/manifest?X-Amz-Signature=signed-SECRET` })
        .end();
    });
    const { resolver, events } = harness(server);
    expect((await resolver.resolve(`${server.host}/team/app:1`)).digest).toBe(DIGEST);
    expect(storage.requests).toHaveLength(1);
    expect(storage.requests[0]?.headers.authorization).toBeUndefined();
    expect(events).toContainEqual({
      type: 'request',
      method: 'HEAD',
      host: storage.host,
      url: `${storage.url}/blobs/manifest?…`,
    });
    expect(JSON.stringify(events)).not.toContain('signed-SECRET');
    expectNoSecret(events);
  });

  it('never sends a bearer token to another host either', async () => {
    const storage = await serve((request, response) => sendManifest(request, response));
    const server = await serve((request, response) => {
      const url = new URL(request.url ?? '/', 'http://x');
      if (url.pathname === '/token') {
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end('{"token":"registry-token-SECRET"}');
      } else if (request.headers.authorization !== 'Bearer registry-token-SECRET') {
        response
          .writeHead(401, {
            'www-authenticate': `Bearer realm="http://${request.headers.host}/token",service="svc"`,
          })
          .end();
      } else {
        response.writeHead(302, { location: `${storage.url}/manifest` }).end();
      }
    });
    const { resolver } = harness(server);
    expect((await resolver.resolve(`${server.host}/team/app:1`)).digest).toBe(DIGEST);
    expect(storage.requests.map(({ headers }) => headers.authorization)).toEqual([undefined]);
  });

  it('keeps the credentials on a redirect within the same origin', async () => {
    const server = await serve((request, response) => {
      if (request.headers.authorization !== BASIC) {
        response.writeHead(401, { 'www-authenticate': 'Basic realm="test"' }).end();
      } else if (request.url === '/v2/team/app/manifests/1') {
        response.writeHead(308, { location: '/moved/manifest' }).end();
      } else {
        sendManifest(request, response);
      }
    });
    const { resolver } = harness(server);
    expect((await resolver.resolve(`${server.host}/team/app:1`)).digest).toBe(DIGEST);
    expect(server.requests.map(({ path }) => path)).toEqual([
      '/v2/team/app/manifests/1',
      '/v2/team/app/manifests/1',
      '/moved/manifest',
    ]);
  });

  it('does not answer a challenge from a host a redirect led to', async () => {
    const storage = await serve((_request, response) => {
      response.writeHead(401, { 'www-authenticate': 'Basic realm="elsewhere"' }).end();
    });
    const server = await serve((request, response) => {
      if (request.headers.authorization !== BASIC) {
        response.writeHead(401, { 'www-authenticate': 'Basic realm="test"' }).end();
      } else {
        response.writeHead(307, { location: `${storage.url}/manifest` }).end();
      }
    });
    const { resolver } = harness(server);
    const error = await rejection(resolver.resolve(`${server.host}/team/app:1`));
    expect(error.code).toBe('denied');
    expect(error.host).toBe(storage.host);
    expect(error.message).toContain(
      `${storage.host}, reached by a redirect, asked for credentials (none are sent to it)`,
    );
    expect(storage.requests.map(({ headers }) => headers.authorization)).toEqual([undefined]);
  });

  it('stops after five redirects', async () => {
    const server = await serve((request, response) => {
      response.writeHead(302, { location: `${request.url}x` }).end();
    });
    const { resolver } = harness(server);
    const error = await rejection(resolver.resolve(`${server.host}/team/app:1`));
    expect(error.code).toBe('invalid-response');
    expect(error.message).toContain('more than 5 redirects');
    expect(server.requests).toHaveLength(6);
  });
});

describe('digests', () => {
  it('computes the digest of the bytes with a GET when HEAD sends no Docker-Content-Digest', async () => {
    const server = await serve((request, response) => sendManifest(request, response, { digest: null }));
    const { resolver } = harness(server);
    const result = await resolver.resolve(`${server.host}/team/app:1`);
    expect(result).toMatchObject({ digest: DIGEST, digestSource: 'computed', mediaType: OCI_MANIFEST });
    expect(server.requests.map(({ method }) => method)).toEqual(['HEAD', 'GET']);
  });

  it('gets the digest header from a registry that sends it only for an accepted manifest type', async () => {
    // Like distribution 2.8: no Docker-Content-Digest unless Accept names the manifest's type.
    const server = await serve((request, response) => {
      const accepted = (request.headers.accept ?? '').split(',').map((type) => type.trim());
      sendManifest(request, response, { digest: accepted.includes(OCI_MANIFEST) ? DIGEST : null });
    });
    const { resolver } = harness(server);
    expect(await resolver.resolve(`${server.host}/team/app:1`)).toMatchObject({
      digest: DIGEST,
      digestSource: 'header',
    });
    expect(server.requests.map(({ method }) => method)).toEqual(['HEAD']);
  });

  it('does not trust a malformed Docker-Content-Digest', async () => {
    const server = await serve((request, response) =>
      sendManifest(request, response, { digest: request.method === 'HEAD' ? 'sha256:NOT-HEX' : null }),
    );
    const { resolver } = harness(server);
    expect(await resolver.resolve(`${server.host}/team/app:1`)).toMatchObject({
      digest: DIGEST,
      digestSource: 'computed',
    });
  });

  it('rejects a manifest whose bytes do not match the digest the registry claims', async () => {
    const server = await serve((request, response) =>
      sendManifest(request, response, {
        digest: request.method === 'HEAD' ? null : `sha256:${'b'.repeat(64)}`,
      }),
    );
    const { resolver } = harness(server);
    const error = await rejection(resolver.resolve(`${server.host}/team/app:1`));
    expect(error.code).toBe('invalid-response');
    expect(error.message).toContain(
      `the manifest does not match its Docker-Content-Digest sha256:${'b'.repeat(64)}`,
    );
  });

  it('rejects a pinned reference answered with another digest', async () => {
    const server = await serve((request, response) => sendManifest(request, response));
    const { resolver } = harness(server);
    const pinned = `sha256:${'c'.repeat(64)}`;
    const error = await rejection(resolver.resolve(`${server.host}/team/app@${pinned}`));
    expect(error.code).toBe('invalid-response');
    expect(error.message).toContain(`asked for ${pinned}, the registry answered ${DIGEST}`);
  });

  it('rejects an index whose bytes do not match its digest', async () => {
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] }));
    const server = await serve((request, response) =>
      sendManifest(request, response, { body: index, type: OCI_INDEX, digest: `sha256:${'d'.repeat(64)}` }),
    );
    const { resolver } = harness(server);
    const error = await rejection(resolver.resolve(`${server.host}/team/app:1`, { platform: 'linux/amd64' }));
    expect(error.code).toBe('invalid-response');
    expect(error.message).toContain('the image index does not match its digest');
    expect(server.requests.map(({ method, path }) => `${method} ${path}`)).toEqual([
      'HEAD /v2/team/app/manifests/1',
      `GET /v2/team/app/manifests/sha256:${'d'.repeat(64)}`,
    ]);
  });

  it('refuses a manifest larger than 4 MiB, declared or streamed', async () => {
    const declared = await serve((request, response) => {
      if (request.method === 'HEAD') sendManifest(request, response, { digest: null });
      else response.writeHead(200, { 'content-length': String(5 * 1024 * 1024) }).end();
    });
    const streamed = await serve((request, response) => {
      if (request.method === 'HEAD') {
        sendManifest(request, response, { digest: null });
        return;
      }
      response.writeHead(200, { 'content-type': OCI_MANIFEST });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const pump = (): void => {
        while (sent < 5 * 1024 * 1024) {
          sent += chunk.length;
          if (!response.write(chunk)) {
            response.once('drain', pump);
            return;
          }
        }
        response.end();
      };
      response.on('error', () => undefined);
      pump();
    });
    for (const server of [declared, streamed]) {
      const { resolver } = harness(server);
      const error = await rejection(resolver.resolve(`${server.host}/team/app:1`));
      expect(error.code).toBe('too-large');
      expect(error.message).toBe(
        `${server.host}/team/app:1: manifest is larger than 4194304 bytes (${server.host}, HTTP 200)`,
      );
    }
  });
});

describe('authentication details', () => {
  it('sends nothing before the registry asks, even with credentials configured', async () => {
    const server = await serve((request, response) => {
      if (request.headers.authorization !== BASIC) {
        response.writeHead(401, { 'www-authenticate': 'Basic realm="test"' }).end();
      } else {
        sendManifest(request, response);
      }
    });
    const { resolver } = harness(server);
    await resolver.resolve(`${server.host}/team/app:1`);
    expect(server.requests.map(({ headers }) => headers.authorization)).toEqual([undefined, BASIC]);
  });

  it('reads challenge parameters with commas and escapes inside quotes', async () => {
    const server = await serve((request, response) => {
      const url = new URL(request.url ?? '/', 'http://x');
      if (url.pathname === '/auth/token') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"access_token":"oauth-style-token","expires_in":120}');
      } else if (request.headers.authorization !== 'Bearer oauth-style-token') {
        const realm = `http://${request.headers.host}/auth/token?account=a,b`;
        response
          .writeHead(401, {
            'www-authenticate': `Bearer realm="${realm}", service="svc, \\"quoted\\"",scope="repository:team/app:pull,push"`,
          })
          .end();
      } else {
        sendManifest(request, response);
      }
    });
    const { resolver } = harness(server);
    expect((await resolver.resolve(`${server.host}/team/app:1`)).digest).toBe(DIGEST);
    const tokenRequest = server.requests.find(({ path }) => path.startsWith('/auth/token'));
    const query = new URL(tokenRequest?.path ?? '/', 'http://x').searchParams;
    expect(Object.fromEntries(query)).toEqual({
      account: 'a,b',
      service: 'svc, "quoted"',
      scope: 'repository:team/app:pull,push',
    });
    // The realm is on the registry's own plain-HTTP host: the credentials go with the token request.
    expect(tokenRequest?.headers.authorization).toBe(BASIC);
  });

  it('rejects a realm that is not an http(s) URL', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(401, { 'www-authenticate': 'Bearer realm="file:///etc/passwd",service="x"' }).end();
    });
    const { resolver } = harness(server);
    const error = await rejection(resolver.resolve(`${server.host}/team/app:1`));
    expect(error.code).toBe('invalid-response');
    expect(error.message).toContain('the Bearer challenge has no absolute http(s) realm');
    expect(server.requests).toHaveLength(1);
  });

  it('rejects a token response without a token', async () => {
    const server = await serve((request, response) => {
      if (request.url?.startsWith('/token')) {
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"two words"}');
      } else {
        response
          .writeHead(401, { 'www-authenticate': `Bearer realm="http://${request.headers.host}/token"` })
          .end();
      }
    });
    const { resolver } = harness(server);
    const error = await rejection(resolver.resolve(`${server.host}/team/app:1`));
    expect(error.code).toBe('invalid-response');
    expect(error.message).toContain('the token service answered without a valid token');
  });

  it("withholds credentials from an HTTPS registry's plain-HTTP realm (no downgrade)", async () => {
    // The realm is fetched, anonymously; the registry itself is never reached (it would be HTTPS).
    const realm = await serve((_request, response) => {
      response.writeHead(401).end();
    });
    const { mayReceiveCredentials } = await import('../src/index.js');
    expect(mayReceiveCredentials(new URL(`${realm.url}/token`), 'https://127.0.0.1:5000')).toBe(false);
    expect(mayReceiveCredentials(new URL(`${realm.url}/token`), 'http://127.0.0.1:5000')).toBe(true);
    expect(mayReceiveCredentials(new URL('http://auth.example/token'), 'http://127.0.0.1:5000')).toBe(false);
    expect(
      mayReceiveCredentials(new URL('https://auth.docker.io/token'), 'https://registry-1.docker.io'),
    ).toBe(true);
  });
});

describe('one request per reference', () => {
  it('answers concurrent and repeated calls for one reference with one request, failures too', async () => {
    const server = await serve((request, response) => {
      if (request.url?.endsWith('/missing')) response.writeHead(404).end();
      else setTimeout(() => sendManifest(request, response), 20);
    });
    const { resolver } = harness(server);
    const results = await Promise.all([
      resolver.resolve(`${server.host}/team/app:1`),
      resolver.resolve(`${server.host}/team/app:1`),
      resolver.resolve(`${server.host}/team/app:1`, { platform: 'linux/amd64' }),
    ]);
    expect(new Set(results.map(({ digest }) => digest))).toEqual(new Set([DIGEST]));
    await rejection(resolver.resolve(`${server.host}/team/app:missing`));
    await rejection(resolver.resolve(`${server.host}/team/app:missing`));
    expect(resolver.requestCounts()).toEqual([{ host: server.host, requests: 2 }]);
  });

  it('asks once for a digest, whatever tag is written next to it', async () => {
    const server = await serve((request, response) => sendManifest(request, response));
    const { resolver } = harness(server);
    await resolver.resolve(`${server.host}/team/app:1@${DIGEST}`);
    await resolver.resolve(`${server.host}/team/app:2@${DIGEST}`);
    await resolver.resolve(`${server.host}/team/app@${DIGEST}`);
    expect(server.requests.map(({ path }) => path)).toEqual([`/v2/team/app/manifests/${DIGEST}`]);
  });

  it('keeps at most concurrencyPerHost requests in flight per host', async () => {
    let inFlight = 0;
    let most = 0;
    const held: Array<() => void> = [];
    const release = (): void => {
      for (const answer of held.splice(0)) answer();
    };
    const server = await serve((request, response) => {
      inFlight++;
      most = Math.max(most, inFlight);
      held.push(() => {
        inFlight--;
        sendManifest(request, response);
      });
      // Answers are held until two requests are in flight (or 300 ms passed), so a limit that
      // works shows as exactly 2 however slowly the requests arrive.
      setTimeout(release, held.length >= 2 ? 20 : 300);
    });
    const { resolver } = harness(server, { concurrencyPerHost: 2 });
    const tags = Array.from({ length: 8 }, (_, index) => `${server.host}/team/app:${index}`);
    await Promise.all(tags.map((tag) => resolver.resolve(tag)));
    expect(most).toBe(2);
    expect(resolver.requestCounts()).toEqual([{ host: server.host, requests: 8 }]);
  });

  it('rejects an invalid reference or platform before any request', async () => {
    const { resolver } = harness({ host: '127.0.0.1:1' });
    const reference = await rejection(resolver.resolve('Not A Reference'));
    expect(reference.code).toBe('invalid-reference');
    expect(reference.message).toBe(
      'invalid image reference "Not A Reference": invalid reference format: repository name (library/Not A Reference) must be lowercase',
    );
    const platform = await rejection(resolver.resolve('alpine:3', { platform: 'linux' }));
    expect(platform.code).toBe('invalid-reference');
    expect(resolver.requestCounts()).toEqual([]);
  });
});

describe('credentials never printed', () => {
  it('keeps the password out of every message and event of a failing run', async () => {
    const port = await freePort();
    const refused = `127.0.0.1:${port}`;
    const denying = await serve((_request, response) => {
      response.writeHead(401, { 'www-authenticate': 'Basic realm="x"' }).end();
    });
    const messages: unknown[] = [];
    for (const host of [refused, denying.host]) {
      const { resolver, events } = harness(
        { host },
        {
          maxAttempts: 2,
          credentials: parseDockerConfig(
            JSON.stringify({
              auths: { [host]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString('base64') } },
            }),
          ),
        },
      );
      const error = await rejection(resolver.resolve(`${host}/team/app:1`));
      messages.push(error.message, String(error.stack), error, events, resolver, resolver.requestCounts());
    }
    expectNoSecret(...messages);
  });
});
