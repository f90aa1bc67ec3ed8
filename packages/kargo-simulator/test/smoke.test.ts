import { Yaml } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { DAY, parseManifests, simulate, summarize } from '../src/index.js';
import { FLEET_DIR, synthesize } from './helpers.js';

describe('smoke', () => {
  it('runs', async () => {
    const objects = await synthesize(FLEET_DIR);
    console.log(Yaml.stringify(...objects).slice(0, 200));
    const project = parseManifests(objects);
    const pushes = [];
    for (let d = 1; d < 90; d += 2)
      pushes.push({ at: d * DAY, repoURL: 'docker.io/library/python', tag: '3.12-slim' });
    const result = simulate({ project, horizon: 90 * DAY, pushes });
    console.log(result.events, result.dispatches.length, summarize(project, result));
    expect(result.events).toBeGreaterThan(0);
  });
});
