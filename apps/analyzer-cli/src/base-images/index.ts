// What `image-factory base-images` loads when it runs (commands/base-images.ts imports this module lazily).
export { writeBaseImagesReport } from './run.js';
