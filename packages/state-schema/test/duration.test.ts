import { describe, expect, it } from 'vitest';
import { parseDuration, toKargoDuration } from '../src/duration.js';

describe('parseDuration', () => {
  it.each([
    ['30m', 1_800],
    ['24h', 86_400],
    ['7d', 604_800],
    ['90s', 90],
    ['1h30m', 5_400],
    ['1d12h', 129_600],
    ['2d3h4m5s', 183_845],
    ['0s', 0],
  ])('reads %s as %i seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['', '7', '7days', '1m1h', '1.5h', '-1h', 'h', ' 7d', '7d ', '1w'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('toKargoDuration', () => {
  it.each([
    [604_800, '168h'],
    [86_400, '24h'],
    [1_800, '30m'],
    [5_400, '1h30m'],
    [90, '1m30s'],
    [3_601, '1h1s'],
    [0, '0s'],
  ])('renders %i seconds as %s', (seconds, text) => {
    expect(toKargoDuration(seconds)).toBe(text);
  });

  it('round-trips every state duration through h/m/s only', () => {
    for (const text of ['7d', '1d12h', '30m', '2d3h4m5s']) {
      const rendered = toKargoDuration(parseDuration(text)!);
      expect(rendered).toMatch(/^(\d+h)?(\d+m)?(\d+s)?$/);
      expect(parseDuration(rendered)).toBe(parseDuration(text));
    }
  });

  it.each([-1, 1.5, Number.NaN])('refuses %d', (seconds) => {
    expect(() => toKargoDuration(seconds)).toThrow(RangeError);
  });
});
