// What `image-factory simulate` loads when it runs (commands/simulate.ts imports this module lazily).
export { parseDuration } from '@image-factory/kargo-simulator';
export { loadValidState } from '../lib/state.js';
export { findBase, formatSimulate, runSimulation } from './run.js';
export { synthesizeObjects } from './synthesize.js';
