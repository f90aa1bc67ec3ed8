// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Kargo expressions are literal `${{ }}` strings
import { formatProblem } from '@image-factory/state-schema';
import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ImageFactory, ImageFactoryStateError, planImageFactory, stateValueProblems } from '../src/index.js';
import { base, input, managed, settings } from './fixtures.js';

const STEAL = "${{ secret('github-workflow-token').token }}";

describe('security: state values holding Kargo expressions are refused (second line of defence)', () => {
  it('refuses an updates[].key that would copy a Secret into a consumer commit', () => {
    const state = input(
      [
        managed('app', {
          baseImages: ['debian'],
          workflow: 'app.yml',
          updates: [{ repo: 'acme/deploy', path: 'values.yaml', type: 'yaml-update', key: STEAL }],
        }),
      ],
      [base('debian', 'debian:12-slim')],
    );
    const result = planImageFactory(state);
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      code: 'expression-in-value',
      file: 'images.yaml',
      path: ['updates', 0, 'key'],
    });
    expect(formatProblem(problems[0] as never)).toContain(
      `image "app": updates[0].key "${STEAL}" contains a Kargo expression`,
    );
    // The construct refuses to build anything from it.
    expect(() => new ImageFactory(new Chart(Testing.app(), 'c'), 'f', { state })).toThrow(
      ImageFactoryStateError,
    );
  });

  it('finds expressions in every copied field, ${% %} included, with the field path', () => {
    const state = input(
      [
        managed('app', {
          workflow: 'app.yml',
          branch: 'feat/${%x%}',
          dockerfile: 'a/${{ vars.x }}/Dockerfile',
          updates: [{ repo: 'acme/deploy', path: 'x/${{ ctx.stage }}.yaml', type: 'kustomize-set-image' }],
        }),
      ],
      [],
      settings({
        stateRepo: { url: 'https://github.com/acme/state-${{ ctx.project }}.git', branch: 'main' },
      }),
    );
    expect(stateValueProblems(state).map((p) => [p.file, p.path.join('.')])).toEqual([
      ['image-factory.yaml', 'stateRepo.url'],
      ['images.yaml', 'source.branch'],
      ['images.yaml', 'source.dockerfile'],
      ['images.yaml', 'updates.0.path'],
    ]);
  });

  it('accepts ordinary values, including braces and dollars that are no expression', () => {
    const state = input(
      [managed('app', { workflow: 'app.yml', dockerfile: 'a/{b}/$c/Dockerfile', branch: 'release/$1' })],
      [],
    );
    expect(stateValueProblems(state)).toEqual([]);
  });
});
