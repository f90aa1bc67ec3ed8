// What `image-factory graph` loads when it runs (commands/graph.ts imports this module lazily).
export { buildImageGraph } from '../lib/graph.js';
export { loadValidState } from '../lib/state.js';
