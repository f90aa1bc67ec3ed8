// What `image-factory generate-state` loads when it runs (commands/generate-state.ts imports this module lazily).
export { clockFromEnv } from '../lib/clock-env.js';
export { generateState } from '../lib/generate-state.js';
export { terminalProgress } from '../lib/progress.js';
export { generateStateDryRun } from './dry-run.js';
