// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Kargo expressions are literal `${{ }}` strings

import { Expr, runtime, validateStepConfig } from '@image-factory/kargo-constructs';
import { describe, expect, it } from 'vitest';
import { dispatchRequest, dispatchStep } from '../src/index.js';

const { REPRESENTATIVE_WORLDS, representativeEnvironment, evaluateExpression, evaluateTemplate } = runtime;

const githubToken = { name: 'github-workflow-token', key: 'token' };
const env = representativeEnvironment(
  { kind: 'promotion', project: 'factory', stage: 'rebuild-app', origins: ['base-python'] },
  REPRESENTATIVE_WORLDS[0] as (typeof REPRESENTATIVE_WORLDS)[number],
);

describe('dispatchRequest', () => {
  it('dispatches a GitHub workflow with ref and inputs, token from the Secret', () => {
    const request = dispatchRequest({
      provider: 'github',
      apiUrl: 'https://github.example.com/api/v3',
      repo: 'acme/image-factory-state',
      workflow: 'build-platform-api.yml',
      ref: 'main',
      inputs: {
        reason: Expr.concat('base image ', Expr.ctx('targetFreight', 'origin', 'name'), ' changed'),
        increment: 'patch',
      },
      token: githubToken,
    });
    expect(request.method).toBe('POST');
    expect(request.url).toBe(
      'https://github.example.com/api/v3/repos/acme/image-factory-state/actions/workflows/build-platform-api.yml/dispatches',
    );
    expect(request.headers).toContainEqual({
      name: 'Authorization',
      value: 'Bearer ${{ secret("github-workflow-token").token }}',
    });
    expect(request.headers).toContainEqual({ name: 'Accept', value: 'application/vnd.github+json' });
    // One quote()d expression on an expr-lang map: Kargo evaluates it to the JSON text and keeps a string.
    expect(request.body).toBe(
      '${% quote({"ref": "main", "inputs": {"reason": ("base image " + ctx.targetFreight.origin.name + " changed"), "increment": "patch"}}) %}',
    );
    const evaluated = evaluateTemplate(request.body, (code) => evaluateExpression(code, env));
    expect(evaluated).toBe(
      '{"inputs":{"increment":"patch","reason":"base image base-python changed"},"ref":"main"}',
    );
  });

  it('refuses JSON text with a Kargo expression inside (Kargo would re-type the body into an object)', () => {
    expect(() =>
      dispatchRequest({
        provider: 'github',
        apiUrl: 'https://api.github.com',
        repo: 'acme/state',
        workflow: 'build.yml',
        ref: 'main',
        inputs: { reason: 'base image ${{ ctx.targetFreight.origin.name }} changed' },
        token: githubToken,
      }),
    ).toThrow(/contains a Kargo expression inside JSON text/);
  });

  it('sends no inputs to a team workflow', () => {
    const request = dispatchRequest({
      provider: 'github',
      apiUrl: 'https://api.github.com',
      repo: 'acme/platform',
      workflow: 'backstage.yml',
      ref: 'release/1.x',
      inputs: {},
      token: { name: 'gh', key: 'pat' },
    });
    expect(JSON.parse(request.body)).toEqual({ ref: 'release/1.x' });
    expect(request.headers).toContainEqual({
      name: 'Authorization',
      value: 'Bearer ${{ secret("gh").pat }}',
    });
  });

  it('URL-encodes the GitLab project path and authenticates with PRIVATE-TOKEN', () => {
    const request = dispatchRequest({
      provider: 'gitlab',
      apiUrl: 'https://gitlab.example.com/api/v4',
      project: 'acme/data/reports-worker',
      ref: 'release/2.x',
      variables: {},
      token: { name: 'gitlab-token', key: 'token' },
    });
    expect(request.url).toBe(
      'https://gitlab.example.com/api/v4/projects/acme%2Fdata%2Freports-worker/pipeline',
    );
    expect(request.headers).toContainEqual({
      name: 'PRIVATE-TOKEN',
      value: '${{ secret("gitlab-token").token }}',
    });
    expect(JSON.parse(request.body)).toEqual({ ref: 'release/2.x' });
  });

  it('passes GitLab variables as a key/value list', () => {
    const request = dispatchRequest({
      provider: 'gitlab',
      apiUrl: 'https://gitlab.com/api/v4',
      project: 'acme/app',
      ref: 'main',
      variables: { IMAGE: 'app' },
      token: { name: 'gitlab-token', key: 'token' },
    });
    expect(JSON.parse(request.body)).toEqual({ ref: 'main', variables: [{ key: 'IMAGE', value: 'app' }] });
    const withExpr = dispatchRequest({
      provider: 'gitlab',
      apiUrl: 'https://gitlab.com/api/v4',
      project: 'acme/app',
      ref: 'main',
      variables: { STAGE: Expr.ctx('stage') },
      token: { name: 'gitlab-token', key: 'token' },
    });
    const evaluated = evaluateTemplate(withExpr.body, (code) => evaluateExpression(code, env));
    expect(JSON.parse(evaluated as string)).toEqual({
      ref: 'main',
      variables: [{ key: 'STAGE', value: 'rebuild-app' }],
    });
  });
});

describe('dispatchStep', () => {
  it('is an http step whose config passes the Kargo schema, with success/failure criteria and retries', () => {
    const step = dispatchStep({
      provider: 'github',
      apiUrl: 'https://api.github.com',
      repo: 'acme/platform',
      workflow: 'backstage.yml',
      ref: 'main',
      inputs: {},
      token: githubToken,
    }).toJson();
    expect(step.uses).toBe('http');
    expect(step.retry).toEqual({ timeout: '1h0m0s', errorThreshold: 3 });
    expect(step.config?.successExpression).toBe('response.status >= 200 && response.status < 300');
    expect(step.config?.failureExpression).toBe(
      'response.status >= 400 && response.status < 500 && response.status != 429',
    );
    expect(validateStepConfig('http', step.config)).toEqual([]);
  });
});
