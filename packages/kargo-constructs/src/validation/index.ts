// Public API of the validation engine. Pure functions: the only I/O is reading the vendored CRDs and JSON
// schemas (shipped in the package's `crds/` folder) the first time a kind or schema is needed; they are
// parsed/compiled once and cached for the life of the process.
export {
  evaluatedArgsIssues,
  evaluatedStepConfigIssues,
  evaluatedStepsIssues,
  type StepsEvaluationScope,
  stepsScopeOf,
} from './evaluated.js';
export { formatIssue, type ValidationIssue } from './issues.js';
export { isExpression } from './json-schema.js';
export {
  applyDefaults,
  type ValidateManifestOptions,
  validateManifest,
  validateManifests,
} from './manifest.js';
export { KNOWN_STEP_NAMES, type ValidateStepConfigOptions, validateStepConfig } from './steps.js';
export { type ValidateSubscriptionOptions, validateSubscription } from './subscriptions.js';

/** The Kargo release whose CRDs and JSON schemas this package vendors and validates against. */
export const KARGO_VERSION = 'v1.11.2';

/** The Argo Rollouts release whose AnalysisTemplate / ClusterAnalysisTemplate CRDs are vendored. */
export const ARGO_ROLLOUTS_VERSION = 'v1.9.1';
