import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MANIFEST_ACCEPT, REGISTRY_ERROR_CODES } from '../src/index.js';

describe('README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

  it('documents every error code', () => {
    for (const code of REGISTRY_ERROR_CODES) expect(readme, code).toMatch(new RegExp(`\\| \`${code}\` +\\|`));
  });

  it('shows the Accept header the resolver sends', () => {
    expect(readme).toContain(`\`Accept: ${MANIFEST_ACCEPT}\``);
  });
});
