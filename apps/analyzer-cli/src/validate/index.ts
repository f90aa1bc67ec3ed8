// What `image-factory validate` loads when it runs (commands/validate.ts imports this module lazily).
export { loadState } from '@image-factory/state-schema';
export { missingStateDir } from '../lib/state.js';
export { renderProblems, renderValidateJson, stateRepoNotice } from './report.js';
export { checkState } from './synthesis-check.js';
