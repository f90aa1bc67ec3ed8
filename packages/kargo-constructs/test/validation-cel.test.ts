import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateManifest } from '../src/validation/index.js';
import { fixture } from './fixtures/validation/load.js';

const crdDir = join(import.meta.dirname, '..', 'crds', 'crds');

/** Every `x-kubernetes-validations` rule in the vendored CRDs: `<crd file> <rule>`. */
function vendoredRules(): string[] {
  const rules: string[] = [];
  for (const file of readdirSync(crdDir).sort()) {
    const crd = parse(readFileSync(join(crdDir, file), 'utf8'));
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(visit);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === 'x-kubernetes-validations')
            for (const r of value as { rule: string }[]) rules.push(`${file} ${r.rule}`);
          else visit(value);
        }
      }
    };
    visit(crd.spec.versions);
  }
  return rules;
}

type Manifest = Record<string, any>;
interface RuleCase {
  /** `<crd file> <rule>` as in vendoredRules(). */
  readonly key: string;
  readonly passing: Manifest;
  readonly failing: Manifest;
  readonly path: string;
  readonly message: string;
}

const TASK_RULE = 'has(self.uses) && !has(self.task)';
const withSteps = (kind: string, name: string, steps: unknown[]): Manifest => {
  const m = fixture(kind, name);
  m.spec.steps = steps;
  return m;
};
const stageWithSteps = (steps: unknown[]): Manifest => {
  const m = fixture('Stage', 'dev');
  m.spec.promotionTemplate.spec.steps = steps;
  delete m.spec.verification;
  return m;
};
const projectConfig = (policy: Record<string, unknown>): Manifest => {
  const m = fixture('ProjectConfig');
  m.spec.promotionPolicies = [policy];
  return m;
};
const rollback = (field: 'onPromotion' | 'onVerification', values: string[]): Manifest =>
  projectConfig({ stage: 'staging', autoRollback: { [field]: values } });
const promotion = (spec: Record<string, unknown>): Manifest => {
  const m = fixture('Promotion');
  delete m.spec.freight;
  Object.assign(m.spec, spec);
  return m;
};
const failStep = { uses: 'fail', config: { message: 'stop' } };
const taskRef = { name: 'notify' };

const CASES: readonly RuleCase[] = [
  {
    key: `kargo.akuity.io_clusterpromotiontasks.yaml ${TASK_RULE}`,
    passing: withSteps('ClusterPromotionTask', 'shared-notify', [failStep]),
    failing: withSteps('ClusterPromotionTask', 'shared-notify', [{ ...failStep, task: taskRef }]),
    path: 'spec.steps[0]',
    message: 'PromotionTask step must have uses set and must not reference another task',
  },
  {
    key: `kargo.akuity.io_promotiontasks.yaml ${TASK_RULE}`,
    passing: withSteps('PromotionTask', 'notify', [failStep]),
    failing: withSteps('PromotionTask', 'notify', [{ task: taskRef }]),
    path: 'spec.steps[0]',
    message: 'PromotionTask step must have uses set and must not reference another task',
  },
  {
    key: `kargo.akuity.io_promotions.yaml ${TASK_RULE}`,
    passing: withSteps('Promotion', 'dev.01j0000000000000000000000.abcdef0', [failStep]),
    failing: withSteps('Promotion', 'dev.01j0000000000000000000000.abcdef0', [
      { ...failStep, task: taskRef },
    ]),
    path: 'spec.steps[0]',
    message: 'Promotion step must have uses set and must not reference a task',
  },
  {
    key: 'kargo.akuity.io_promotions.yaml has(self.freight) != has(self.origin)',
    passing: promotion({ origin: { kind: 'Warehouse', name: 'guestbook' } }),
    failing: promotion({ freight: 'abc', origin: { kind: 'Warehouse', name: 'guestbook' } }),
    path: 'spec',
    message: 'exactly one of freight or origin must be set',
  },
  {
    key: 'kargo.akuity.io_projectconfigs.yaml has(self.stage) ? !has(self.stageSelector) : has(self.stageSelector)',
    passing: projectConfig({ stageSelector: { name: 'regex:^prod-' } }),
    failing: projectConfig({ autoPromotionEnabled: true }),
    path: 'spec.promotionPolicies[0]',
    message: 'PromotionPolicy must have exactly one of stage or stageSelector set',
  },
  {
    key: "kargo.akuity.io_projectconfigs.yaml self.size() == 0 || self[0] == 'Failed' || self[0] == 'Errored'",
    passing: rollback('onPromotion', ['Errored']),
    failing: rollback('onPromotion', ['Error']),
    path: 'spec.promotionPolicies[0].autoRollback.onPromotion',
    message: 'onPromotion[0] must be Failed or Errored',
  },
  {
    key: "kargo.akuity.io_projectconfigs.yaml self.size() <= 1 || self[1] == 'Failed' || self[1] == 'Errored'",
    passing: rollback('onPromotion', ['Errored', 'Failed']),
    failing: rollback('onPromotion', ['Failed', 'Aborted']),
    path: 'spec.promotionPolicies[0].autoRollback.onPromotion',
    message: 'onPromotion[1] must be Failed or Errored',
  },
  {
    key: "kargo.akuity.io_projectconfigs.yaml self.size() == 0 || self[0] == 'Failed' || self[0] == 'Error'",
    passing: rollback('onVerification', ['Error']),
    failing: rollback('onVerification', ['Errored']),
    path: 'spec.promotionPolicies[0].autoRollback.onVerification',
    message: 'onVerification[0] must be Failed or Error',
  },
  {
    key: "kargo.akuity.io_projectconfigs.yaml self.size() <= 1 || self[1] == 'Failed' || self[1] == 'Error'",
    passing: rollback('onVerification', ['Error', 'Failed']),
    failing: rollback('onVerification', ['Failed', 'Inconclusive']),
    path: 'spec.promotionPolicies[0].autoRollback.onVerification',
    message: 'onVerification[1] must be Failed or Error',
  },
  {
    key: 'kargo.akuity.io_stages.yaml (has(self.uses) ? !has(self.task) : has(self.task))',
    passing: stageWithSteps([failStep, { task: taskRef, as: 'notify' }]),
    failing: stageWithSteps([{ as: 'nothing' }]),
    path: 'spec.promotionTemplate.spec.steps[0]',
    message: 'PromotionTemplate step must have exactly one of uses or task set',
  },
  {
    key: 'kargo.akuity.io_stages.yaml !has(self.task) || !has(self.continueOnError)',
    passing: stageWithSteps([{ ...failStep, continueOnError: true }]),
    failing: stageWithSteps([{ task: taskRef, continueOnError: false }]),
    path: 'spec.promotionTemplate.spec.steps[0]',
    message: 'PromotionTemplate step referencing a task cannot set continueOnError',
  },
  {
    key: 'kargo.akuity.io_stages.yaml !has(self.task) || !has(self.retry)',
    passing: stageWithSteps([{ ...failStep, retry: { errorThreshold: 2 } }]),
    failing: stageWithSteps([{ task: taskRef, retry: { timeout: '1m' } }]),
    path: 'spec.promotionTemplate.spec.steps[0]',
    message: 'PromotionTemplate step referencing a task cannot set retry',
  },
];

describe('CEL x-kubernetes-validations rules of the vendored CRDs', () => {
  it('has a passing and a failing case for every rule (and no case for a rule that does not exist)', () => {
    const rules = vendoredRules();
    // Three CRDs share the uses/task rule of PromotionTask-like steps; the Stage has three rules.
    expect(rules).toHaveLength(12);
    expect(CASES.map((c) => c.key).sort()).toEqual([...rules].sort());
  });

  for (const c of CASES) {
    const rule = c.key.slice(c.key.indexOf(' ') + 1);
    it(`${c.key}: holds for a valid object`, () => {
      expect(validateManifest(c.passing)).toEqual([]);
    });
    it(`${c.key}: reports its message when violated`, () => {
      expect(validateManifest(c.failing)).toEqual([{ path: c.path, message: c.message, rule }]);
    });
  }

  it('binds integers as CEL int and evaluates rules on list values (self.size())', () => {
    // An empty list satisfies both onPromotion rules (self.size() == 0 and self.size() <= 1).
    expect(validateManifest(rollback('onPromotion', []))).toEqual([]);
  });

  it('evaluates rules on every array item and reports each violation at its index', () => {
    const m = stageWithSteps([failStep, { task: taskRef, retry: {}, continueOnError: true }, {}]);
    expect(validateManifest(m).map((i) => `${i.path}: ${i.message}`)).toEqual([
      'spec.promotionTemplate.spec.steps[1]: PromotionTemplate step referencing a task cannot set continueOnError',
      'spec.promotionTemplate.spec.steps[1]: PromotionTemplate step referencing a task cannot set retry',
      'spec.promotionTemplate.spec.steps[2]: PromotionTemplate step must have exactly one of uses or task set',
    ]);
  });
});
