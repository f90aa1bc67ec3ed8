import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Project, ProjectConfig, PromotionPolicy, Stage, Subscription, Warehouse } from '../src/index.js';
import { expectValidManifests, findManifest, newChart, synth, synthError, synthYaml } from './helpers.js';

describe('Project', () => {
  it('defaults: a bare Project named by cdk8s, without a namespace even in a namespaced chart', async () => {
    const chart = newChart('demo');
    const project = new Project(chart, 'project');
    const manifests = synth(chart);
    expect(manifests).toHaveLength(1);
    const rendered = findManifest(manifests, 'Project');
    expect(rendered.metadata.name).toBe(project.projectName);
    expect(rendered.metadata.namespace).toBeUndefined();
    expect(rendered.spec).toBeUndefined();
    expectValidManifests(manifests);
    await expect(synthYaml(chart)).toMatchFileSnapshot('./__golden__/project.defaults.k8s.yaml');
  });

  it('all-options: explicit name, labels, and an adoptable Namespace emitted first', async () => {
    const chart = newChart('image-factory-kargo');
    new Project(chart, 'project', {
      metadata: {
        name: 'image-factory-kargo',
        labels: { team: 'platform' },
        annotations: { owner: 'platform' },
      },
      namespace: {
        labels: { 'app.kubernetes.io/part-of': 'image-factory' },
        annotations: { note: 'managed' },
      },
    });
    const manifests = synth(chart);
    expect(manifests.map((m) => m.kind)).toEqual(['Namespace', 'Project']);
    const ns = findManifest(manifests, 'Namespace');
    expect(ns.metadata.labels['kargo.akuity.io/project']).toBe('true');
    expect(ns.metadata.namespace).toBeUndefined();
    expect(findManifest(manifests, 'Project').metadata).toEqual({
      name: 'image-factory-kargo',
      labels: { team: 'platform' },
      annotations: { owner: 'platform' },
    });
    expectValidManifests(manifests);
    await expect(synthYaml(chart)).toMatchFileSnapshot('./__golden__/project.all-options.k8s.yaml');
  });

  it('objects that name the Project as their project are emitted after it and in its namespace', () => {
    const chart = new Chart(Testing.app(), 'test');
    const project = new Project(chart, 'project', { metadata: { name: 'demo' } });
    // created before the Project's dependents are declared, still ordered after it
    const config = new ProjectConfig(chart, 'config', {
      project,
      promotionPolicies: [PromotionPolicy.forStage('test')],
    });
    const warehouse = new Warehouse(chart, 'wh', {
      project,
      metadata: { name: 'app' },
      subscriptions: [Subscription.image({ repoURL: 'ghcr.io/acme/app' })],
    });
    new Stage(chart, 'test', {
      project,
      metadata: { name: 'test' },
      requestedFreight: [{ origin: warehouse, sources: { direct: true } }],
    });
    const manifests = synth(chart);
    expect(manifests[0]?.kind).toBe('Project');
    expect(manifests.filter((m) => m.kind !== 'Project').every((m) => m.metadata.namespace === 'demo')).toBe(
      true,
    );
    expect(config.projectName).toBe('demo');
    expectValidManifests(manifests);
  });

  it('rejects a name that cannot become a Namespace', () => {
    const chart = newChart(null);
    new Project(chart, 'project', { metadata: { name: 'kargo.demo' } });
    expect(synthError(chart)).toContain('[test/project] metadata.name: invalid name "kargo.demo"');
  });

  it('rejects an explicit namespace', () => {
    const chart = newChart(null);
    expect(() => new Project(chart, 'project', { metadata: { name: 'demo', namespace: 'x' } })).toThrow(
      'test/project: Project is cluster-scoped and cannot have a namespace (got "x")',
    );
  });

  it('fromProjectName references a Project defined elsewhere', () => {
    expect(Project.fromProjectName('shared').projectName).toBe('shared');
  });
});
