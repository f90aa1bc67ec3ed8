import { describe, expect, it } from 'vitest';
import { codes } from '../helpers.js';

describe('NoEmptyContinuation', () => {
  it('warns once per instruction, at its last line', () => {
    expect(codes('FROM alpine:3\nRUN a \\\n\n  b \\\n   \n  c\nRUN d\n')).toEqual(['6:NoEmptyContinuation']);
  });

  it('ignores comment lines inside continuations', () => {
    expect(codes('FROM alpine:3\nRUN a \\\n# note\n  b\n')).toEqual([]);
  });
});
