/**
 * Acceptance: the synthesized examples are what Kargo v1.11 accepts.
 *
 * Offline (always, and in CI): every object validated against the vendored Kargo / Argo Rollouts
 * CRDs (schemas, CEL rules, strict unknown fields), subscriptions and step configs against Kargo's
 * JSON schemas, plus the references Kargo resolves at runtime.
 *
 * Online (only when KUBECONFIG is set and kubectl is on the PATH): `kubectl apply --dry-run=server`
 * of the example manifest against that cluster, which must have Kargo and Argo Rollouts installed.
 * Without a cluster that part is not run (the test says so in its output) and the offline part is
 * still asserted.
 */
import { execFile, execFileSync } from 'node:child_process';
import {
  accessSync,
  constants,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { validateManifests } from '@image-factory/kargo-constructs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'acceptance-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Manifest = Record<string, any>;

const examples = [
  'examples/state',
  ...readdirSync(join(root, 'examples/scenarios'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => `examples/scenarios/${d.name}`),
];

const synthesized = new Map<string, Promise<{ file: string; manifests: Manifest[] }>>();

/** Runs the built synth app on an example once (memoized) and parses its output. */
function synthesize(example: string): Promise<{ file: string; manifests: Manifest[] }> {
  let result = synthesized.get(example);
  if (result === undefined) {
    result = synthesizeNow(example);
    synthesized.set(example, result);
  }
  return result;
}

/**
 * An example without image-factory.yaml is an old tool's repository, which is a git clone whose
 * origin names the state repository: it is synthesized from such a clone (a copy; a nested .git is
 * never committed).
 */
function asClone(example: string): string {
  const dir = join(root, example);
  if (existsSync(join(dir, 'image-factory.yaml'))) return dir;
  const clone = join(work, `clone-${example.replaceAll('/', '_')}`);
  cpSync(dir, clone, { recursive: true });
  execFileSync('git', ['init', '-q'], { cwd: clone });
  execFileSync('git', ['remote', 'add', 'origin', 'https://github.com/acme/image-factory-state.git'], {
    cwd: clone,
  });
  return clone;
}

async function synthesizeNow(example: string): Promise<{ file: string; manifests: Manifest[] }> {
  const file = join(work, `${example.replaceAll('/', '_')}.k8s.yaml`);
  await run(
    process.execPath,
    [join(root, 'apps/synth/dist/main.js'), '--state-dir', asClone(example), '--out', file],
    { cwd: root },
  );
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  return { file, manifests: (Array.isArray(docs) ? docs : []).map((d) => d.toJS() as Manifest) };
}

/** kubectl on the PATH, when a cluster is configured through KUBECONFIG. */
function clusterTarget(): { kubectl: string } | { reason: string } {
  if (!process.env.KUBECONFIG) return { reason: 'KUBECONFIG is not set' };
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'kubectl');
    try {
      accessSync(candidate, constants.X_OK);
      return { kubectl: candidate };
    } catch {
      // not in this directory
    }
  }
  return { reason: 'kubectl is not on the PATH' };
}

describe.each(examples)('acceptance: %s', (example) => {
  it('synthesizes objects that pass CRD, CEL, step and subscription schema validation', async () => {
    const { manifests } = await synthesize(example);
    expect(manifests.length).toBeGreaterThan(5);
    expect(validateManifests(manifests)).toEqual([]);
    for (const m of manifests) {
      if (m.kind === 'Namespace' || m.kind === 'Project') expect(m.metadata.namespace).toBeUndefined();
      expect(m.metadata.name.length).toBeLessThanOrEqual(63);
    }
  });

  it('references only objects it defines (origins, upstream Stages, policies, templates and their args)', async () => {
    const { manifests } = await synthesize(example);
    const names = (kind: string) =>
      new Set(manifests.filter((m) => m.kind === kind).map((m) => m.metadata.name as string));
    const warehouses = names('Warehouse');
    const stages = names('Stage');
    const templates = new Map(
      manifests
        .filter((m) => m.kind === 'AnalysisTemplate')
        .map((m) => [m.metadata.name, m.spec.args.map((a: Manifest) => a.name)]),
    );
    for (const stage of manifests.filter((m) => m.kind === 'Stage')) {
      for (const r of stage.spec.requestedFreight) {
        expect(warehouses.has(r.origin.name), `${stage.metadata.name} -> ${r.origin.name}`).toBe(true);
        for (const up of r.sources.stages ?? []) expect(stages.has(up)).toBe(true);
      }
      for (const t of stage.spec.verification?.analysisTemplates ?? []) {
        const declared = templates.get(t.name);
        expect(declared, `${stage.metadata.name} uses ${t.name}`).toBeDefined();
        for (const arg of stage.spec.verification.args) expect(declared).toContain(arg.name);
      }
    }
    const config = manifests.find((m) => m.kind === 'ProjectConfig');
    for (const p of config?.spec.promotionPolicies ?? []) expect(stages.has(p.stageSelector.name)).toBe(true);
  });
});

describe('acceptance: server-side dry run', () => {
  it('is applied with kubectl --dry-run=server when a cluster is configured', async () => {
    const { file, manifests } = await synthesize('examples/state');
    expect(validateManifests(manifests)).toEqual([]);
    const target = clusterTarget();
    if ('reason' in target) {
      // No cluster here: the offline validation above is the acceptance check.
      process.stdout.write(`server-side dry run not run: ${target.reason}\n`);
      expect(target.reason).toMatch(/KUBECONFIG|kubectl/);
      return;
    }
    const { stdout } = await run(target.kubectl, ['apply', '--dry-run=server', '-f', file], {
      env: process.env,
      timeout: 120_000,
    });
    expect(stdout).toMatch(
      /warehouse\.kargo\.akuity\.io\/\S+ (created|configured|unchanged) \(server dry run\)/,
    );
  }, 180_000);
});
