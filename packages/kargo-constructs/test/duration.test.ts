import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { formatDuration, KARGO_DURATION_RE } from '../src/index.js';

describe('formatDuration', () => {
  it.each([
    ['5 minutes', Duration.minutes(5), '5m0s'],
    ['7 days', Duration.days(7), '168h0m0s'],
    ['24 hours', Duration.hours(24), '24h0m0s'],
    ['90 minutes', Duration.minutes(90), '1h30m0s'],
    ['30 seconds', Duration.seconds(30), '30s'],
    ['1500 ms', Duration.millis(1500), '1.5s'],
    ['250 ms', Duration.millis(250), '0.25s'],
    ['zero', Duration.seconds(0), '0s'],
  ])('%s -> %s, in the h/m/s form Kargo accepts', (_label, duration, expected) => {
    expect(formatDuration(duration)).toBe(expected);
    expect(KARGO_DURATION_RE.test(expected)).toBe(true);
  });

  it('Kargo rejects day and millisecond units, which formatDuration never emits', () => {
    expect(KARGO_DURATION_RE.test('7d')).toBe(false);
    expect(KARGO_DURATION_RE.test('500ms')).toBe(false);
  });
});
