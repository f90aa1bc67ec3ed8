import { describe, expect, it } from 'vitest';
import { analyze } from '../helpers.js';

describe('StageNameCasing', () => {
  it('warns for a stage name that is not lowercase; BuildKit stores it lowercased', () => {
    const result = analyze('FROM alpine:3 AS BuilderBase\nFROM builderbase\n');
    expect(result.problems.map((p) => `${p.line}:${p.code}:${p.message}`)).toEqual([
      "1:StageNameCasing:Stage name 'BuilderBase' should be lowercase",
    ]);
    expect(result.stages[0]?.name).toBe('builderbase');
    expect(result.stages[1]?.base.kind).toBe('stage');
  });

  it('is silent for lowercase names', () => {
    expect(analyze('FROM alpine:3 AS builder-base.1\n').problems).toEqual([]);
  });
});
