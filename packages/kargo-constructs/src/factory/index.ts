export {
  ANALYSIS_DEADLINE_SECONDS,
  ANALYSIS_POD_LABEL,
  analysisJobArgs,
  createAnalysisTemplate,
} from './analysis-job.js';
export {
  DISPATCH_ERROR_THRESHOLD,
  DISPATCH_FAILURE_EXPRESSION,
  DISPATCH_RETRY_TIMEOUT,
  DISPATCH_SUCCESS_EXPRESSION,
  type DispatchRequest,
  dispatchRequest,
  dispatchStep,
  type GitHubWorkflowDispatch,
  type GitLabPipelineTrigger,
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
  managedImageSelection,
} from './image-selection.js';
export { FactoryNames, type UpdateNameInput, updateStageNames } from './names.js';
export {
  ANALYSIS_ARGS,
  type AnalysisStagePlan,
  type BaseStagePlan,
  dockerfileLocation,
  type FactoryInput,
  type FactoryPlan,
  type FactoryPlanResult,
  planImageFactory,
  REBUILD_REASON,
  type RebuildSourcePlan,
  type RebuildStagePlan,
  type StagePlan,
  type UpdateStagePlan,
  type WarehousePlan,
} from './plan.js';
export {
  CONSUMER_CHECKOUT,
  consumerUpdateSteps,
  kustomizationDir,
  type YamlUpdateValue,
  yamlUpdateValueKind,
} from './updates.js';
