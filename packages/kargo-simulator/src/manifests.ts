import { parseAllDocuments } from 'yaml';
import { parseDuration } from './duration.js';

/** A manifest set the simulator cannot model (unsupported field, malformed object). */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

/** An image subscription of a Warehouse (the strategies the factory generates). */
export interface ImageSubscription {
  readonly kind: 'image';
  readonly repoURL: string;
  /** `Digest`, `NewestBuild`, `SemVer` (api/v1alpha1/warehouse_types.go ImageSelectionStrategy). */
  readonly strategy: 'Digest' | 'NewestBuild' | 'SemVer';
  readonly constraint?: string | undefined;
  readonly allowTags: readonly RegExp[];
  readonly ignoreTags: readonly RegExp[];
  readonly strictSemvers: boolean;
}

/** A git subscription (NewestFromBranch: the newest commit of the branch). */
export interface GitSubscription {
  readonly kind: 'git';
  readonly repoURL: string;
  readonly branch?: string | undefined;
}

export type Subscription = ImageSubscription | GitSubscription;

export interface WarehouseModel {
  readonly name: string;
  /** `spec.interval` in milliseconds (CRD default 5m0s). */
  readonly interval: number;
  /** `Automatic` or `None` (no Freight is created by discovery). */
  readonly freightCreationPolicy: string;
  /** `spec.freightCreationCriteria.expression`, evaluated before a Freight is created. */
  readonly criteria?: string | undefined;
  readonly subscriptions: readonly Subscription[];
}

export interface FreightRequestModel {
  /** The Warehouse the Freight originates from. */
  readonly origin: string;
  readonly direct: boolean;
  readonly stages: readonly string[];
  /** `sources.requiredSoakTime` in milliseconds. */
  readonly requiredSoakTime?: number | undefined;
  /** `sources.availabilityStrategy: All` (verified and soaked in every upstream Stage). */
  readonly all: boolean;
}

export interface StepModel {
  readonly uses: string;
  readonly as?: string | undefined;
  readonly config: unknown;
}

export interface StageModel {
  readonly name: string;
  readonly annotations: Readonly<Record<string, string>>;
  readonly requests: readonly FreightRequestModel[];
  readonly steps: readonly StepModel[];
  readonly vars: readonly { readonly name: string; readonly value?: string | undefined }[];
  readonly verification: boolean;
}

/** What Kargo receives, as far as freight flow is concerned. */
export interface ProjectModel {
  readonly namespace: string;
  readonly warehouses: ReadonlyMap<string, WarehouseModel>;
  readonly stages: ReadonlyMap<string, StageModel>;
  /** Stages with `autoPromotionEnabled` (ProjectConfig `spec.promotionPolicies`). */
  readonly autoPromotion: ReadonlySet<string>;
}

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function obj(value: unknown, where: string): Obj {
  if (!isObj(value)) throw new ManifestError(`${where}: expected an object`);
  return value;
}

function list(value: unknown, where: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ManifestError(`${where}: expected a list`);
  return value;
}

function str(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') throw new ManifestError(`${where}: expected a string`);
  return value;
}

function optStr(value: unknown, where: string): string | undefined {
  return value === undefined ? undefined : str(value, where);
}

function duration(value: unknown, where: string): number {
  const ms = parseDuration(str(value, where));
  if (ms === undefined) throw new ManifestError(`${where}: not a duration: ${String(value)}`);
  return ms;
}

function regexes(value: unknown, where: string): RegExp[] {
  return list(value, where).map((r, i) => {
    try {
      return new RegExp(str(r, `${where}[${i}]`));
    } catch {
      throw new ManifestError(`${where}[${i}]: not a regular expression`);
    }
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function imageSubscription(raw: Obj, where: string): ImageSubscription {
  const strategy = raw.imageSelectionStrategy ?? 'SemVer';
  if (strategy !== 'Digest' && strategy !== 'NewestBuild' && strategy !== 'SemVer') {
    throw new ManifestError(`${where}.imageSelectionStrategy: ${String(strategy)} is not modelled`);
  }
  // `allowTags`/`ignoreTags` are the deprecated forms of the regex lists (a regex; exact tags).
  const allowTags = regexes(raw.allowTagsRegexes, `${where}.allowTagsRegexes`);
  if (raw.allowTags !== undefined) allowTags.push(...regexes([raw.allowTags], `${where}.allowTags`));
  const ignoreTags = regexes(raw.ignoreTagsRegexes, `${where}.ignoreTagsRegexes`);
  for (const tag of list(raw.ignoreTags, `${where}.ignoreTags`)) {
    ignoreTags.push(new RegExp(`^${escapeRegExp(str(tag, `${where}.ignoreTags`))}$`));
  }
  return {
    kind: 'image',
    repoURL: str(raw.repoURL, `${where}.repoURL`),
    strategy,
    constraint: optStr(raw.constraint, `${where}.constraint`),
    allowTags,
    ignoreTags,
    strictSemvers: raw.strictSemvers !== false,
  };
}

function warehouse(raw: Obj, name: string): WarehouseModel {
  const where = `Warehouse/${name}`;
  const spec = obj(raw.spec, `${where}.spec`);
  const subscriptions = list(spec.subscriptions, `${where}.spec.subscriptions`).map((s, i) => {
    const sub = obj(s, `${where}.spec.subscriptions[${i}]`);
    if (sub.image !== undefined) {
      return imageSubscription(obj(sub.image, `${where}.image`), `${where}.spec.subscriptions[${i}].image`);
    }
    if (sub.git !== undefined) {
      const git = obj(sub.git, `${where}.spec.subscriptions[${i}].git`);
      return {
        kind: 'git',
        repoURL: str(git.repoURL, `${where}.spec.subscriptions[${i}].git.repoURL`),
        branch: optStr(git.branch, `${where}.spec.subscriptions[${i}].git.branch`),
      } satisfies GitSubscription;
    }
    throw new ManifestError(
      `${where}.spec.subscriptions[${i}]: only image and git subscriptions are modelled`,
    );
  });
  const criteria = isObj(spec.freightCreationCriteria) ? spec.freightCreationCriteria.expression : undefined;
  return {
    name,
    // CRD default of spec.interval: 5m0s (api/v1alpha1/warehouse_types.go).
    interval: spec.interval === undefined ? 300_000 : duration(spec.interval, `${where}.spec.interval`),
    freightCreationPolicy:
      typeof spec.freightCreationPolicy === 'string' ? spec.freightCreationPolicy : 'Automatic',
    criteria: optStr(criteria, `${where}.spec.freightCreationCriteria.expression`),
    subscriptions,
  };
}

function stage(raw: Obj, name: string): StageModel {
  const where = `Stage/${name}`;
  const spec = obj(raw.spec, `${where}.spec`);
  const metadata = obj(raw.metadata, `${where}.metadata`);
  const annotations: Record<string, string> = {};
  if (isObj(metadata.annotations)) {
    for (const [k, v] of Object.entries(metadata.annotations)) if (typeof v === 'string') annotations[k] = v;
  }
  const requests = list(spec.requestedFreight, `${where}.spec.requestedFreight`).map((r, i) => {
    const at = `${where}.spec.requestedFreight[${i}]`;
    const req = obj(r, at);
    const origin = obj(req.origin, `${at}.origin`);
    if (origin.kind !== 'Warehouse')
      throw new ManifestError(`${at}.origin.kind: only Warehouse origins exist`);
    const sources = obj(req.sources, `${at}.sources`);
    return {
      origin: str(origin.name, `${at}.origin.name`),
      direct: sources.direct === true,
      stages: list(sources.stages, `${at}.sources.stages`).map((s) => str(s, `${at}.sources.stages`)),
      requiredSoakTime:
        sources.requiredSoakTime === undefined
          ? undefined
          : duration(sources.requiredSoakTime, `${at}.sources.requiredSoakTime`),
      all: sources.availabilityStrategy === 'All',
    } satisfies FreightRequestModel;
  });
  if (requests.length === 0) throw new ManifestError(`${where}.spec.requestedFreight: must not be empty`);
  const template = isObj(spec.promotionTemplate)
    ? obj(spec.promotionTemplate.spec, `${where}.promotionTemplate.spec`)
    : {};
  const steps = list(template.steps, `${where}.spec.promotionTemplate.spec.steps`).map((s, i) => {
    const step = obj(s, `${where}.spec.promotionTemplate.spec.steps[${i}]`);
    if (step.task !== undefined) {
      throw new ManifestError(
        `${where}.spec.promotionTemplate.spec.steps[${i}]: PromotionTask steps are not modelled`,
      );
    }
    return {
      uses: str(step.uses, `${where}.spec.promotionTemplate.spec.steps[${i}].uses`),
      as: optStr(step.as, `${where}.spec.promotionTemplate.spec.steps[${i}].as`),
      config: step.config,
    };
  });
  const vars = [
    ...list(spec.vars, `${where}.spec.vars`),
    ...list(template.vars, `${where}.promotionTemplate.spec.vars`),
  ].map((v, i) => {
    const variable = obj(v, `${where}.vars[${i}]`);
    return {
      name: str(variable.name, `${where}.vars[${i}].name`),
      value: optStr(variable.value, `${where}.vars[${i}]`),
    };
  });
  return { name, annotations, requests, steps, vars, verification: spec.verification !== undefined };
}

/**
 * Reads the objects Kargo receives — a multi-document YAML text (as `synth` writes it) or already-parsed
 * objects — into the model the simulation runs on. Objects of other kinds are ignored.
 */
export function parseManifests(input: string | readonly unknown[]): ProjectModel {
  const objects: unknown[] = [];
  if (typeof input === 'string') {
    for (const doc of parseAllDocuments(input)) {
      if (doc.errors.length > 0) throw new ManifestError(`invalid YAML: ${doc.errors[0]?.message ?? ''}`);
      objects.push(doc.toJS({ maxAliasCount: 100 }));
    }
  } else {
    objects.push(...input);
  }
  const warehouses = new Map<string, WarehouseModel>();
  const stages = new Map<string, StageModel>();
  const autoPromotion = new Set<string>();
  let namespace: string | undefined;
  for (const [i, o] of objects.entries()) {
    if (o === null || o === undefined) continue;
    const manifest = obj(o, `document ${i + 1}`);
    const metadata = obj(manifest.metadata, `document ${i + 1}.metadata`);
    const name = str(metadata.name, `document ${i + 1}.metadata.name`);
    switch (manifest.kind) {
      case 'Project':
        namespace = name;
        break;
      case 'Warehouse':
        warehouses.set(name, warehouse(manifest, name));
        break;
      case 'Stage':
        stages.set(name, stage(manifest, name));
        break;
      case 'ProjectConfig': {
        const spec = isObj(manifest.spec) ? manifest.spec : {};
        for (const [j, p] of list(
          spec.promotionPolicies,
          `ProjectConfig/${name}.spec.promotionPolicies`,
        ).entries()) {
          const policy = obj(p, `ProjectConfig/${name}.spec.promotionPolicies[${j}]`);
          // `stage` is the deprecated form of `stageSelector.name` (api/v1alpha1/project_config_types.go).
          const selector = isObj(policy.stageSelector) ? policy.stageSelector.name : policy.stage;
          if (policy.autoPromotionEnabled === true && typeof selector === 'string')
            autoPromotion.add(selector);
        }
        break;
      }
      default:
        break;
    }
  }
  for (const s of stages.values()) {
    for (const r of s.requests) {
      if (!warehouses.has(r.origin))
        throw new ManifestError(`Stage/${s.name}: requests Freight from unknown Warehouse ${r.origin}`);
      for (const up of r.stages) {
        if (!stages.has(up)) throw new ManifestError(`Stage/${s.name}: upstream Stage ${up} does not exist`);
      }
    }
  }
  return { namespace: namespace ?? 'project', warehouses, stages, autoPromotion };
}
