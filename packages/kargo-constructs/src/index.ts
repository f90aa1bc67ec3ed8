// Public API of @image-factory/kargo-constructs: every export by name (test/exports.test.ts lists the
// values, so that adding or removing one is a visible change). Three namespaces are deliberate, each a
// large generated or self-contained set of names that reads better qualified: `l1` (the generated L1
// classes of the vendored CRDs), `stepConfigs` (the config types generated from Kargo's step schemas)
// and `runtime` (the model of Kargo's expression evaluation, docs/evaluation.md).
// The high-level `ImageFactory` construct lives in @image-factory/factory, which uses only this API.

export type { AnalysisArgument, AnalysisMetric } from './analysis.js';
export {
  AnalysisTemplate,
  type AnalysisTemplateProps,
  type AnalysisTemplateSpecProps,
  type IAnalysisTemplate,
  type IAnalysisTemplateRef,
} from './analysis-template.js';
export { ClusterAnalysisTemplate, type ClusterAnalysisTemplateProps } from './cluster-analysis-template.js';
export { ClusterPromotionTask, type ClusterPromotionTaskProps } from './cluster-promotion-task.js';
export {
  DOCKER_HUB_ANONYMOUS_LIMIT,
  dockerHubAnonymousExcess,
  durationSeconds,
  estimateDiscoveryRequests,
  gitHostOf,
  type HostRequests,
  registryHostOf,
  type WarehouseForRequests,
} from './discovery-requests.js';
export { formatDuration, KARGO_DURATION_RE } from './duration.js';
export {
  always,
  analysisArg,
  type ChartFromRef,
  type CommitFromRef,
  chartFrom,
  commitFrom,
  configMap,
  containsExpression,
  ctx,
  Expr,
  type Expression,
  type ExpressionAccessor,
  type ExprValue,
  expr,
  type FreightOriginRef,
  failure,
  type ImageFromRef,
  imageFrom,
  outputs,
  quote,
  secret,
  sharedConfigMap,
  sharedSecret,
  stepStatus,
  success,
  taskOutputs,
  vars,
} from './expressions.js';
export * as stepConfigs from './generated/step-configs.js';
export type {
  ChartSubscription,
  GitSubscription,
  ImageSubscription,
  SubscriptionKind,
} from './generated/subscriptions.js';
export type { KargoObjectProps } from './kargo-object-props.js';
export * as l1 from './l1.js';
export {
  EnvValue,
  type JobContainer,
  type JobMetricProps,
  MetricProvider,
  type PodFailurePolicyRule,
  type ResourceQuantities,
} from './metric-provider.js';
export {
  dns1123LabelError,
  dns1123SubdomainError,
  isDns1123Label,
  isDns1123Subdomain,
  MAX_NAME_LENGTH,
  MAX_SUBDOMAIN_LENGTH,
  NAME_HASH_LENGTH,
  type NameOptions,
  nameHash,
  shortenName,
  toKubernetesName,
} from './names.js';
export {
  type IProject,
  PROJECT_NAMESPACE_LABEL,
  Project,
  type ProjectNamespaceOptions,
  type ProjectProps,
} from './project.js';
export { ProjectConfig, type ProjectConfigProps } from './project-config.js';
export {
  type LabelSelectorRequirement,
  PromotionPolicy,
  type PromotionPolicyOptions,
  STAGE_NAME_PATTERN_PREFIXES,
  type StageSelector,
} from './promotion-policy.js';
export { PromotionTask, type PromotionTaskProps, type PromotionTaskSpecProps } from './promotion-task.js';
export * as runtime from './runtime.js';
export {
  type AutoPromotionSelectionPolicy,
  type AvailabilityStrategy,
  type FreightRequest,
  type FreightSources,
  type IStage,
  type PromotionTemplate,
  Stage,
  type StageProps,
  type StageVerification,
} from './stage.js';
export {
  type DeepReadonly,
  type IPromotionTaskRef,
  Step,
  type StepConfig,
  type StepJson,
  type StepOptions,
  type StepRetry,
  type TaskStepOptions,
} from './steps/step.js';
export {
  type ChartSubscriptionProps,
  type CommitSelectionStrategy,
  type GenericSubscriptionProps,
  type GitSubscriptionProps,
  type ImageSelectionStrategy,
  type ImageSubscriptionProps,
  Subscription,
} from './subscription.js';
export {
  ARGO_ROLLOUTS_VERSION,
  applyDefaults,
  evaluatedArgsIssues,
  evaluatedStepConfigIssues,
  evaluatedStepsIssues,
  formatIssue,
  isExpression,
  KARGO_VERSION,
  KNOWN_STEP_NAMES,
  type StepsEvaluationScope,
  stepsScopeOf,
  type ValidationIssue,
  validateManifest,
  validateManifests,
  validateStepConfig,
  validateSubscription,
} from './validation/index.js';
export { type FreightCreationPolicy, type IWarehouse, Warehouse, type WarehouseProps } from './warehouse.js';
