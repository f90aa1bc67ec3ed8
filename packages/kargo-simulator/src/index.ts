export { builtOn, latencyAllowance, type RebuildSummary, starved, summarize } from './analysis.js';
export { DAY, formatMillis, HOUR, MINUTE, parseDuration, SECOND } from './duration.js';
export { type DispatchRequest, dispatchOf, EvaluationError, SECRET_PLACEHOLDER } from './evaluate.js';
export {
  type FreightRequestModel,
  type GitSubscription,
  type ImageSubscription,
  ManifestError,
  type ProjectModel,
  parseManifests,
  type StageModel,
  type StepModel,
  type Subscription,
  type WarehouseModel,
} from './manifests.js';
export { type DiscoveredCommit, type DiscoveredImage, fakeDigest, World } from './registry.js';
export {
  type BuildRecord,
  DEFAULT_TIMING,
  type DispatchRecord,
  type EvaluatedStep,
  type FreightRecord,
  type PromotionRecord,
  type Scenario,
  type ScheduledPush,
  type SimulationResult,
  simulate,
  type TimelineEntry,
  type Timing,
} from './simulator.js';
