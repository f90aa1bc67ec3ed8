// What `image-factory analyze` loads when it runs (commands/analyze.ts imports this module lazily).

export { runAnalyzeJob } from '../lib/analyze-job.js';
export { clockFromEnv } from '../lib/clock-env.js';
