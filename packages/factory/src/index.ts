export {
  ANALYSIS_BACKOFF_LIMIT,
  ANALYSIS_DEADLINE_SECONDS,
  ANALYSIS_POD_FAILURE_POLICY,
  ANALYSIS_POD_LABEL,
  analysisJobArgs,
  analysisNodeOptions,
  CLI_USAGE_EXIT_CODE,
  createAnalysisTemplate,
  quantityBytes,
} from './analysis-job.js';
export {
  type BodyValue,
  DISPATCH_ERROR_THRESHOLD,
  DISPATCH_FAILURE_EXPRESSION,
  DISPATCH_RETRY_TIMEOUT,
  DISPATCH_SUCCESS_EXPRESSION,
  type DispatchRequest,
  dispatchRequest,
  dispatchStep,
  GITLAB_PINS_VARIABLE,
  type GitHubWorkflowDispatch,
  type GitLabPipelineTrigger,
  jsonBody,
  PINS_ANNOTATION,
  PINS_INPUT,
  type PinSource,
  pinsExpr,
  type RebuildDispatch,
} from './dispatch.js';
export { ImageFactoryStateError } from './errors.js';
export { planRebuildGraph, type RebuildGraph, type RebuildGraphImage, type ReducedEdge } from './graph.js';
export {
  ImageFactory,
  type ImageFactoryProps,
  MANAGED_BY_LABEL,
  SYNC_WAVE_ANNOTATION,
  SYNC_WAVES,
} from './image-factory.js';
export {
  baseImageSelection,
  type ImageSelection,
  isVersioned,
  literalTagOf,
  MUTABLE_TAG_PATTERNS,
  managedImageSelection,
} from './image-selection.js';
export {
  compactDuration,
  DEFAULT_SOAK_SECONDS,
  FactoryNames,
  type UpdateNameInput,
  updateStageNames,
} from './names.js';
export {
  ANALYSIS_ARGS,
  CREATED_ANNOTATION,
  dockerfileLocation,
  GIT_DISCOVERY_LIMIT,
} from './plan/analysis-stages.js';
export { SAMPLING_MARGIN_SECONDS, samplingIntervalSeconds } from './plan/base-stages.js';
export {
  type AnalysisStagePlan,
  type BaseStagePlan,
  type FactoryInput,
  type FactoryPlan,
  type FactoryPlanResult,
  planImageFactory,
  type RebuildSourcePlan,
  type RebuildStagePlan,
  type StagePlan,
  type UpdateStagePlan,
  type WarehousePlan,
} from './plan/plan.js';
export { REBUILD_REASON, UNPINNED_ANNOTATION } from './plan/rebuild-stages.js';
export { stateValueProblems } from './state-values.js';
export {
  CONSUMER_CHECKOUT,
  consumerUpdateSteps,
  kustomizationDir,
  type YamlUpdateValue,
  yamlUpdates,
  yamlUpdateValueKind,
} from './updates.js';
export {
  imageHost,
  planWebhooks,
  registryHostsOf,
  WEBHOOK_PROVIDERS,
  type WebhookPlan,
  type WebhookProvider,
  type WebhookProviderFacts,
  type WebhookReceiverPlan,
  webhookReceiverConfigs,
} from './webhooks.js';
