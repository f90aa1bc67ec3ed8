// Credentials scoped to the URL they belong to (issue 15 #3, issue 14 "analysis credentials are one
// for all hosts"): the rules, the credential helper's decision, and real git against several loopback
// git servers, one per "host" (a host is protocol + name + port, so 127.0.0.1:A and localhost:B differ).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  CREDENTIAL_HELPER_SCRIPT,
  CREDENTIALS_ENV_VAR,
  type CredentialRule,
  checkNoCredentialsInUrl,
  credentialRulesFromEnv,
  gitCredentialPath,
} from '../src/lib/credentials.js';
import { ensureBuilt, runBin, runCli } from './helpers/cli.js';
import { analysisArgs, DIGEST_A, EPOCH, SOURCE_FILES, STATE_FILES } from './helpers/fixtures.js';
import {
  commitCount,
  createBareRepo,
  installHook,
  listFiles,
  tempDir,
  writeFiles,
} from './helpers/git-repos.js';
import { type HttpGitServer, type HttpGitServerOptions, startHttpGitServer } from './helpers/http-git.js';

const GH_TOKEN = 'ghp_githubTokenValue0123456789';
const GL_TOKEN = 'glpat-gitlabTokenValue0123';
const PASSWORD = 'state-Pa55word/with@odd%chars';
const scratch = tempDir('if-credentials');
let n = 0;
const servers: HttpGitServer[] = [];

async function serve(
  accounts: Readonly<Record<string, string>>,
  options: HttpGitServerOptions = {},
): Promise<{ server: HttpGitServer; root: string }> {
  const root = join(scratch.dir, `srv-${++n}`);
  mkdirSync(root, { recursive: true });
  const server = await startHttpGitServer(root, accounts, options);
  servers.push(server);
  return { server, root };
}

/** Decoded credentials a server received (requests without any are left out). */
function credentialsSeen(server: HttpGitServer, since = 0): string[] {
  return server.seen.requests
    .slice(since)
    .map((request) => request.auth)
    .filter(Boolean);
}

beforeAll(ensureBuilt, 120_000);
afterAll(async () => {
  for (const server of servers) await server.close();
  scratch.cleanup();
});

describe('security', () => {
  describe('credential rules from the environment (#3)', () => {
    const rule = (scope: CredentialRule['scope'], username: string, password: string, from: string) => ({
      scope,
      username,
      password,
      from,
    });

    it('scopes each credential to its URL, and ignores empty variables', () => {
      expect(
        credentialRulesFromEnv(
          {
            GIT_USERNAME: 'robot',
            GIT_PASSWORD: 'pw',
            GITHUB_TOKEN: 'gh',
            GITLAB_TOKEN: 'gl',
            GITLAB_URL: 'https://GitLab.Example.com:443/gitlab/',
          },
          { stateRepo: 'https://git.example.com:8443/acme/state.git' },
        ),
      ).toEqual([
        rule(
          { protocol: 'https', host: 'git.example.com:8443', path: 'acme/state.git' },
          'robot',
          'pw',
          'GIT_USERNAME/GIT_PASSWORD',
        ),
        rule(
          { protocol: 'https', host: 'github.com', pathPrefix: '' },
          'x-access-token',
          'gh',
          'GITHUB_TOKEN',
        ),
        rule(
          { protocol: 'https', host: 'gitlab.example.com', pathPrefix: 'gitlab' },
          'oauth2',
          'gl',
          'GITLAB_TOKEN',
        ),
      ]);
      expect(credentialRulesFromEnv({ GIT_USERNAME: '', GIT_PASSWORD: '', GITHUB_TOKEN: '' })).toEqual([]);
    });

    it('gives GIT_USERNAME/GIT_PASSWORD to no one without an http(s) state repository (generate-state, ssh, paths)', () => {
      const env = { GIT_USERNAME: 'robot', GIT_PASSWORD: 'pw' };
      expect(credentialRulesFromEnv(env)).toEqual([]);
      expect(credentialRulesFromEnv(env, { stateRepo: 'git@github.com:acme/state.git' })).toEqual([]);
      expect(credentialRulesFromEnv(env, { stateRepo: 'ssh://git@github.com/acme/state.git' })).toEqual([]);
      expect(credentialRulesFromEnv(env, { stateRepo: '../state.git' })).toEqual([]);
    });

    it('takes the default hosts from the options (generate-state: the settings), the variables winning', () => {
      expect(
        credentialRulesFromEnv(
          { GITHUB_TOKEN: 'gh', GITLAB_TOKEN: 'gl', GITLAB_URL: 'http://mirror:8080' },
          { githubUrl: 'https://ghe.example.com', gitlabUrl: 'https://gitlab.example.com' },
        ).map((r) => r.scope),
      ).toEqual([
        { protocol: 'https', host: 'ghe.example.com', pathPrefix: '' },
        { protocol: 'http', host: 'mirror:8080', pathPrefix: '' },
      ]);
    });

    it.each([
      [{ GIT_USERNAME: 'robot' }, 'GIT_USERNAME is set but GIT_PASSWORD is not'],
      [{ GIT_PASSWORD: 'pw' }, 'GIT_PASSWORD is set but GIT_USERNAME is not'],
      [{ GITHUB_TOKEN: 'tok\n' }, 'GITHUB_TOKEN contains a line break or NUL character'],
      [{ GIT_USERNAME: 'robot', GIT_PASSWORD: 'a\nhost=evil' }, 'GIT_PASSWORD contains a line break'],
      [{ GITHUB_TOKEN: 't', GITHUB_URL: 'github.com' }, 'GITHUB_URL "github.com" is not an http(s) URL'],
      [
        { GITLAB_TOKEN: 't', GITLAB_URL: 'ssh://gitlab.com' },
        'GITLAB_URL "ssh://gitlab.com" is not an http(s) URL',
      ],
      [{ GITHUB_TOKEN: 't', GITHUB_URL: 'https://u:p@github.com' }, 'is not an http(s) URL of a git host'],
    ])('refuses %j', (env, message) => {
      expect(() => credentialRulesFromEnv(env, { stateRepo: 'https://h/s.git' })).toThrow(message);
    });

    it.each([
      'https://github.com/acme/x.git',
      'http://127.0.0.1:8080/acme/x.git',
      'ssh://git@github.com/acme/x.git',
      'git+ssh://git@github.com:22/acme/x.git',
      'git@github.com:acme/x.git',
      '../state.git',
      '/srv/git/x.git',
    ])('accepts the repository URL %s', (url) => {
      expect(() => checkNoCredentialsInUrl(url, '--git-repo')).not.toThrow();
    });

    it.each([
      ['https://robot:pw@host/x.git', 'https://***@host/x.git'],
      ['https://ghp_tokenAsUser@github.com/x.git', 'https://***@github.com/x.git'],
      ['http://tok:pa/ss@host/x.git', 'http://***@host/x.git'],
      ['ssh://git:pw@host/x.git', 'ssh://***@host/x.git'],
    ])('refuses the repository URL %s, showing %s', (url, shown) => {
      expect(() => checkNoCredentialsInUrl(url, '--git-repo')).toThrow(
        `--git-repo ${shown} carries credentials in the URL`,
      );
    });

    it('says so in analyze --help', async () => {
      const help = await runCli(['analyze', '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('  GIT_USERNAME + GIT_PASSWORD  the --state-repo URL only\n');
      expect(help.stdout).toContain(
        '  GITHUB_TOKEN                 repositories on the host of GITHUB_URL (default https://github.com),\n                               as x-access-token\n',
      );
      expect(help.stdout).toContain(
        '  GITLAB_TOKEN                 repositories on the host of GITLAB_URL (default https://gitlab.com),\n                               as oauth2\n',
      );
      expect(help.stdout).toMatch(/--git-commit <sha> +the commit that was built/);
      expect(help.stdout).toMatch(/--built-at <time> +when the version was built, RFC 3339/);
    });

    it.each([
      ['https://host/acme/state.git', 'acme/state.git'],
      ['https://host/acme/state.git/', 'acme/state.git'],
      ['https://host//acme/state', 'acme/state'],
      ['https://u@host:8443/a%20b/c%2Fd.git', 'a b/c/d.git'],
      ['https://host', ''],
    ])('the path git sends for %s is %j', (url, path) => {
      expect(gitCredentialPath(url)).toBe(path);
    });
  });

  describe('the credential helper answers only for the scope of a credential (#3)', () => {
    const dir = join(scratch.dir, 'helper');
    const helper = join(dir, 'helper.mjs');
    const rules = credentialRulesFromEnv(
      {
        GIT_USERNAME: 'robot',
        GIT_PASSWORD: 'pw',
        GITHUB_TOKEN: 'gh',
        GITLAB_TOKEN: 'gl',
        GITLAB_URL: 'https://gl.example.com/git',
      },
      { stateRepo: 'https://state.example.com/acme/state.git' },
    );
    const ask = (request: string, action = 'get') => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(helper, CREDENTIAL_HELPER_SCRIPT);
      const result = spawnSync(process.execPath, [helper, action], {
        input: request,
        env: { PATH: process.env.PATH, [CREDENTIALS_ENV_VAR]: JSON.stringify(rules) },
        encoding: 'utf8',
      });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      return result.stdout;
    };
    const answer = (username: string, password: string) => `username=${username}\npassword=${password}\n`;

    it.each([
      ['protocol=https\nhost=state.example.com\npath=acme/state.git\n\n', answer('robot', 'pw')],
      ['protocol=https\nhost=State.Example.COM:443\npath=acme/state.git\n', answer('robot', 'pw')],
      ['protocol=https\nhost=github.com\npath=acme/platform.git\n', answer('x-access-token', 'gh')],
      ['protocol=https\nhost=github.com\n', answer('x-access-token', 'gh')],
      ['protocol=https\nhost=gl.example.com\npath=git/acme/app.git\n', answer('oauth2', 'gl')],
      ['protocol=https\nhost=gl.example.com\npath=git\n', answer('oauth2', 'gl')],
    ])('answers %j', (request, expected) => {
      expect(ask(request)).toBe(expected);
    });

    it.each([
      // Another repository on the state repository's host, or no path at all.
      'protocol=https\nhost=state.example.com\npath=acme/other.git\n',
      'protocol=https\nhost=state.example.com\n',
      'protocol=https\nhost=state.example.com\npath=acme/state.git.evil\n',
      // Another port or protocol of a host that has a credential.
      'protocol=https\nhost=state.example.com:8443\npath=acme/state.git\n',
      'protocol=http\nhost=github.com\npath=acme/platform.git\n',
      'protocol=ssh\nhost=github.com\n',
      // Outside GITLAB_URL's path.
      'protocol=https\nhost=gl.example.com\npath=gitx/acme/app.git\n',
      'protocol=https\nhost=gl.example.com\npath=other/app.git\n',
      // Hosts that a URL parser would read as another host.
      'protocol=https\nhost=evil.example@github.com\n',
      'protocol=https\nhost=github.com.evil.example\n',
      'protocol=https\nhost=github.com/evil\n',
      'protocol=https\nhost=\n',
      'host=github.com\n',
      '',
    ])('answers nothing to %j', (request) => {
      expect(ask(request)).toBe('');
    });

    it.each(['store', 'erase'])('ignores %s', (action) => {
      expect(ask('protocol=https\nhost=github.com\nusername=x\npassword=y\n', action)).toBe('');
    });

    it('holds no secret itself', () => {
      for (const rule of rules) expect(CREDENTIAL_HELPER_SCRIPT).not.toContain(rule.password);
    });
  });

  describe('analysis credentials never cross hosts: clone, fetch and push (#3, issue 14)', () => {
    it('sends each credential only to its own server', async () => {
      const github = await serve({ 'x-access-token': GH_TOKEN });
      const state = await serve({ robot: PASSWORD });
      const gitlab = await serve({ oauth2: GL_TOKEN });
      createBareRepo(join(github.root, 'acme', 'platform.git'), SOURCE_FILES);
      const stateBare = createBareRepo(join(state.root, 'acme', 'state.git'), STATE_FILES);
      // The first push is refused: the job fetches and pushes again, so clone, fetch and push all happen.
      const mark = join(state.root, 'refused-once');
      installHook(
        stateBare,
        'pre-receive',
        `if [ ! -f '${mark}' ]; then touch '${mark}'; echo 'busy, retry' >&2; exit 1; fi`,
      );
      const stateUrl = `http://localhost:${state.server.port}/acme/state.git`;
      const result = await runBin(
        analysisArgs({
          image: 'backstage',
          tag: '1.1.0',
          digest: DIGEST_A,
          dockerfile: 'backstage/Dockerfile',
          sourceRepo: 'acme/platform',
          gitRepo: `${github.server.url}/acme/platform.git`,
          stateRepo: stateUrl,
        }),
        {
          env: {
            SOURCE_DATE_EPOCH: EPOCH,
            GIT_USERNAME: 'robot',
            GIT_PASSWORD: PASSWORD,
            GITHUB_TOKEN: GH_TOKEN,
            GITHUB_URL: github.server.url,
            GITLAB_TOKEN: GL_TOKEN,
            GITLAB_URL: gitlab.server.url,
          },
        },
      );
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(
        /push attempt 1 of 5 to .* was refused: remote: busy, retry; .*; fetching and retrying/,
      );
      expect(commitCount(stateBare)).toBe(2);

      const statePaths = state.server.seen.requests.filter((r) => r.auth !== '').map((r) => r.path);
      // Clone and fetch (upload-pack) and push (receive-pack) all authenticated, all with the state credentials.
      expect(statePaths.filter((p) => p.includes('git-upload-pack')).length).toBeGreaterThanOrEqual(2);
      expect(statePaths.some((p) => p.includes('git-receive-pack'))).toBe(true);
      expect(new Set(credentialsSeen(state.server))).toEqual(new Set([`robot:${PASSWORD}`]));
      expect(new Set(credentialsSeen(github.server))).toEqual(new Set([`x-access-token:${GH_TOKEN}`]));
      expect(gitlab.server.seen.requests).toEqual([]);
      for (const secret of [GH_TOKEN, GL_TOKEN, PASSWORD]) {
        expect(result.stdout + result.stderr).not.toContain(secret);
      }
    });

    it('gives the state repository credentials to no other repository on the same server', async () => {
      const state = await serve({ robot: PASSWORD });
      createBareRepo(join(state.root, 'acme', 'state.git'), STATE_FILES);
      createBareRepo(join(state.root, 'acme', 'platform.git'), SOURCE_FILES);
      const result = await runBin(
        analysisArgs({
          image: 'backstage',
          tag: '1.1.0',
          digest: DIGEST_A,
          dockerfile: 'backstage/Dockerfile',
          sourceRepo: 'acme/platform',
          gitRepo: `${state.server.url}/acme/platform.git`,
          stateRepo: `${state.server.url}/acme/state.git`,
        }),
        { env: { GIT_USERNAME: 'robot', GIT_PASSWORD: PASSWORD, GITHUB_TOKEN: GH_TOKEN } },
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `image-factory: cloning the source repository ${state.server.url}/acme/platform.git (branch main) failed:`,
      );
      expect(result.stderr).toMatch(/could not read Username/);
      const sourceRequests = state.server.seen.requests.filter((r) =>
        r.path.startsWith('/acme/platform.git'),
      );
      expect(sourceRequests.length).toBeGreaterThan(0);
      expect(sourceRequests.map((r) => r.auth)).toEqual(sourceRequests.map(() => ''));
      expect(result.stdout + result.stderr).not.toContain(PASSWORD);
    });

    it('refuses a repository URL that carries credentials, before cloning, without printing them', async () => {
      const state = await serve({ robot: PASSWORD });
      createBareRepo(join(state.root, 'state.git'), STATE_FILES);
      const url = `http://robot:${encodeURIComponent(PASSWORD)}@127.0.0.1:${state.server.port}/state.git`;
      const result = await runCli(
        analysisArgs({
          image: 'backstage',
          tag: '1.1.0',
          digest: DIGEST_A,
          dockerfile: 'backstage/Dockerfile',
          sourceRepo: 'acme/platform',
          gitRepo: '/nowhere/platform.git',
          stateRepo: url,
        }),
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `image-factory: --state-repo http://***@127.0.0.1:${state.server.port}/state.git carries credentials in the URL\nhint: give the URL without credentials; they come from GIT_USERNAME/GIT_PASSWORD (the state repository), GITHUB_TOKEN or GITLAB_TOKEN\n`,
      );
      expect(state.server.seen.requests).toEqual([]);
    });
  });

  describe('redirects never carry credentials to another host (#3)', () => {
    // A server that redirects every request to the same path on another host (localhost:<other
    // port>), before or after checking the credentials. The target accepts the very credentials
    // the job holds, so a leak would show as a successful clone as well as in what it saw.
    it.each([
      ['the state repository credentials', 'before authentication', false],
      ['the state repository credentials', 'after authentication', true],
      ['GITHUB_TOKEN', 'before authentication', false],
      ['GITHUB_TOKEN', 'after authentication', true],
    ] as const)('%s, redirected %s', async (which, _when, afterAuth) => {
      const target = await serve({ robot: PASSWORD, 'x-access-token': GH_TOKEN });
      createBareRepo(join(target.root, 'acme', 'state.git'), STATE_FILES);
      createBareRepo(join(target.root, 'acme', 'platform.git'), SOURCE_FILES);
      const redirector = await serve(
        { robot: PASSWORD, 'x-access-token': GH_TOKEN },
        { redirect: (path) => `http://localhost:${target.server.port}${path}`, redirectAfterAuth: afterAuth },
      );
      const local = join(scratch.dir, `local-${++n}`);
      const viaState = which !== 'GITHUB_TOKEN';
      const stateRepo = viaState
        ? `${redirector.server.url}/acme/state.git`
        : createBareRepo(join(local, 'state.git'), STATE_FILES);
      const result = await runBin(
        analysisArgs({
          image: 'backstage',
          tag: '1.1.0',
          digest: DIGEST_A,
          dockerfile: 'backstage/Dockerfile',
          sourceRepo: 'acme/platform',
          gitRepo: `${redirector.server.url}/acme/platform.git`,
          stateRepo,
        }),
        {
          env: viaState
            ? { GIT_USERNAME: 'robot', GIT_PASSWORD: PASSWORD }
            : { GITHUB_TOKEN: GH_TOKEN, GITHUB_URL: redirector.server.url },
        },
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `image-factory: cloning the ${viaState ? 'state' : 'source'} repository ${redirector.server.url}/acme/${viaState ? 'state' : 'platform'}.git (branch main) failed:`,
      );
      // The redirect was followed (the target was asked), and it never got a credential.
      expect(target.server.seen.requests.length).toBeGreaterThan(0);
      expect(credentialsSeen(target.server)).toEqual([]);
      if (afterAuth) expect(credentialsSeen(redirector.server).length).toBeGreaterThan(0);
      expect(result.stdout + result.stderr).not.toContain(viaState ? PASSWORD : GH_TOKEN);
    });
  });

  describe('generate-state: each token to its own host only (#3)', () => {
    it('clones GitHub sources with GITHUB_TOKEN and GitLab sources with GITLAB_TOKEN, never GIT_USERNAME/GIT_PASSWORD', async () => {
      const github = await serve({ 'x-access-token': GH_TOKEN });
      const gitlab = await serve({ oauth2: GL_TOKEN });
      createBareRepo(join(github.root, 'acme', 'app.git'), { Dockerfile: 'FROM python:3.12-slim\n' });
      createBareRepo(join(gitlab.root, 'acme', 'legacy.git'), { Dockerfile: 'FROM busybox:1.36\n' });
      const stateDir = join(scratch.dir, `state-${++n}`);
      writeFiles(stateDir, {
        'images.yaml': `- name: app
  registry: ghcr.io
  repository: acme/app
  source:
    repo: acme/app
    dockerfile: Dockerfile
- name: legacy
  registry: registry.gitlab.com
  repository: acme/legacy
  source:
    provider: gitlab
    repo: acme/legacy
    dockerfile: Dockerfile
`,
        'image-factory.yaml': `github:\n  url: ${github.server.url}\ngitlab:\n  url: http://localhost:${gitlab.server.port}\n`,
      });
      const result = await runCli(['generate-state', '--state-dir', stateDir, '--json'], {
        env: {
          SOURCE_DATE_EPOCH: EPOCH,
          GIT_USERNAME: 'robot',
          GIT_PASSWORD: PASSWORD,
          GITHUB_TOKEN: GH_TOKEN,
          GITLAB_TOKEN: GL_TOKEN,
        },
      });
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(JSON.parse(result.stdout).images.map((i: { status: string }) => i.status)).toEqual([
        'success',
        'success',
      ]);
      expect(new Set(credentialsSeen(github.server))).toEqual(new Set([`x-access-token:${GH_TOKEN}`]));
      expect(new Set(credentialsSeen(gitlab.server))).toEqual(new Set([`oauth2:${GL_TOKEN}`]));
      expect(parse(readFileSync(join(stateDir, 'images', 'legacy.yaml'), 'utf8')).baseImages).toEqual([
        'busybox-1.36',
      ]);
      // Nothing of the credentials landed in the state directory.
      for (const file of listFiles(stateDir)) {
        const text = readFileSync(join(stateDir, file), 'utf8');
        for (const secret of [GH_TOKEN, GL_TOKEN, PASSWORD]) expect(text, file).not.toContain(secret);
      }
    });
  });
});
