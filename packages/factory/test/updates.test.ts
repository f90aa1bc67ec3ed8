// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Kargo expressions are literal `${{ }}` strings

import { runtime, validateStepConfig } from '@image-factory/kargo-constructs';
import { describe, expect, it } from 'vitest';
import { consumerUpdateSteps, planImageFactory, yamlUpdates } from '../src/index.js';
import { input, managed, settings } from './fixtures.js';

const {
  REPRESENTATIVE_DIGEST,
  REPRESENTATIVE_WORLDS,
  representativeEnvironment,
  evaluateExpression,
  evaluateJsonTemplate,
} = runtime;

const TAG = '${{ imageFrom("ghcr.io/acme/app", warehouse("image-app")).Tag }}';
const DIGEST = '${{ imageFrom("ghcr.io/acme/app", warehouse("image-app")).Digest }}';

function image(updates: NonNullable<NonNullable<Parameters<typeof managed>[1]>['updates']>) {
  return managed('app', { workflow: 'app.yml', updates });
}

/** The config after Kargo evaluated it, with the image tag of a world (`1.20` or `3.12-slim`). */
function evaluated(config: unknown, world = 0): unknown {
  const env = representativeEnvironment(
    { kind: 'promotion', project: 'factory', stage: 'update-app', origins: ['image-app'] },
    REPRESENTATIVE_WORLDS[world] as (typeof REPRESENTATIVE_WORLDS)[number],
  );
  return evaluateJsonTemplate(config, (code) => evaluateExpression(code, env));
}

describe('consumer updates are pinned by digest (a rebuild under the same tag must reach consumers)', () => {
  it('kustomize-set-image sets the digest, so the kustomization changes whenever the image does', () => {
    const app = image([
      { repo: 'acme/deploy', path: 'apps/app/kustomization.yaml', type: 'kustomize-set-image' },
    ]);
    const [, update] = consumerUpdateSteps(app, app.updates[0] as never, 'image-app', settings());
    expect(update?.config).toEqual({
      path: './consumer/apps/app',
      images: [{ image: 'ghcr.io/acme/app', digest: DIGEST }],
    });
    expect(validateStepConfig('kustomize-set-image', update?.config)).toEqual([]);
    expect(evaluated(update?.config)).toEqual({
      path: './consumer/apps/app',
      images: [{ image: 'ghcr.io/acme/app', digest: REPRESENTATIVE_DIGEST }],
    });
  });

  it('yaml-update writes <tag>@<digest> to a key ending in tag, a string in every world', () => {
    const app = image([{ repo: 'acme/deploy', path: 'values.yaml', type: 'yaml-update', key: 'image.tag' }]);
    expect(yamlUpdates(app, app.updates[0] as never, 'image-app')).toEqual([
      { key: 'image.tag', value: `${TAG}@${DIGEST}` },
    ]);
    const [, update] = consumerUpdateSteps(app, app.updates[0] as never, 'image-app', settings());
    expect(evaluated(update?.config, 0)).toMatchObject({
      updates: [{ value: `1.20@${REPRESENTATIVE_DIGEST}` }],
    });
    expect(evaluated(update?.config, 1)).toMatchObject({
      updates: [{ value: `3.12-slim@${REPRESENTATIVE_DIGEST}` }],
    });
  });

  it('yaml-update with digestKey writes the quoted tag and the digest under its own key', () => {
    const app = image([
      {
        repo: 'acme/deploy',
        path: 'values.yaml',
        type: 'yaml-update',
        key: 'image.tag',
        digestKey: 'image.digest',
      },
    ]);
    const updates = yamlUpdates(app, app.updates[0] as never, 'image-app');
    expect(updates).toEqual([
      { key: 'image.tag', value: `\${{ quote(imageFrom("ghcr.io/acme/app", warehouse("image-app")).Tag) }}` },
      { key: 'image.digest', value: DIGEST },
    ]);
    // The quoted tag stays the string "1.20" (not the number 1.2).
    expect(evaluated({ updates }, 0)).toEqual({
      updates: [
        { key: 'image.tag', value: '1.20' },
        { key: 'image.digest', value: REPRESENTATIVE_DIGEST },
      ],
    });
  });

  it('yaml-update writes the full pinned reference to any other key, and the digest to a digest key', () => {
    const app = image([
      { repo: 'acme/deploy', path: 'a.yaml', type: 'yaml-update', key: 'image' },
      { repo: 'acme/deploy', path: 'b.yaml', type: 'yaml-update', key: 'image', digestKey: 'imageDigest' },
      { repo: 'acme/deploy', path: 'c.yaml', type: 'yaml-update', key: 'image.digest' },
    ]);
    const [a, b, c] = app.updates.map((u) => yamlUpdates(app, u, 'image-app'));
    expect(a).toEqual([{ key: 'image', value: `ghcr.io/acme/app:${TAG}@${DIGEST}` }]);
    expect(b).toEqual([
      { key: 'image', value: `ghcr.io/acme/app:${TAG}` },
      { key: 'imageDigest', value: DIGEST },
    ]);
    expect(c).toEqual([{ key: 'image.digest', value: DIGEST }]);
  });

  it('names the digest in the commit message, so two builds of one tag make two commits', () => {
    const app = image([{ repo: 'acme/deploy', path: 'values.yaml', type: 'yaml-update', key: 'image.tag' }]);
    const commit = consumerUpdateSteps(app, app.updates[0] as never, 'image-app', settings())[2];
    expect(commit?.config?.message).toBe(`image-factory: update app to ${TAG}@${DIGEST} in values.yaml`);
  });

  it('refuses a digestKey it cannot honour, with the position of the entry', () => {
    const result = planImageFactory(
      input(
        [
          image([
            { repo: 'acme/deploy', path: 'k.yaml', type: 'kustomize-set-image', digestKey: 'digest' },
            {
              repo: 'acme/deploy',
              path: 'v.yaml',
              type: 'yaml-update',
              key: 'image.digest',
              digestKey: 'other',
            },
            {
              repo: 'acme/deploy',
              path: 'w.yaml',
              type: 'yaml-update',
              key: 'image.tag',
              digestKey: 'image.tag',
            },
          ]),
        ],
        [],
      ),
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.map((p) => [p.path.join('.'), p.message])).toEqual([
      ['updates.0.digestKey', expect.stringContaining('digestKey is only for yaml-update')],
      ['updates.1.digestKey', expect.stringContaining('already gets the digest')],
      ['updates.2.digestKey', expect.stringContaining('the same key as key')],
    ]);
  });
});
