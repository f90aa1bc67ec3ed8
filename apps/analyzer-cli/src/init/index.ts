// What `image-factory init` loads when it runs (commands/init.ts imports this module lazily).
export { type InitTarget, initFiles, nextSteps } from './files.js';
export { writeNewFiles } from './write.js';
