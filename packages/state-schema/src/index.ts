export {
  ANALYSIS_IMAGE_REPOSITORY,
  ANALYZER_CLI_VERSION,
  DEFAULT_ANALYSIS_IMAGE,
  FACTORY_RELEASE_TAG,
  FACTORY_REPOSITORY,
} from './analysis-image.js';
export type { BaseImageDigestChange, BaseImageDigestObservation } from './base-image-digest.js';
export { applyBaseImageDigest, recordBaseImageDigest, UPDATE_HISTORY_LIMIT } from './base-image-digest.js';
export type { PinsParseResult, VersionIncrement } from './build-workflow.js';
export {
  BUILD_WORKFLOW_INPUTS,
  buildWorkflowFileName,
  buildWorkflowInputNames,
  buildWorkflowPath,
  GENERATED_TAG_PATTERN,
  GENERATED_WORKFLOW_MARKER,
  GITLAB_PINS_VARIABLE,
  OCI_BASE_DIGEST_ANNOTATION,
  OCI_BASE_NAME_ANNOTATION,
  PINS_ANNOTATION,
  PINS_MAX_ENTRIES,
  PINS_MAX_LENGTH,
  parsePins,
  WORKFLOWS_DIR,
} from './build-workflow.js';
export { compareStrings } from './compare.js';
export { DURATION_PATTERN, parseDuration, toKargoDuration } from './duration.js';
export { EXPRESSION_DELIMITERS, expressionDelimiterIn } from './expression-text.js';
export { type GitOrigin, parseGitConfig, readGitOrigin } from './git-origin.js';
export {
  buildJsonSchemas,
  JSON_SCHEMA_BASE_URL,
  JSON_SCHEMA_FILES,
  serializeJsonSchema,
} from './json-schema.js';
export type { StateLayout } from './layout.js';
export { IMAGES_FILE, LAYOUT_DIRS, SETTINGS_FILE } from './layout.js';
export { loadState } from './loader.js';
export type {
  MigrationChange,
  MigrationMove,
  MigrationPlan,
  MigrationPlanResult,
} from './migrate-plan.js';
export { MIGRATE_MAX_FILE_BYTES, planMigration } from './migrate-plan.js';
export type {
  BaseImage,
  BaseImageState,
  BaseImageUpdateRecord,
  DiscoveryStatus,
  FactoryState,
  ImageEntry,
  ImageSelectionStrategy,
  ImageSource,
  ImageUpdate,
  LoadStateResult,
  LocalBuildInputs,
  ManagedImage,
  ManagedImageState,
  Origin,
  SecretKeyRef,
  Settings,
  SourceProvider,
  StateProblem,
  StateProblemCode,
  StateRepoUrlSource,
  UpdateType,
  WebhookReceiverSettings,
} from './model.js';
export { formatProblem, problem, sortProblems } from './problems.js';
export type { ImageReference, ReferenceParseResult } from './reference.js';
export {
  BASE_IMAGE_NAME_MAX_LENGTH,
  baseImageStateName,
  DEFAULT_REGISTRY,
  InvalidImageReferenceError,
  parseImageReference,
  referenceKey,
  tryParseImageReference,
  withDefaultTag,
} from './reference.js';
export { findCycles } from './rules.js';
export { isNoInformation } from './runtime-fields.js';
export type { Refusal, RefusalReason, SafeResult, StateRoot } from './safe-fs.js';
export {
  checkStateFile,
  listStateDir,
  MAX_STATE_FILE_BYTES,
  openStateRoot,
  readStateText,
  resolveStatePath,
} from './safe-fs.js';
export {
  AnyBaseImageStateSchema,
  BaseImageStateSchema,
  LegacyBaseImageStateSchema,
} from './schema/base-image-state.js';
export { isRelativeInsidePath, isValidBranchName } from './schema/fields.js';
export { ImageStateSchema } from './schema/image-state.js';
export { BaseEntrySchema, ImagesFileSchema, ManagedEntrySchema } from './schema/images-file.js';
export { SettingsSchema } from './schema/settings.js';
export { DEFAULT_SETTINGS, withoutDefaultWarnings } from './settings-loader.js';
export { renderSettingsReference } from './settings-reference.js';
export { renderSettingsTemplate } from './settings-template.js';
export {
  DEFAULT_STATE_DIR,
  displayPath,
  resolveStateDir,
  STATE_DIR_ENV,
  STATE_DIR_HELP,
} from './state-dir.js';
export type {
  BaseImageFileMatch,
  BaseImageInit,
  ManagedImageStateUpdate,
  WriteFileOptions,
  WriteResult,
} from './writer.js';
export {
  applyManagedImageStateUpdate,
  BASE_STATE_FIELD_ORDER,
  ensureBaseImageFile,
  findBaseImageFile,
  MANAGED_STATE_FIELD_ORDER,
  renderBaseImageState,
  updateManagedImageState,
  verifyLoadsAsMap,
  writeFileAtomic,
} from './writer.js';
export { needsQuotes, StateWriteError } from './yaml-edit.js';
export { MAX_ALIAS_NODES, MAX_FLOW_DEPTH, MAX_YAML_LINES, MAX_YAML_NODES } from './yaml-source.js';
