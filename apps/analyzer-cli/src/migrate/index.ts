// What `image-factory migrate` loads when it runs (commands/migrate.ts imports this module lazily).
export { loadState, planMigration } from '@image-factory/state-schema';
export { missingStateDir } from '../lib/state.js';
export { renderProblems } from '../validate/report.js';
export { checkState } from '../validate/synthesis-check.js';
export { applyMigration } from './apply.js';
export { workTreeGit } from './git.js';
export { migratedFiles, renderMigrateJson } from './report.js';
