import { packageConfig } from '@repo/vitest-config';

// The tests share no mutable state, so one module graph serves every file (much faster imports).
export default packageConfig(import.meta.dirname, { test: { isolate: false } });
