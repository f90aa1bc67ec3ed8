// What `image-factory validate` loads when it runs (commands/validate.ts imports this module lazily).
export { loadState, sortProblems, withoutDefaultWarnings } from '@image-factory/state-schema';
export { missingStateDir } from '../lib/state.js';
export { renderProblems, renderValidateJson, stateRepoNotice } from './report.js';
export { synthesisCheck } from './synthesis-check.js';
