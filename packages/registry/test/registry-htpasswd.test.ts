// Resolution against a real registry (Debian's docker-registry, distribution 2.8) with htpasswd
// (Basic) authentication, holding images pushed by skopeo from OCI layouts built by the tests.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildTestImages,
  pushTag,
  type RunningRegistry,
  requireTool,
  run,
  startRegistry,
  type TestImages,
  writeHtpasswd,
} from '@repo/registry-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  MANIFEST_ACCEPT,
  OCI_INDEX,
  OCI_MANIFEST,
  parseDockerConfig,
  RegistryError,
  RegistryResolver,
  type RegistryResolverOptions,
} from '../src/index.js';

const USER = 'alice';
// A colon in the password: `auth` is split at the first colon only.
const PASSWORD = 'correct:horse-battery';

let dir: string;
let registry: RunningRegistry;
let images: TestImages;
/** Digests of the tags skopeo converted to Docker's formats (read back raw with skopeo inspect). */
let dockerManifest: string;
let dockerList: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'registry-htpasswd-'));
  const htpasswd = join(dir, 'htpasswd');
  writeHtpasswd(htpasswd, { [USER]: PASSWORD });
  registry = await startRegistry(join(dir, 'registry'), { htpasswd: { path: htpasswd } });
  images = buildTestImages(dir);
  const push = (tag: string, destination: string, format: 'oci' | 'v2s2' = 'oci') =>
    pushTag(images.layoutDir, tag, `${registry.host}/${destination}`, {
      creds: `${USER}:${PASSWORD}`,
      format,
      workDir: dir,
    });
  await push('single', 'team/app:single');
  await push('multi', 'team/app:multi');
  await push('next', 'team/other:next');
  await push('single', 'team/app:docker', 'v2s2');
  await push('multi', 'team/app:list', 'v2s2');
  dockerManifest = await rawDigest('team/app:docker');
  dockerList = await rawDigest('team/app:list');
});

afterAll(async () => {
  await registry?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function rawDigest(reference: string): Promise<string> {
  const { stdout } = await run(requireTool('skopeo'), [
    'inspect',
    '--raw',
    '--tls-verify=false',
    '--creds',
    `${USER}:${PASSWORD}`,
    `docker://${registry.host}/${reference}`,
  ]);
  return `sha256:${createHash('sha256').update(stdout).digest('hex')}`;
}

function dockerConfig(auths: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ auths, ...extra });
}

function resolver(options: Partial<RegistryResolverOptions> = {}): RegistryResolver {
  const auth = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
  return new RegistryResolver({
    credentials: parseDockerConfig(dockerConfig({ [registry.host]: { auth } })),
    plainHttpRegistries: [registry.host],
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

describe('a registry with htpasswd authentication', () => {
  it('resolves an OCI manifest tag with one HEAD after the Basic challenge', async () => {
    const client = resolver();
    const result = await client.resolve(`${registry.host}/team/app:single`);
    expect(result).toEqual({
      reference: `${registry.host}/team/app:single`,
      registry: registry.host,
      host: registry.host,
      digest: images.single.digest,
      mediaType: OCI_MANIFEST,
      digestSource: 'header',
    });
    // HEAD without credentials (401 Basic), then HEAD with them.
    expect(client.requestCounts()).toEqual([{ host: registry.host, requests: 2 }]);
  });

  it('sends the credentials from the first request once the host asked for them', async () => {
    const client = resolver();
    await client.resolve(`${registry.host}/team/app:single`);
    await client.resolve(`${registry.host}/team/other:next`);
    await client.resolve(`${registry.host}/team/app:multi`);
    expect(client.requestCounts()).toEqual([{ host: registry.host, requests: 4 }]);
  });

  it('answers the index digest for a multi-platform tag without a platform', async () => {
    const result = await resolver().resolve(`${registry.host}/team/app:multi`);
    expect(result.digest).toBe(images.multi.digest);
    expect(result.mediaType).toBe(OCI_INDEX);
    expect(result.indexDigest).toBeUndefined();
  });

  it("answers the platform's manifest and the index digest for a platform, with one GET of the index", async () => {
    const client = resolver();
    const arm = await client.resolve(`${registry.host}/team/app:multi`, { platform: 'linux/arm64/v8' });
    const amd = await client.resolve(`${registry.host}/team/app:multi`, { platform: 'linux/amd64' });
    expect(arm).toMatchObject({
      digest: images.arm64.digest,
      mediaType: OCI_MANIFEST,
      indexDigest: images.multi.digest,
      platform: 'linux/arm64/v8',
    });
    expect(amd).toMatchObject({ digest: images.amd64.digest, indexDigest: images.multi.digest });
    // 401, HEAD, GET of the index by digest; the second platform reuses both answers.
    expect(client.requestCounts()).toEqual([{ host: registry.host, requests: 3 }]);
  });

  it('matches platforms exactly, as Kargo does, and names the platforms the index has', async () => {
    const error = await rejection(
      resolver().resolve(`${registry.host}/team/app:multi`, { platform: 'linux/arm64' }),
    );
    expect(error.code).toBe('platform-not-found');
    expect(error.message).toBe(
      `${registry.host}/team/app:multi: the image index has no linux/arm64 manifest (available: linux/amd64, linux/arm64/v8) (${registry.host})`,
    );
  });

  it("resolves Docker's manifest and manifest list formats (the Accept header lists all four types)", async () => {
    const client = resolver();
    const docker = await client.resolve(`${registry.host}/team/app:docker`);
    expect(docker).toMatchObject({ digest: dockerManifest, mediaType: DOCKER_MANIFEST });
    const list = await client.resolve(`${registry.host}/team/app:list`);
    expect(list).toMatchObject({ digest: dockerList, mediaType: DOCKER_MANIFEST_LIST });
    const arm = await client.resolve(`${registry.host}/team/app:list`, { platform: 'linux/arm64/v8' });
    expect(arm.indexDigest).toBe(dockerList);
    expect(arm.mediaType).toBe(DOCKER_MANIFEST);
  });

  it('needs the right Accept header: distribution 2.8 answers 404, 400 or another document without it', async () => {
    // The registry's behaviour that MANIFEST_ACCEPT exists for, checked with plain fetch.
    const authorization = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
    const head = async (tag: string, accept: string | undefined) => {
      const response = await fetch(`${registry.url}/v2/team/app/manifests/${tag}`, {
        method: 'HEAD',
        headers: { authorization, ...(accept === undefined ? {} : { accept }) },
      });
      return { status: response.status, digest: response.headers.get('docker-content-digest') };
    };
    expect(await head('single', undefined)).toEqual({ status: 404, digest: null });
    expect(await head('multi', OCI_MANIFEST)).toEqual({ status: 404, digest: null });
    expect(await head('docker', OCI_MANIFEST)).toEqual({ status: 400, digest: null });
    // A manifest list asked for as a plain manifest: the registry silently answers with the
    // linux/amd64 manifest, a different digest — a wrong answer, not an error.
    const list = await head('list', DOCKER_MANIFEST);
    expect(list.status).toBe(200);
    expect(list.digest).not.toBe(dockerList);
    for (const tag of ['single', 'multi', 'docker', 'list']) {
      const answer = await head(tag, MANIFEST_ACCEPT);
      expect(answer.status, tag).toBe(200);
      expect(answer.digest, tag).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
  });

  it('resolves a reference pinned by digest (by that digest, whatever its tag says)', async () => {
    const client = resolver();
    const pinned = await client.resolve(`${registry.host}/team/app:multi@${images.single.digest}`);
    expect(pinned.digest).toBe(images.single.digest);
    expect(pinned.reference).toBe(`${registry.host}/team/app:multi@${images.single.digest}`);
  });

  it('says "tag not found" for a missing tag, and "manifest not found" for a missing digest', async () => {
    const client = resolver();
    const tag = await rejection(client.resolve(`${registry.host}/team/app:missing`));
    expect(tag.code).toBe('not-found');
    expect(tag.message).toBe(
      `${registry.host}/team/app:missing: tag not found: no tag "missing" in team/app (${registry.host}, HTTP 404)`,
    );
    const missingDigest = `sha256:${'0'.repeat(64)}`;
    const digest = await rejection(client.resolve(`${registry.host}/team/app@${missingDigest}`));
    expect(digest.code).toBe('not-found');
    expect(digest.message).toContain('manifest not found');
    const repository = await rejection(client.resolve(`${registry.host}/team/nothing:1`));
    expect(repository.code).toBe('not-found');
  });

  it('is denied without credentials, and says the Docker config has none for the host', async () => {
    const client = resolver({
      credentials: parseDockerConfig(dockerConfig({ 'other.example': { auth: 'eDp5' } })),
    });
    const error = await rejection(client.resolve(`${registry.host}/team/app:single`));
    expect(error.code).toBe('denied');
    expect(error.status).toBe(401);
    expect(error.message).toBe(
      `${registry.host}/team/app:single: denied: check credentials for ${registry.host}: no credentials for ${registry.host} in the Docker config (${registry.host}, HTTP 401)`,
    );
    expect(client.requestCounts()).toEqual([{ host: registry.host, requests: 1 }]);
  });

  it('is denied with a wrong password, and never prints it', async () => {
    const wrong = 'wrong-password-SECRET';
    const client = resolver({
      credentials: parseDockerConfig(dockerConfig({ [registry.host]: { username: USER, password: wrong } })),
    });
    const error = await rejection(client.resolve(`${registry.host}/team/app:single`));
    expect(error.code).toBe('denied');
    expect(error.message).toContain(
      `check credentials for ${registry.host}: the configured credentials were refused`,
    );
    for (const text of [error.message, String(error.stack), JSON.stringify(error)]) {
      expect(text).not.toContain(wrong);
      expect(text).not.toContain(Buffer.from(`${USER}:${wrong}`).toString('base64'));
    }
    // 401 without credentials, 401 with the wrong ones: no third try with the same credentials.
    expect(client.requestCounts()).toEqual([{ host: registry.host, requests: 2 }]);
  });

  it('finds credentials under a URL key, and reports a credential helper it cannot run', async () => {
    const urlKey = resolver({
      credentials: parseDockerConfig(
        dockerConfig({ [`http://${registry.host}/v2/`]: { username: USER, password: PASSWORD } }),
      ),
    });
    expect((await urlKey.resolve(`${registry.host}/team/app:single`)).digest).toBe(images.single.digest);

    const helper = resolver({
      credentials: parseDockerConfig(dockerConfig({}, { credHelpers: { [registry.host]: 'secretservice' } })),
    });
    const error = await rejection(helper.resolve(`${registry.host}/team/app:single`));
    expect(error.code).toBe('denied');
    expect(error.message).toContain(
      'names the credential helper "docker-credential-secretservice" for ' +
        `${registry.host} (credHelpers), and credential helpers are not supported`,
    );
  });
});
