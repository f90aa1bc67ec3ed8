import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DOCKER_CONFIG_MAX_BYTES,
  DockerConfigError,
  DockerCredentials,
  dockerConfigPath,
  parseDockerConfig,
  readDockerConfig,
} from '../src/index.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('parseDockerConfig', () => {
  it('reads `auth` (base64 of user:password, split at the first colon) and username/password', () => {
    const credentials = parseDockerConfig(
      JSON.stringify({
        auths: {
          'ghcr.io': { auth: b64('octo:pass:with:colons') },
          'registry.example:5000': { username: 'u', password: 'p' },
        },
      }),
    );
    expect(credentials.lookup('ghcr.io')).toEqual({
      kind: 'basic',
      username: 'octo',
      password: 'pass:with:colons',
    });
    expect(credentials.lookup('registry.example:5000')).toEqual({
      kind: 'basic',
      username: 'u',
      password: 'p',
    });
    expect(credentials.lookup('registry.example')).toBeUndefined();
    expect(credentials.lookup('quay.io')).toBeUndefined();
  });

  it("matches keys written as URLs, case-insensitively, and Docker Hub's legacy key", () => {
    const credentials = parseDockerConfig(
      JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': { auth: b64('hub:secret') },
          'https://Registry.Example.COM/v2/': { auth: b64('r:s') },
          'http://localhost:5000': { auth: b64('l:s') },
        },
      }),
    );
    expect(credentials.lookup('docker.io')).toEqual({ kind: 'basic', username: 'hub', password: 'secret' });
    expect(credentials.lookup('registry.example.com')).toMatchObject({ username: 'r' });
    expect(credentials.lookup('localhost:5000')).toMatchObject({ username: 'l' });
  });

  it('keeps the first usable entry when several keys name one host', () => {
    const credentials = parseDockerConfig(
      JSON.stringify({
        auths: { 'https://ghcr.io': {}, 'ghcr.io': { auth: b64('a:1') }, 'ghcr.io/v2': { auth: b64('b:2') } },
      }),
    );
    expect(credentials.lookup('ghcr.io')).toMatchObject({ username: 'a' });
  });

  it('reports a credential helper or store instead of failing obscurely', () => {
    const helpers = parseDockerConfig(
      JSON.stringify({
        auths: { 'ghcr.io': { auth: b64('a:1') } },
        credHelpers: { 'ghcr.io': 'gh', 'gcr.io': 'gcloud' },
      }),
      '/home/u/.docker/config.json',
    );
    expect(helpers.lookup('ghcr.io')).toEqual({
      kind: 'unsupported',
      reason:
        '/home/u/.docker/config.json names the credential helper "docker-credential-gh" for ghcr.io (credHelpers), ' +
        'and credential helpers are not supported: put "username" and "password" (or "auth") for ghcr.io under "auths"',
    });
    const store = parseDockerConfig(
      JSON.stringify({ auths: { 'quay.io': { auth: b64('q:1') }, 'docker.io': {} }, credsStore: 'desktop' }),
    );
    // Credentials written in the file are used; a host without them points at the store.
    expect(store.lookup('quay.io')).toMatchObject({ kind: 'basic', username: 'q' });
    expect(store.lookup('docker.io')).toMatchObject({
      kind: 'unsupported',
      reason: expect.stringContaining(
        'keeps credentials in the store "docker-credential-desktop" (credsStore)',
      ),
    });
  });

  it('reports an identity token it cannot use', () => {
    const credentials = parseDockerConfig(
      JSON.stringify({ auths: { 'acr.example.io': { identitytoken: 'eyJ-token' } } }),
    );
    expect(credentials.lookup('acr.example.io')).toMatchObject({
      kind: 'unsupported',
      reason: expect.stringContaining('has only an identity or registry token for acr.example.io'),
    });
  });

  it.each([
    ['not JSON {"auth":"secret-in-text"', 'Docker config: is not valid JSON'],
    ['[]', 'Docker config: must be a JSON object'],
    ['{"auths":[]}', 'Docker config: "auths" must be an object'],
    ['{"auths":{"x.io":"s"}}', 'Docker config: auths["x.io"] must be an object'],
    ['{"auths":{"x.io":{"auth":42}}}', 'Docker config: auths["x.io"].auth must be a string'],
    ['{"auths":{"x.io":{"auth":"%%%secret"}}}', 'Docker config: auths["x.io"].auth is not base64'],
    [
      `{"auths":{"x.io":{"auth":"${b64('no-colon-secret')}"}}}`,
      'Docker config: auths["x.io"].auth must be the base64 of username:password',
    ],
    [
      '{"auths":{"x.io":{"username":"u"}}}',
      'Docker config: auths["x.io"] needs both "username" and "password" as strings',
    ],
    ['{"credHelpers":{"x.io":1}}', 'Docker config: credHelpers["x.io"] must be a string'],
    ['{"credsStore":true}', 'Docker config: "credsStore" must be a string'],
  ])('rejects %s without quoting values', (text, message) => {
    const error = (() => {
      try {
        parseDockerConfig(text);
        return undefined;
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(DockerConfigError);
    expect((error as Error).message).toBe(message);
    expect((error as Error).message).not.toMatch(/secret/);
  });

  it('ignores the other fields of a real config file', () => {
    const credentials = parseDockerConfig(
      JSON.stringify({
        auths: {},
        psFormat: 'table',
        HttpHeaders: { 'User-Agent': 'x' },
        currentContext: 'default',
      }),
    );
    expect(credentials.hosts()).toEqual([]);
  });

  it('never shows secrets when printed or serialized', () => {
    const credentials = parseDockerConfig(
      JSON.stringify({ auths: { 'ghcr.io': { username: 'u', password: 'p4ss-SECRET' } } }),
    );
    expect(JSON.stringify(credentials)).toBe('{"source":"Docker config","hosts":["ghcr.io"]}');
    expect(inspect(credentials, { depth: 10, showHidden: true })).not.toContain('p4ss-SECRET');
    expect(String(credentials)).not.toContain('p4ss-SECRET');
  });
});

describe('readDockerConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'docker-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file, and treats a missing file as no credentials', async () => {
    const path = join(dir, 'config.json');
    writeFileSync(path, JSON.stringify({ auths: { 'ghcr.io': { auth: b64('a:b') } } }));
    expect((await readDockerConfig(path)).lookup('ghcr.io')).toMatchObject({ username: 'a' });
    expect(await readDockerConfig(join(dir, 'missing.json'))).toBe(DockerCredentials.none);
  });

  it('names the file in errors and refuses directories and huge files', async () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{');
    await expect(readDockerConfig(broken)).rejects.toThrow(`${broken}: is not valid JSON`);
    const directory = join(dir, 'a-directory');
    mkdirSync(directory);
    await expect(readDockerConfig(directory)).rejects.toThrow(`${directory}: is not a regular file`);
    const huge = join(dir, 'huge.json');
    writeFileSync(huge, ' '.repeat(DOCKER_CONFIG_MAX_BYTES + 1));
    await expect(readDockerConfig(huge)).rejects.toThrow(
      `${huge}: is larger than ${DOCKER_CONFIG_MAX_BYTES} bytes`,
    );
  });
});

describe('dockerConfigPath', () => {
  it('uses $DOCKER_CONFIG when set, else ~/.docker', () => {
    expect(dockerConfigPath({ dockerConfig: '/etc/docker-config', homeDir: '/home/u' })).toBe(
      '/etc/docker-config/config.json',
    );
    expect(dockerConfigPath({ dockerConfig: '', homeDir: '/home/u' })).toBe('/home/u/.docker/config.json');
    expect(dockerConfigPath({ homeDir: '/home/u' })).toBe('/home/u/.docker/config.json');
  });
});
