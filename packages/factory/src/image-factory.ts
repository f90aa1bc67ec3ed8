import type { AnalysisTemplate } from '@image-factory/kargo-constructs';
import {
  ctx,
  formatDuration,
  imageFrom,
  Project,
  ProjectConfig,
  PromotionPolicy,
  quote,
  Stage,
  Step,
  Subscription,
  Warehouse,
} from '@image-factory/kargo-constructs';
import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { createAnalysisTemplate } from './analysis-job.js';
import { dispatchStep } from './dispatch.js';
import { ImageFactoryStateError } from './errors.js';
import { type FactoryInput, type FactoryPlan, planImageFactory, type StagePlan } from './plan/plan.js';
import { UNPINNED_ANNOTATION } from './plan/rebuild-stages.js';
import { consumerUpdateSteps } from './updates.js';
import { planWebhooks, type WebhookPlan, webhookReceiverConfigs } from './webhooks.js';

/** Argo CD annotation ordering the sync of the generated objects. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/**
 * Argo CD sync waves of the generated objects: the Namespace, then the Project (Kargo only admits
 * namespaced objects into a Project namespace), then the project-level objects, the Warehouses and
 * finally the Stages that request Freight from them.
 */
export const SYNC_WAVES = {
  Namespace: '-2',
  Project: '-1',
  ProjectConfig: '0',
  ServiceAccount: '0',
  AnalysisTemplate: '0',
  Warehouse: '1',
  Stage: '2',
} as const;

/** Label set on every generated object (besides `kargo.labels` from the settings). */
export const MANAGED_BY_LABEL = { 'app.kubernetes.io/managed-by': 'image-factory' } as const;

/** Props of an {@link ImageFactory}. */
export interface ImageFactoryProps {
  /**
   * The loaded state repository (`loadState()` of `@image-factory/state-schema`): settings,
   * managed images and base images. Every value that used to be hard-coded comes from
   * `state.settings`.
   */
  readonly state: FactoryInput;
}

/**
 * Everything Kargo v1.11 needs to keep a fleet of images rebuilt and rolled out, from an Image
 * Factory state repository.
 *
 * For the settings' project it emits the Namespace, Project, ProjectConfig and a ServiceAccount,
 * the `analyze-dockerfile` AnalysisTemplate (running `image-factory analyze`), and:
 *
 * - per base or external image and soak time, a Warehouse `base-<name>[-soak-<delay>]` following the
 *   tag the Dockerfiles use (`Digest` strategy) or the enrolled selection (`allowTagsRegexes`);
 * - per managed image, a Warehouse `image-<name>` (its built image + the git repository holding its
 *   Dockerfile, limited to the Dockerfile's directory and `local.dir`), a Stage
 *   `analyze-dockerfile-<name>` verified by the analysis job, a Stage `rebuild-<name>` dispatching
 *   its build, and a Stage per `updates[]` consumer fed only by analysed versions.
 *
 * **Sampling: a base that changes often still rebuilds its dependents.** A base Warehouse feeding
 * rebuilds that soak `rebuildDelay` discovers at most once per `max(baseInterval, rebuildDelay + 1h)`
 * (`managedInterval` for a managed image used as a base), so every Freight it makes stays in the
 * base Stage long enough to soak (Kargo counts the longest *continuous* stay); see
 * `samplingIntervalSeconds` and docs/rebuilds.md.
 *
 * **Pinned rebuilds.** The dispatch passes `pins`: compact JSON text `{"<repo:tag>":"sha256:…"}` of the
 * digests in the promoted Freight, one per base, so the build uses exactly what soaked. A team
 * workflow that does not declare the input is dispatched without it; its rebuild Stage carries the
 * annotation `image-factory.io/unpinned: "true"` and the plan warns (`unpinned-rebuild`).
 *
 * **Rebuild wiring: one change of one base ⇒ one rebuild of each dependent.** Each base has one
 * Warehouse and one *base Stage* `base-<name>[-soak-<delay>]` per soak time its dependents use
 * (auto-promoted, a no-op `set-metadata` step, so that Freight is "in" it: a control-flow Stage would
 * never let Freight soak). Each image's `rebuild-<name>` Stage requests Freight from the base
 * Warehouse of its soak time for every base it is built from, through that base Stage with
 * `requiredSoakTime = rebuildDelay`. (Per soak time: Kargo offers Freight soaked in any Stage but its
 * webhook accepts only Freight soaked in the upstream one — see `soakTimesByBase` in plan/context.ts.) Kargo
 * auto-promotes per requested origin: a new digest of one base creates one Freight of that one origin, which, once it has been
 * the current Freight of the base Stage for `rebuildDelay`, is promoted once into each dependent's
 * rebuild Stage — one dispatch per dependent, whatever the number of its bases (alternatives
 * rejected: one rebuild Stage per (image, base) pair dispatches as often but multiplies Stages;
 * `availabilityStrategy: All` needs the soaked Stages to be exactly the upstream ones, so a sibling
 * holding the Freight would block it; a Warehouse per image would poll each base once per dependent).
 * Auto-promotion of the rebuild Stage is enabled in the ProjectConfig only when `autoRebuild` is
 * true. A direct base whose change also reaches the image through an auto-rebuilt managed base is
 * not wired (see `planRebuildGraph`), so a change is not built twice; a managed image used as a
 * base gets a `base-<name>` Warehouse watching only its built image (not its source), so only a new
 * build of it, not a commit, rebuilds its dependents.
 *
 * Every object is validated at synth time by the underlying constructs (CRD schemas, CEL rules,
 * step and subscription schemas, references). Problems of the state itself are thrown at
 * construction as an {@link ImageFactoryStateError} listing each with file, line and column.
 */
export class ImageFactory extends Construct {
  /** What was generated, before it became constructs. */
  public readonly plan: FactoryPlan;
  /** The Project (with its Namespace). */
  public readonly project: Project;
  /** The ProjectConfig holding the derived auto-promotion policies. */
  public readonly projectConfig: ProjectConfig;
  /** The ServiceAccount of the analysis job. */
  public readonly serviceAccount: ApiObject;
  /** The `analyze-dockerfile` AnalysisTemplate. */
  public readonly analysisTemplate: AnalysisTemplate;
  /** The Warehouses, by name. */
  public readonly warehouses: ReadonlyMap<string, Warehouse>;
  /** The Stages, by name. */
  public readonly stages: ReadonlyMap<string, Stage>;
  /** Per Stage: whether the ProjectConfig enables its auto-promotion. */
  public readonly autoPromotion: ReadonlyMap<string, boolean>;
  /** The webhook receivers, the Warehouse intervals they change and their warnings (see `planWebhooks`). */
  public readonly webhooks: WebhookPlan;

  public constructor(scope: Construct, id: string, props: ImageFactoryProps) {
    super(scope, id);
    const result = planImageFactory(props.state);
    if (!result.ok) throw new ImageFactoryStateError(result.problems);
    const plan = result.plan;
    this.plan = plan;
    const settings = plan.settings;
    const labels = { ...MANAGED_BY_LABEL, ...settings.kargo.labels };

    this.project = new Project(this, 'Project', {
      metadata: { name: settings.kargo.project },
      namespace: { labels },
    });
    this.webhooks = planWebhooks(plan);
    this.projectConfig = new ProjectConfig(this, 'ProjectConfig', {
      project: this.project,
      webhookReceivers: webhookReceiverConfigs(this.webhooks.receivers),
    });
    this.serviceAccount = new ApiObject(this, 'ServiceAccount', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: settings.kargo.serviceAccount, namespace: settings.kargo.project },
      automountServiceAccountToken: false,
    });
    this.serviceAccount.node.addDependency(this.project);
    this.analysisTemplate = createAnalysisTemplate(this, 'AnalysisTemplate', this.project, settings);

    const warehouses = new Map<string, Warehouse>();
    const warehouseScope = new Construct(this, 'Warehouses');
    for (const w of plan.warehouses) {
      warehouses.set(
        w.name,
        new Warehouse(warehouseScope, w.name, {
          project: this.project,
          metadata: { name: w.name },
          interval: formatDuration(
            Duration.seconds(this.webhooks.intervals.get(w.name) ?? w.intervalSeconds),
          ),
          freightCreationPolicy: 'Automatic',
          subscriptions: [Subscription.image(w.image), ...w.git.map((g) => Subscription.git(g))],
        }),
      );
    }
    this.warehouses = warehouses;

    const stages = new Map<string, Stage>();
    const autoPromotion = new Map<string, boolean>();
    const stageScope = new Construct(this, 'Stages');
    for (const s of plan.stages) {
      stages.set(s.name, this.createStage(stageScope, s));
      autoPromotion.set(s.name, s.autoPromote);
    }
    this.stages = stages;
    this.autoPromotion = autoPromotion;

    for (const [name, stage] of stages) {
      this.projectConfig.addPromotionPolicy(
        PromotionPolicy.forStage(stage, { autoPromotionEnabled: autoPromotion.get(name) === true }),
      );
    }

    for (const child of this.node.findAll()) {
      if (!ApiObject.isApiObject(child)) continue;
      for (const [key, value] of Object.entries(labels)) child.metadata.addLabel(key, value);
      const wave = SYNC_WAVES[child.kind as keyof typeof SYNC_WAVES];
      if (wave !== undefined) child.metadata.addAnnotation(SYNC_WAVE_ANNOTATION, wave);
    }
  }

  private createStage(scope: Construct, s: StagePlan): Stage {
    const common = { project: this.project, metadata: { name: s.name } };
    const warehouse = (name: string): Warehouse => {
      const found = this.warehouses.get(name);
      if (found === undefined)
        throw new Error(`ImageFactory: Stage "${s.name}" needs the missing Warehouse "${name}"`);
      return found;
    };
    switch (s.role) {
      case 'base':
        return new Stage(scope, s.name, {
          ...common,
          requestedFreight: [{ origin: warehouse(s.warehouse), sources: { direct: true } }],
          promotionTemplate: { steps: [recordImageStep(s.repoURL, s.warehouse)] },
        });
      case 'analysis':
        return new Stage(scope, s.name, {
          ...common,
          requestedFreight: [{ origin: warehouse(s.warehouse), sources: { direct: true } }],
          promotionTemplate: { steps: [recordImageStep(s.repoURL, s.warehouse)] },
          verification: { analysisTemplates: [this.analysisTemplate], args: s.args },
        });
      case 'rebuild':
        return new Stage(scope, s.name, {
          ...common,
          metadata: {
            name: s.name,
            ...(s.pinned ? {} : { annotations: { [UNPINNED_ANNOTATION]: 'true' } }),
          },
          requestedFreight: s.sources.map((source) => ({
            origin: warehouse(source.warehouse),
            sources: {
              stages: [source.stage],
              ...(s.soakSeconds > 0
                ? { requiredSoakTime: formatDuration(Duration.seconds(s.soakSeconds)) }
                : {}),
            },
          })),
          promotionTemplate: { steps: [dispatchStep(s.dispatch)] },
        });
      case 'update': {
        const image = this.plan.images.get(s.image);
        if (image === undefined) throw new Error(`ImageFactory: unknown image "${s.image}"`);
        return new Stage(scope, s.name, {
          ...common,
          requestedFreight: [{ origin: warehouse(s.warehouse), sources: { stages: [s.upstream] } }],
          promotionTemplate: { steps: consumerUpdateSteps(image, s.update, s.warehouse, this.plan.settings) },
        });
      }
    }
  }
}

/**
 * The promotion step of base and analysis Stages: records the promoted image on the Stage
 * (`set-metadata`, visible in the Kargo UI). It has no other effect; it exists because a Stage
 * without steps is a control-flow Stage, in which Freight never soaks and verification never runs.
 */
function recordImageStep(repoURL: string, warehouse: string): Step {
  const image = imageFrom(repoURL, warehouse);
  return Step.setMetadata(
    {
      updates: [
        {
          kind: 'Stage',
          name: ctx.stage,
          values: { tag: quote(image.expr.get('Tag')), digest: image.digest },
        },
      ],
    },
    { as: 'record' },
  );
}
