import type { StateRepoUrlSource } from '@image-factory/state-schema';

/**
 * The line saying that `stateRepo.url` was taken from the state directory's git origin (the old
 * tool's repositories have no image-factory.yaml), or '' when it was not. `image-factory validate`
 * says exactly the same (apps/analyzer-cli/src/validate/report.ts; tests/old-tool.test.ts compares them).
 */
export function stateRepoNotice(source: StateRepoUrlSource | undefined): string {
  if (source === undefined) return '';
  const credentials = source.credentialsRemoved ? '; the user name and password in it were left out' : '';
  return `notice: stateRepo.url is not set in image-factory.yaml: using the git origin of the state directory, ${source.url} (from ${source.file}${credentials})\n`;
}
