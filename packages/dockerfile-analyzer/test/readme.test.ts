import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROBLEM_CODES } from '../src/index.js';

describe('README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

  it('documents every problem code with its severity', () => {
    for (const [code, { severity }] of Object.entries(PROBLEM_CODES)) {
      expect(readme, code).toMatch(
        new RegExp(`\\| \`${code}\` *\\| ${code === 'TooManyProblems' ? 'error or warning' : severity}`),
      );
    }
  });
});
