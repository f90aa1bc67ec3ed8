import { describe, expect, it } from 'vitest';
import { formatProblem } from '../src/problems.js';
import { BaseImageStateSchema, LegacyBaseImageStateSchema } from '../src/schema/base-image-state.js';
import { ImageStateSchema } from '../src/schema/image-state.js';
import { BaseEntrySchema, ManagedEntrySchema } from '../src/schema/images-file.js';
import { SettingsSchema } from '../src/schema/settings.js';
import { allowedKeys, validateDocument } from '../src/validate-document.js';
import { parseYamlSource } from '../src/yaml-source.js';

function problemsFor(schema: Parameters<typeof validateDocument>[0], yaml: string): string[] {
  const parsed = parseYamlSource('doc.yaml', yaml);
  if (!parsed.ok) throw new Error('bad test YAML');
  const result = validateDocument(schema, parsed.source.data, {
    source: parsed.source,
    basePath: [],
    subject: '',
  });
  return result.ok ? [] : result.problems.map(formatProblem);
}

const MANAGED = `name: app
registry: ghcr.io
repository: acme/app
source:
  repo: acme/app
  dockerfile: Dockerfile
`;

describe('ManagedEntrySchema', () => {
  it('applies the documented defaults', () => {
    expect(
      ManagedEntrySchema.parse({
        name: 'app',
        registry: 'ghcr.io',
        repository: 'acme/app',
        source: { repo: 'acme/app', dockerfile: 'Dockerfile' },
      }),
    ).toEqual({
      name: 'app',
      registry: 'ghcr.io',
      repository: 'acme/app',
      source: { provider: 'github', repo: 'acme/app', branch: 'main', dockerfile: 'Dockerfile' },
      rebuildDelay: '7d',
      autoRebuild: true,
      updates: [],
    });
  });

  it('accepts every documented field', () => {
    expect(
      problemsFor(
        ManagedEntrySchema,
        `${MANAGED}  branch: develop
  workflow: build.yml
  provider: gitlab
rebuildDelay: 1h30m
autoRebuild: false
updates:
  - {repo: acme/deploy, path: apps/app.yaml, type: yaml-update, key: image.tag, branch: main}
local: {dir: local/app, patchFiles: [a.patch], versionFile: VERSION, dockerfile: Dockerfile}
`,
      ),
    ).toEqual([]);
  });

  it('names unknown fields with their position and a suggestion', () => {
    expect(
      problemsFor(
        ManagedEntrySchema,
        `${MANAGED}autoRebiuld: false\nupdates:\n  - {repo: a/b, path: x, type: yaml-update, kye: a}\n`,
      ),
    ).toEqual([
      'doc.yaml:7:1: unknown field "autoRebiuld"\n  hint: did you mean "autoRebuild"?',
      'doc.yaml:9:45: unknown field "updates[0].kye"\n  hint: did you mean "key"?',
    ]);
  });

  it('lists the allowed fields when nothing is close', () => {
    expect(problemsFor(ManagedEntrySchema, `${MANAGED}maintainer: me\n`)).toEqual([
      'doc.yaml:7:1: unknown field "maintainer"\n  hint: allowed fields here: autoRebuild, local, name, rebuildDelay, registry, repository, source, updates',
    ]);
  });

  it('reports wrong types, with a quoting hint for numbers where strings belong', () => {
    expect(problemsFor(ManagedEntrySchema, `${MANAGED}autoRebuild: "no"\nrebuildDelay: 7\n`)).toEqual([
      'doc.yaml:7:14: autoRebuild must be a boolean (got "no")\n  hint: write true or false (YAML 1.2 reads yes, no, on and off as text)',
      'doc.yaml:8:15: rebuildDelay must be a string (got 7)\n  hint: YAML reads 7 as a number: quote it, e.g. "7"',
    ]);
  });

  it('rejects a registry with a path and an uppercase repository', () => {
    const yaml = MANAGED.replace('registry: ghcr.io', 'registry: ghcr.io/acme').replace(
      'repository: acme/app',
      'repository: acme/App',
    );
    expect(problemsFor(ManagedEntrySchema, yaml).map((line) => line.split('\n')[0])).toEqual([
      'doc.yaml:2:11: registry must be a registry host, optionally with a port (e.g. ghcr.io, registry.example.com:5000) (got "ghcr.io/acme")',
      'doc.yaml:3:13: repository must be a lowercase repository path (e.g. acme/backstage) (got "acme/App")',
    ]);
  });

  it('rejects a name longer than 63 characters', () => {
    expect(
      ManagedEntrySchema.safeParse({
        ...ManagedEntrySchema.parse(ManagedEntrySchemaInput()),
        name: 'a'.repeat(64),
      }).success,
    ).toBe(false);
  });
});

function ManagedEntrySchemaInput() {
  return {
    name: 'app',
    registry: 'ghcr.io',
    repository: 'acme/app',
    source: { repo: 'acme/app', dockerfile: 'Dockerfile' },
  };
}

describe('source.repo', () => {
  it('is owner/name on GitHub, and may have subgroups on GitLab', () => {
    const github = MANAGED.replace('repo: acme/app', 'repo: acme/group/app');
    expect(problemsFor(ManagedEntrySchema, github)[0]).toBe(
      'doc.yaml:5:9: source.repo must be "owner/name" (got "acme/group/app")\n  hint: write the repository as owner/name, e.g. acme/platform (not a URL)',
    );
    expect(problemsFor(ManagedEntrySchema, `${github}  provider: gitlab\n`)).toEqual([]);
  });
});

describe('source.branch', () => {
  it('is a branch git and a Kargo git subscription (Warehouse) both accept', () => {
    const withBranch = (branch: string) =>
      MANAGED.replace('  dockerfile: Dockerfile\n', `  dockerfile: Dockerfile\n  branch: ${branch}\n`);
    for (const ok of ['main', 'release/2.x', 'feature_x-1', 'v1.2_'])
      expect(problemsFor(ManagedEntrySchema, withBranch(ok)), ok).toEqual([]);
    // Valid for git, refused by Kargo v1.11.2 (subscription-schemas/git.json: branch pattern).
    for (const refused of ['release+1', 'feature@x', 'a,b', '_x']) {
      expect(problemsFor(ManagedEntrySchema, withBranch(refused))[0], refused).toMatch(
        /^doc.yaml:7:11: source.branch must be a branch name Kargo can subscribe to: .* \(got "[^"]+"\)\n {2}hint: Kargo v1.11 refuses other branch names/,
      );
    }
    expect(problemsFor(ManagedEntrySchema, withBranch('release..1'))[0]).toMatch(
      /^doc.yaml:7:11: source.branch must be a valid git branch name/,
    );
  });
});

describe('BaseEntrySchema', () => {
  it('accepts a watch entry and allows dots in names', () => {
    expect(
      BaseEntrySchema.parse({
        name: 'python-3.12-slim',
        repoURL: 'docker.io/library/python',
        allowTags: '^3\\.12-slim$',
      }),
    ).toEqual({
      name: 'python-3.12-slim',
      repoURL: 'docker.io/library/python',
      allowTags: '^3\\.12-slim$',
    });
  });

  it('rejects an unknown strategy', () => {
    expect(problemsFor(BaseEntrySchema, 'name: x\nimageSelectionStrategy: Newest\n')).toEqual([
      'doc.yaml:2:25: imageSelectionStrategy must be one of Lexical, NewestBuild, SemVer, Digest (got "Newest")',
    ]);
  });
});

describe('ImageStateSchema', () => {
  it('accepts null runtime fields and rejects a bad digest', () => {
    expect(problemsFor(ImageStateSchema, 'name: app\nlastBuilt:\ncurrentVersion: null\n')).toEqual([]);
    expect(problemsFor(ImageStateSchema, 'name: app\ncurrentDigest: sha256:abc\n')[0]).toMatch(
      /^doc.yaml:2:16: currentDigest must be a digest such as sha256:<64 lowercase hex characters> \(got "sha256:abc"\)/,
    );
  });

  it('validates the enrollment copy like an images.yaml entry', () => {
    expect(problemsFor(ImageStateSchema, 'name: app\nenrollment:\n  name: app\n')[0]).toBe(
      'doc.yaml:3:3: enrollment.registry is required\n  hint: add "registry:" under "enrollment"',
    );
  });
});

describe('base image state schemas', () => {
  it('reads the old format with its legacy fields', () => {
    expect(
      problemsFor(
        LegacyBaseImageStateSchema,
        'name: p\nfullImage: python:3\nrebuildEligibleAt: x\nmetadata: {a: 1}\nupdateHistory:\n  - {digest: "sha256:' +
          'a'.repeat(64) +
          '", timestamp: t}\n',
      ),
    ).toEqual([]);
  });

  it('keeps legacy-only fields out of the current format', () => {
    expect(problemsFor(BaseImageStateSchema, 'name: p\nimage: python:3\nrebuildEligibleAt: x\n')).toEqual([
      'doc.yaml:3:1: unknown field "rebuildEligibleAt"\n  hint: allowed fields here: allowTags, currentDigest, firstDiscovered, image, imageSelectionStrategy, lastChecked, lastUpdated, metadata, name, previousDigest, updateHistory',
    ]);
  });
});

describe('SettingsSchema', () => {
  it('fills nested defaults when a section is partly written', () => {
    const settings = SettingsSchema.parse({
      secrets: { githubToken: { name: 'gh' } },
      warehouses: { baseInterval: '12h' },
    });
    expect(settings.secrets.githubToken).toEqual({ name: 'gh', key: 'token' });
    expect(settings.warehouses).toEqual({
      managedInterval: '5m',
      baseInterval: '12h',
      managedIntervalWithWebhooks: '6h',
      discoveryLimit: 20,
    });
  });

  it('turns webhook receivers on one by one, with the Secret each reads', () => {
    const settings = SettingsSchema.parse({
      webhooks: {
        github: { enabled: true, packageEvents: false },
        quay: { enabled: true, secretName: 'quay-hook' },
      },
    });
    expect(settings.webhooks).toEqual({
      github: { enabled: true, secretName: 'image-factory-webhook-github', packageEvents: false },
      gitlab: { enabled: false, secretName: 'image-factory-webhook-gitlab' },
      dockerhub: { enabled: false, secretName: 'image-factory-webhook-dockerhub' },
      quay: { enabled: true, secretName: 'quay-hook' },
    });
    expect(SettingsSchema.safeParse({ webhooks: { bitbucket: { enabled: true } } }).success).toBe(false);
    expect(SettingsSchema.safeParse({ webhooks: { github: { secretName: 'Not_A_Name' } } }).success).toBe(
      false,
    );
    expect(SettingsSchema.safeParse({ warehouses: { managedIntervalWithWebhooks: 'soon' } }).success).toBe(
      false,
    );
  });

  it('rejects an analysis image that is not an image reference', () => {
    expect(problemsFor(SettingsSchema, 'analysis:\n  image: GHCR.io/Acme/X\n')[0]).toBe(
      'doc.yaml:2:10: analysis.image must be an image reference such as ghcr.io/acme/image-factory:1.0 (got "GHCR.io/Acme/X")\n' +
        '  hint: registry host, lowercase repository path, then an optional :tag and @digest',
    );
  });

  it('rejects out-of-range limits and bad durations', () => {
    expect(
      problemsFor(SettingsSchema, 'warehouses:\n  discoveryLimit: 500\n  managedInterval: 5 minutes\n').map(
        (l) => l.split('\n')[0],
      ),
    ).toEqual([
      'doc.yaml:2:19: warehouses.discoveryLimit must be at most 100 (got 500)',
      'doc.yaml:3:20: warehouses.managedInterval must be a duration such as 30m, 24h or 7d (got "5 minutes")',
    ]);
  });
});

describe('allowedKeys', () => {
  it('walks through wrappers, lists and nested objects', () => {
    expect(allowedKeys(ManagedEntrySchema, ['source'])).toEqual([
      'branch',
      'dockerfile',
      'provider',
      'repo',
      'workflow',
    ]);
    expect(allowedKeys(ManagedEntrySchema, ['updates', 0])).toEqual([
      'branch',
      'digestKey',
      'key',
      'path',
      'repo',
      'type',
    ]);
    expect(allowedKeys(SettingsSchema, ['secrets', 'githubToken'])).toEqual(['key', 'name']);
    expect(allowedKeys(ManagedEntrySchema, ['name'])).toEqual([]);
  });
});
