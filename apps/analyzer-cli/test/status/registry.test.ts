// `image-factory status` against real registries on 127.0.0.1: Debian's docker-registry with
// htpasswd (credentials from a Docker config file in a temporary DOCKER_CONFIG), a second one behind
// a token server (anonymous bearer flow), a multi-arch index resolved for a platform, a loopback
// server answering 429 with Retry-After before succeeding, and one that never answers (deadline).
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildTestImages,
  pushTag,
  type RunningRegistry,
  startRegistry,
  startServer,
  startTokenServer,
  type TestImages,
  type TestServer,
  type TokenServer,
  writeHtpasswd,
} from '@repo/registry-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir, writeFiles } from '../helpers/git-repos.js';

const USER = 'alice';
const PASSWORD = 'S3cret:registry-password';
const TOKEN_USER = 'bob';
const TOKEN_PASSWORD = 'token-service-SECRET';
const SERVICE = 'image-factory-status-test';
const ISSUER = 'image-factory-status-issuer';
const SLOW_DIGEST = `sha256:${'5'.repeat(64)}`;
const OLD = `sha256:${'0'.repeat(64)}`;

const scratch = tempDir('if-status-registry');
let basic: RunningRegistry;
let tokens: TokenServer;
let bearer: RunningRegistry;
let limited: TestServer;
let silent: TestServer;
let images: TestImages;
let dockerConfig: string;
let n = 0;

beforeAll(async () => {
  const { dir } = scratch;
  const htpasswd = join(dir, 'htpasswd');
  writeHtpasswd(htpasswd, { [USER]: PASSWORD });
  basic = await startRegistry(join(dir, 'basic'), { htpasswd: { path: htpasswd } });
  tokens = await startTokenServer({
    dir,
    service: SERVICE,
    issuer: ISSUER,
    accounts: { [TOKEN_USER]: TOKEN_PASSWORD },
  });
  bearer = await startRegistry(join(dir, 'bearer'), {
    token: { realm: tokens.realm, service: SERVICE, issuer: ISSUER, rootCertBundle: tokens.rootCertBundle },
  });
  images = buildTestImages(dir);
  const push = (registry: RunningRegistry, tag: string, destination: string, creds: string) =>
    pushTag(images.layoutDir, tag, `${registry.host}/${destination}`, { creds, workDir: dir });
  await push(basic, 'single', 'team/python:3.12-slim', `${USER}:${PASSWORD}`);
  await push(basic, 'multi', 'team/multi:1', `${USER}:${PASSWORD}`);
  await push(bearer, 'next', 'public/base:1', `${TOKEN_USER}:${TOKEN_PASSWORD}`);
  // 429 with Retry-After: 1 on the first manifest request, then the manifest's digest.
  limited = await startServer((_request, response, index) => {
    if (index === 0) {
      response.writeHead(429, { 'retry-after': '1' }).end();
      return;
    }
    response
      .writeHead(200, {
        'docker-content-digest': SLOW_DIGEST,
        'content-type': 'application/vnd.oci.image.manifest.v1+json',
      })
      .end();
  });
  // Never answers: only the run's deadline ends the request.
  silent = await startServer(() => undefined);
  dockerConfig = join(dir, 'docker');
  mkdirSync(dockerConfig);
  writeFileSync(
    join(dockerConfig, 'config.json'),
    JSON.stringify({
      auths: { [basic.host]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString('base64') } },
    }),
  );
}, 120_000);

afterAll(async () => {
  await Promise.all([basic?.stop(), bearer?.stop(), tokens?.close(), limited?.close(), silent?.close()]);
  scratch.cleanup();
});

const DAY = 86_400;

/** A state watching the test registries: every kind of base, images on current and old digests. */
function fleet(extraImages = '', extraFiles: Record<string, string> = {}): string {
  const dir = join(scratch.dir, `state-${++n}`);
  writeFiles(dir, {
    'images.yaml': `- name: app
  registry: ghcr.io
  repository: acme/app
  source: {repo: acme/app, dockerfile: Dockerfile}
  rebuildDelay: 7d
- name: worker
  registry: ghcr.io
  repository: acme/worker
  source: {repo: acme/worker, dockerfile: Dockerfile}
  rebuildDelay: 1d
- name: arm
  registry: ghcr.io
  repository: acme/arm
  source: {repo: acme/arm, dockerfile: Dockerfile}
- name: multi
  repoURL: ${basic.host}/team/multi
  tag: "1"
  platform: linux/amd64
${extraImages}`,
    'images/app.yaml': `name: app\nbaseImages: [public-base, python]\ncurrentVersion: 1.0.0\nbuiltOn: {public-base: "${images.next.digest}", python: "${images.single.digest}"}\n`,
    'images/worker.yaml': `name: worker\nbaseImages: [python, slow]\ncurrentVersion: 1.0.0\nbuiltOn: {python: "${OLD}", slow: "${SLOW_DIGEST}"}\n`,
    'images/arm.yaml': `name: arm\nbaseImages: [multi]\ncurrentVersion: 1.0.0\nbuiltOn: {multi: "${images.multi.digest}"}\n`,
    'base-images/python.yaml': `name: python\nimage: ${basic.host}/team/python:3.12-slim\n`,
    'base-images/multi.yaml': `name: multi\nimage: ${basic.host}/team/multi:1\n`,
    'base-images/public-base.yaml': `name: public-base\nimage: ${bearer.host}/public/base:1\n`,
    'base-images/slow.yaml': `name: slow\nimage: ${limited.host}/team/slow:1\n`,
    ...extraFiles,
  });
  return dir;
}

function plainHttp(...hosts: string[]): string[] {
  return hosts.flatMap((host) => ['--plain-http', host]);
}

async function status(dir: string, ...args: string[]) {
  return runCli(
    ['status', '--state-dir', dir, ...plainHttp(basic.host, bearer.host, limited.host, silent.host), ...args],
    { env: { DOCKER_CONFIG: dockerConfig, SOURCE_DATE_EPOCH: '1764892800' } }, // 2025-12-05T00:00:00Z
  );
}

interface Json {
  version: number;
  bases: Array<Record<string, unknown> & { name: string }>;
  images: Array<Record<string, unknown> & { name: string; bases: Array<Record<string, unknown>> }>;
  requests: Array<{ host: string; requests: number }>;
  updates: Array<Record<string, unknown>>;
}

describe('status against real registries', () => {
  it('reads every base (htpasswd from DOCKER_CONFIG, bearer token, platform of an index, 429 + Retry-After)', async () => {
    const dir = fleet();
    const before = limited.requests.length;
    const run = await status(dir, '--json');
    expect(run.stderr).toMatch(/^status: 3 images: 2 up to date, 1 behind, 0 unknown; /);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as Json;
    expect(report.version).toBe(1);
    const base = (name: string) => report.bases.find((candidate) => candidate.name === name);
    expect(base('python')).toMatchObject({
      check: 'registry',
      currentDigest: images.single.digest,
      changed: true,
    });
    expect(base('public-base')).toMatchObject({ check: 'registry', currentDigest: images.next.digest });
    // The platform's manifest, and the index (what Kargo's Freight records) as the tag digest.
    expect(base('multi')).toMatchObject({
      platform: 'linux/amd64',
      currentDigest: images.amd64.digest,
      tagDigest: images.multi.digest,
    });
    expect(base('slow')).toMatchObject({ currentDigest: SLOW_DIGEST });
    const image = (name: string) => report.images.find((candidate) => candidate.name === name);
    expect(image('app')?.status).toBe('up-to-date');
    expect(image('arm')?.status).toBe('up-to-date');
    expect(image('worker')).toMatchObject({
      status: 'behind',
      // The state has no record of python's digest: the change is first seen by this run.
      eligibleAt: '2025-12-06T00:00:00Z',
    });
    // The 429 was honoured: exactly one retry, after the Retry-After second.
    const slow = limited.requests.slice(before);
    expect(slow.map((request) => `${request.method} ${request.path}`)).toEqual([
      'HEAD /v2/team/slow/manifests/1',
      'HEAD /v2/team/slow/manifests/1',
    ]);
    expect((slow[1]?.at ?? 0) - (slow[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
    // Requests per host in the summary; the limited server's count includes the retry.
    const hosts = report.requests.map((entry) => entry.host);
    expect(hosts).toEqual(expect.arrayContaining([basic.host, bearer.host, limited.host]));
    expect(report.requests.find((entry) => entry.host === limited.host)?.requests).toBe(2);
    expect(run.stderr).toContain(`2 requests to ${limited.host}`);
    // The anonymous token flow asked for pull on the public repository.
    expect(
      tokens.issued.some(
        (issued) => issued.user === '' && issued.scopes.includes('repository:public/base:pull'),
      ),
    ).toBe(true);
    for (const text of [run.stdout, run.stderr]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(Buffer.from(`${USER}:${PASSWORD}`).toString('base64'));
    }
  }, 60_000);

  it('asks once per unique reference, whatever the number of images built on it', async () => {
    const dir = fleet();
    const run = await status(dir, '--json');
    const report = JSON.parse(run.stdout) as Json;
    // python is used by app and worker, multi once; htpasswd: each manifest HEAD is challenged
    // once at most (401, then with credentials), never repeated per image.
    const basicRequests = report.requests.find((entry) => entry.host === basic.host)?.requests ?? 0;
    expect(basicRequests).toBeGreaterThanOrEqual(2);
    expect(basicRequests).toBeLessThanOrEqual(5); // python HEAD (+401), multi HEAD (+401), multi index GET
  }, 60_000);

  it('prints a table (no colour off a TTY); a base that cannot be read: exit 1, its images unknown, the rest printed', async () => {
    const dir = fleet(
      `- name: gone
  repoURL: ${basic.host}/team/gone
  tag: "1"
- name: hang
  repoURL: ${silent.host}/team/hang
  tag: "1"
`,
    );
    const run = await status(dir, '--timeout', '3');
    expect(run.code).toBe(1);
    expect(run.stdout).not.toContain('\u001b[');
    expect(run.stdout).toMatch(/^IMAGE\s+STATUS\s+BEHIND ON\s+BEHIND SINCE\s+NEXT REBUILD\s+CASCADES TO$/m);
    expect(run.stdout).toMatch(
      /^worker\s+behind\s+python\s+2025-12-05T00:00:00Z \(0m ago\)\s+eligible 2025-12-06T00:00:00Z \(in 1d\), by 2025-12-07T01:00:00Z$/m,
    );
    expect(run.stdout).toMatch(/^app\s+up to date/m);
    expect(run.stderr).toContain(`${basic.host}/team/gone:1: tag not found`);
    expect(run.stderr).toMatch(
      new RegExp(`${silent.host.replace(/\./g, '\\.')}/team/hang:1: .*deadline`, 'i'),
    );
    expect(run.stdout).toMatch(/status: 3 images: .*2 registry errors/);
    for (const text of [run.stdout, run.stderr]) expect(text).not.toContain(PASSWORD);
  }, 60_000);

  it('a wrong password: denied, exit 1, and the password is never printed', async () => {
    const dir = fleet();
    const config = join(scratch.dir, `docker-wrong-${++n}`);
    mkdirSync(config);
    const wrong = 'wrong-PASSWORD-never-printed';
    writeFileSync(
      join(config, 'config.json'),
      JSON.stringify({ auths: { [basic.host]: { username: USER, password: wrong } } }),
    );
    const run = await runCli(
      ['status', '--state-dir', dir, ...plainHttp(basic.host, bearer.host, limited.host)],
      {
        env: { DOCKER_CONFIG: config },
      },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${basic.host}/team/python:3.12-slim: `);
    expect(run.stdout).toMatch(/^app\s+unknown/m);
    for (const text of [run.stdout, run.stderr]) {
      expect(text).not.toContain(wrong);
      expect(text).not.toContain(Buffer.from(`${USER}:${wrong}`).toString('base64'));
    }
  }, 60_000);

  it('--concurrency limits the requests in flight per host', async () => {
    let inFlight = 0;
    let most = 0;
    const waiting: Array<() => void> = [];
    // Holds each answer until `hold` requests are in flight (or 2 s passed), so that a limit
    // below `hold` shows as at most that many in flight, and a limit of `hold` as exactly `hold`.
    let hold = 1;
    const server = await startServer((request, response) => {
      inFlight++;
      most = Math.max(most, inFlight);
      const answer = () => {
        inFlight--;
        const tag = (request.url ?? '').split('/').pop() ?? '';
        response
          .writeHead(200, {
            'docker-content-digest': `sha256:${tag.repeat(64)}`,
            'content-type': 'application/vnd.oci.image.manifest.v1+json',
          })
          .end();
      };
      const releaseAll = () => {
        for (const release of waiting.splice(0)) release();
      };
      waiting.push(answer);
      if (waiting.length >= hold) releaseAll();
      else setTimeout(releaseAll, 2000);
    });
    try {
      const bases = ['a', 'b', 'c']
        .map((tag) => `- name: fan-${tag}\n  repoURL: ${server.host}/team/fan\n  tag: "${tag}"\n`)
        .join('');
      const run = async (limit: string) =>
        runCli(
          [
            'status',
            '--state-dir',
            fleet(bases),
            '--plain-http',
            server.host,
            ...plainHttp(basic.host, bearer.host, limited.host),
            '--concurrency',
            limit,
            '--json',
          ],
          {
            env: { DOCKER_CONFIG: dockerConfig },
          },
        );
      hold = 3;
      const parallel = await run('3');
      expect(parallel.code, parallel.stderr).toBe(0);
      expect(most).toBe(3);
      most = 0;
      hold = 1;
      const serial = await run('1');
      expect(serial.code, serial.stderr).toBe(0);
      expect(most).toBe(1);
      expect(serial.stderr).toContain(`3 requests to ${server.host}`);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('usage errors exit 2', async () => {
    const dir = fleet();
    expect((await status(dir, '--timeout', 'soon')).code).toBe(2);
    expect((await status(dir, '--concurrency', '0')).code).toBe(2);
  });

  it('an invalid state exits 1 with file:line:col', async () => {
    const dir = fleet('- name: Bad Name\n  repoURL: x\n');
    const run = await status(dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/images\.yaml:\d+:\d+/);
  });
});

describe('status --update', () => {
  const python = (dir: string) => join(dir, 'base-images', 'python.yaml');

  it('fills the history; a second run writes nothing; a moved tag shifts current to previous', async () => {
    const dir = fleet('', {
      // A comment and a field order the writer must keep.
      'base-images/python.yaml': `# watched for the app and the worker\nname: python\nimage: ${basic.host}/team/python:3.12-slim\ncurrentDigest: ${OLD}\nlastChecked: 2025-11-01T00:00:00Z\n`,
    });
    const first = await status(dir, '--update');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`updated base-images/python.yaml: ${images.single.digest} (was ${OLD})`);
    expect(first.stdout).toContain(`recorded base-images/multi.yaml: ${images.amd64.digest} (first seen)`);
    const written = readFileSync(python(dir), 'utf8');
    expect(written).toBe(`# watched for the app and the worker
name: python
image: ${basic.host}/team/python:3.12-slim
currentDigest: ${images.single.digest}
lastChecked: "2025-12-05T00:00:00Z"
previousDigest: ${OLD}
lastUpdated: "2025-12-05T00:00:00Z"
updateHistory:
  - digest: ${images.single.digest}
    previousDigest: ${OLD}
    tag: 3.12-slim
    detectedAt: "2025-12-05T00:00:00Z"
`);

    // Nothing changed: nothing written, not even lastChecked (bytes and mtime kept).
    const files = ['python', 'multi', 'public-base', 'slow'].map((name) =>
      join(dir, 'base-images', `${name}.yaml`),
    );
    const before = files.map((file) => ({ text: readFileSync(file, 'utf8'), mtime: statSync(file).mtimeMs }));
    const second = await runCli(
      ['status', '--state-dir', dir, '--update', ...plainHttp(basic.host, bearer.host, limited.host)],
      { env: { DOCKER_CONFIG: dockerConfig, SOURCE_DATE_EPOCH: String(1764892800 + DAY) } },
    );
    expect(second.code).toBe(0);
    expect(second.stdout).not.toMatch(/^(updated|recorded) /m);
    expect(
      files.map((file) => ({ text: readFileSync(file, 'utf8'), mtime: statSync(file).mtimeMs })),
    ).toEqual(before);

    // The tag moves: current -> previous, a second history record; app is now behind since then.
    await pushTag(images.layoutDir, 'next', `${basic.host}/team/python:3.12-slim`, {
      creds: `${USER}:${PASSWORD}`,
      workDir: scratch.dir,
    });
    const third = await runCli(
      [
        'status',
        '--state-dir',
        dir,
        '--update',
        '--json',
        ...plainHttp(basic.host, bearer.host, limited.host),
      ],
      { env: { DOCKER_CONFIG: dockerConfig, SOURCE_DATE_EPOCH: String(1764892800 + 2 * DAY) } },
    );
    expect(third.code).toBe(0);
    const report = JSON.parse(third.stdout) as Json;
    expect(report.updates).toEqual([
      {
        base: 'python',
        file: 'base-images/python.yaml',
        change: 'updated',
        digest: images.next.digest,
        previousDigest: images.single.digest,
      },
    ]);
    const text = readFileSync(python(dir), 'utf8');
    expect(text).toContain(`currentDigest: ${images.next.digest}\n`);
    expect(text).toContain(`previousDigest: ${images.single.digest}\n`);
    expect(text.match(/- digest: /g)).toHaveLength(2);
    expect(text).toContain('lastUpdated: "2025-12-07T00:00:00Z"');
    // app was built on the digest the tag moved away from: behind since the recorded change.
    const app = report.images.find((image) => image.name === 'app');
    expect(app).toMatchObject({ status: 'behind', eligibleAt: '2025-12-14T00:00:00Z' });
    expect(app?.bases.find((base) => base.base === 'python')).toMatchObject({
      behindSince: '2025-12-07T00:00:00Z',
      behindSinceSource: 'this run (recorded by --update)',
    });
    // The next run reads the recorded history.
    const fourth = await status(dir, '--json');
    const recorded = (JSON.parse(fourth.stdout) as Json).images.find((image) => image.name === 'app');
    expect(recorded?.bases.find((base) => base.base === 'python')).toMatchObject({
      behindSince: '2025-12-07T00:00:00Z',
      behindSinceSource: 'base-images/python.yaml updateHistory',
    });
    // Put the tag back for the other tests.
    await pushTag(images.layoutDir, 'single', `${basic.host}/team/python:3.12-slim`, {
      creds: `${USER}:${PASSWORD}`,
      workDir: scratch.dir,
    });
  }, 90_000);
});
