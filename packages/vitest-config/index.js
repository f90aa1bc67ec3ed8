// Shared vitest project settings. When IMAGE_FACTORY_TEST_RESULTS names a directory (set by
// .ci/run), each package also writes vitest's JSON report there so that CI can print one
// `N passed, N failed` line for the whole monorepo.
import { basename, join } from 'node:path';
import { defineProject } from 'vitest/config';

/**
 * @param {string} dir the package directory (use `import.meta.dirname`)
 * @param {import('vitest/config').UserProjectConfigExport extends infer T ? any : never} [overrides]
 */
export function packageConfig(dir, overrides = {}) {
  const resultsDir = process.env.IMAGE_FACTORY_TEST_RESULTS;
  const reporters = resultsDir
    ? [
        'default',
        ['json', { outputFile: join(resultsDir, `${basename(dirname2(dir))}-${basename(dir)}.json`) }],
      ]
    : ['default'];
  const { test = {}, ...rest } = overrides;
  return defineProject({
    ...rest,
    test: {
      include: ['test/**/*.test.ts'],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      reporters,
      ...test,
    },
  });
}

function dirname2(dir) {
  return join(dir, '..');
}
