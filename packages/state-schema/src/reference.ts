// Docker's image-reference grammar lives in @image-factory/image-reference (no dependencies, so that
// @image-factory/kargo-constructs can use it without installing the state schema); re-exported here
// for this package's modules and its `/reference` entry.
export type { ImageReference, ReferenceParseResult } from '@image-factory/image-reference';
export {
  BASE_IMAGE_NAME_MAX_LENGTH,
  baseImageStateName,
  DEFAULT_REGISTRY,
  InvalidImageReferenceError,
  parseImageReference,
  referenceKey,
  tryParseImageReference,
  withDefaultTag,
} from '@image-factory/image-reference';
