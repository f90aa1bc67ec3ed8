// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Kargo expressions are literal `${{ … }}` strings
// The dispatch step after a simulated Kargo evaluation (moved from kargo-constructs'
// validation-evaluated tests with the factory).
import { runtime, validateManifest } from '@image-factory/kargo-constructs';
import { describe, expect, it } from 'vitest';
import { dispatchStep, REBUILD_REASON } from '../src/index.js';

const { REPRESENTATIVE_WORLDS, evaluateExpression, evaluateTemplate, representativeEnvironment } = runtime;

function stage(steps: Record<string, unknown>[]): Record<string, unknown> {
  return {
    apiVersion: 'kargo.akuity.io/v1alpha1',
    kind: 'Stage',
    metadata: { name: 'rebuild-app', namespace: 'factory' },
    spec: {
      requestedFreight: [{ origin: { kind: 'Warehouse', name: 'base-debian' }, sources: { direct: true } }],
      promotionTemplate: { spec: { steps } },
    },
  };
}

describe('the dispatch step after a simulated evaluation (validateManifest)', () => {
  it('accepts the fixed body, which evaluates to the JSON text GitHub expects', () => {
    const step = dispatchStep({
      provider: 'github',
      apiUrl: 'https://api.github.com',
      repo: 'acme/state',
      workflow: 'build-app.yml',
      ref: 'main',
      inputs: { reason: REBUILD_REASON, increment: 'patch' },
      token: { name: 'github-workflow-token', key: 'token' },
    });
    const json = step.toJson();
    expect(validateManifest(stage([json as Record<string, unknown>]))).toEqual([]);
    const body = (json.config as { body: string }).body;
    expect(body.startsWith('${% quote({')).toBe(true);
    const env = representativeEnvironment(
      { kind: 'promotion', project: 'factory', stage: 'rebuild-app', origins: ['base-debian'] },
      REPRESENTATIVE_WORLDS[0] as (typeof REPRESENTATIVE_WORLDS)[number],
    );
    const evaluated = evaluateTemplate(body, (code) => evaluateExpression(code, env));
    expect(typeof evaluated).toBe('string');
    expect(JSON.parse(evaluated as string)).toEqual({
      ref: 'main',
      inputs: {
        reason:
          'base image base-debian changed (Kargo promotion rebuild-app.01j0representative0promotion.a1b2c3d)',
        increment: 'patch',
      },
    });
  });
});
