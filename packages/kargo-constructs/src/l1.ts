// The generated L1 classes (cdk8s import of the vendored CRDs), re-exported as one namespace:
// `import { l1 } from '@image-factory/kargo-constructs'` → `l1.Stage`, `l1.AnalysisTemplate` …
export * from './imports/kargo.js';
export * from './imports/rollouts.js';
