// GitLab sources: the factory's generated workflow (in the state repository) builds pinned; a team's own
// pipeline that declares no IMAGE_FACTORY_PINS variable runs unpinned.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DAY, parseManifests, simulate, starved, summarize } from '../src/index.js';
import { synthesize } from './helpers.js';

const GITLAB_DIR = fileURLToPath(new URL('../../../examples/scenarios/gitlab', import.meta.url));

describe('the GitLab example', () => {
  it('pins the factory-built image to digests at least rebuildDelay old, and triggers the team pipeline unpinned', async () => {
    const project = parseManifests(await synthesize(GITLAB_DIR));
    const pushes = [];
    for (let at = DAY; at < 30 * DAY; at += DAY)
      pushes.push({ at, repoURL: 'docker.io/library/alpine', tag: '3.20' });
    const result = simulate({ project, horizon: 30 * DAY, pushes });
    const summaries = summarize(project, result);
    expect(starved(summaries)).toEqual([]);
    const exporter = result.dispatches.filter((d) => d.stage === 'rebuild-exporter');
    expect(exporter.length).toBeGreaterThan(0);
    for (const d of exporter) {
      expect(Object.keys(d.pins ?? {})).toContain('docker.io/library/alpine:3.20');
      for (const digest of Object.values(d.pins ?? {})) {
        expect(d.at - (result.pushedAt.get(digest) ?? d.at)).toBeGreaterThanOrEqual(3 * DAY);
      }
    }
    // The team's own .gitlab-ci.yml declares nothing: its pipeline runs unpinned.
    const ingest = result.dispatches.filter((d) => d.stage === 'rebuild-ingest');
    expect(ingest.length).toBeGreaterThan(0);
    for (const d of ingest) {
      expect(d.provider).toBe('gitlab');
      expect(d.pins).toBeUndefined();
    }
  });
});
