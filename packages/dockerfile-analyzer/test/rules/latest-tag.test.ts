import { describe, expect, it } from 'vitest';
import { analyze, D1 } from '../helpers.js';

const found = (text: string) => analyze(text).problems.map((p) => `${p.line}:${p.code}:${p.message}`);

describe('LatestTag', () => {
  it('warns for an explicit latest without digest', () => {
    expect(found('FROM ubuntu:latest\nCOPY --from=ubuntu:latest /a /b\n')).toEqual([
      "1:LatestTag:Image 'ubuntu:latest' uses the mutable tag 'latest'",
    ]);
  });

  it.each([
    ['latest with a digest', `FROM ubuntu:latest@${D1}\n`],
    ['a version tag', 'FROM ubuntu:24.04\n'],
    ['a tag that merely contains latest', 'FROM ubuntu:latest-2\n'],
  ])('is silent for %s', (_name, text) => {
    expect(found(text)).toEqual([]);
  });
});
