import { isDns1123Subdomain } from '@image-factory/kargo-constructs';
import { describe, expect, it } from 'vitest';
import { FactoryNames, updateStageNames } from '../src/index.js';

describe('FactoryNames', () => {
  it('prefixes names by role', () => {
    expect(FactoryNames.analysisTemplate).toBe('analyze-dockerfile');
    expect(FactoryNames.base('python-3.12-slim')).toBe('base-python-3.12-slim');
    expect(FactoryNames.image('backstage')).toBe('image-backstage');
    expect(FactoryNames.analysis('backstage')).toBe('analyze-dockerfile-backstage');
    expect(FactoryNames.rebuild('backstage')).toBe('rebuild-backstage');
  });

  it('keeps names of 63-character images within 63 characters, stable and distinct', () => {
    const a = `${'a'.repeat(62)}b`;
    const b = `${'a'.repeat(62)}c`;
    for (const make of [FactoryNames.base, FactoryNames.image, FactoryNames.analysis, FactoryNames.rebuild]) {
      const na = make(a);
      const nb = make(b);
      expect(na.length).toBeLessThanOrEqual(63);
      expect(isDns1123Subdomain(na)).toBe(true);
      expect(na).not.toBe(nb);
      expect(make(a)).toBe(na);
    }
    expect(FactoryNames.analysis(a)).toMatch(/^analyze-dockerfile-a+-[0-9a-f]{8}$/);
  });
});

describe('updateStageNames', () => {
  it('names a Stage after the image, the repository and the path', () => {
    expect(
      updateStageNames('backstage', [
        { repo: 'acme/deploy', path: 'apps/backstage/kustomization.yaml', branch: 'main' },
        { repo: 'acme/deploy', path: 'apps/backstage/values.yaml', branch: 'main' },
      ]),
    ).toEqual([
      'update-backstage-deploy-apps-backstage-kustomization',
      'update-backstage-deploy-apps-backstage-values',
    ]);
  });

  it('does not rename a Stage when the list is reordered', () => {
    const u1 = { repo: 'acme/one', path: 'a.yaml', branch: 'main' };
    const u2 = { repo: 'acme/two', path: 'b.yaml', branch: 'main' };
    const [n1, n2] = updateStageNames('x', [u1, u2]);
    expect(updateStageNames('x', [u2, u1])).toEqual([n2, n1]);
  });

  it('adds a hash when two entries would share a name', () => {
    const names = updateStageNames('app', [
      { repo: 'acme/deploy', path: 'values.yaml', branch: 'main' },
      { repo: 'acme/deploy', path: 'values.yml', branch: 'main' },
      { repo: 'acme/deploy', path: 'values.yaml', branch: 'staging' },
    ]);
    expect(new Set(names).size).toBe(3);
    for (const name of names) expect(name).toMatch(/^update-app-deploy-values-[0-9a-f]{8}$/);
  });

  it('stays within 63 characters for long paths', () => {
    const [name] = updateStageNames('a-long-image-name', [
      {
        repo: 'acme/deployments',
        path: 'clusters/production/eu-west-1/apps/a-long-image-name/values.yaml',
        branch: 'main',
      },
    ]);
    expect(name?.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^update-a-long-image-name-deployments-clusters-.*-[0-9a-f]{8}$/);
  });
});
