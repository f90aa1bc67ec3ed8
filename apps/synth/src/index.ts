export { type BuildAppOptions, buildApp, CHART_ID } from './build-app.js';
export { DIFF_LIST_LIMIT, diffManifests, formatDiff, type ManifestDiff } from './check.js';
export { DEFAULT_STATE_DIR, runSynth, type SynthEnvironment, type SynthResult, USAGE } from './cli.js';
export { KIND_ORDER, type Manifest, renderManifest, sortManifests, synthManifests } from './render.js';
export { synthSummary } from './summary.js';
