// synthManifests runs each synth-time validation once (it is the bulk of synthesis at fleet scale).
import { join } from 'node:path';
import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { buildApp, CHART_ID } from '../src/build-app.js';
import { synthManifests } from '../src/render.js';
import { load, ROOT } from './helpers.js';

/** Adds a construct whose validation counts its runs and reports `errors`. */
function probe(scope: Construct, errors: string[] = []): { runs: number } {
  const counter = { runs: 0 };
  new Construct(scope, 'Probe').node.addValidation({
    validate: () => {
      counter.runs++;
      return errors;
    },
  });
  return counter;
}

describe('synthManifests', () => {
  it('validates the app once', () => {
    const app = buildApp(load(join(ROOT, 'examples/state')).state);
    const counter = probe(app.node.findChild(CHART_ID));
    expect(synthManifests(app).length).toBeGreaterThan(0);
    expect(counter.runs).toBe(1);
  });

  it('throws every validation message, prefixed with the construct path', () => {
    const app = buildApp(load(join(ROOT, 'examples/state')).state);
    probe(app.node.findChild(CHART_ID), ['spec: broken on purpose']);
    expect(() => synthManifests(app)).toThrow(/\[image-factory\/Probe\] spec: broken on purpose/);
  });

  it('still validates an app without charts', () => {
    const app = new App();
    const counter = probe(app, ['nothing to synthesize']);
    expect(() => synthManifests(app)).toThrow(/nothing to synthesize/);
    expect(counter.runs).toBe(1);
  });
});
