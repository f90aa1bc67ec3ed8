import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter } from '../src/index.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT');
  it.each([
    ['120', 120_000],
    ['0', 0],
    [' 5 ', 5000],
    ['Wed, 21 Oct 2026 07:28:30 GMT', 30_000], // IMF-fixdate
    ['Wednesday, 21-Oct-26 07:29:00 GMT', 60_000], // RFC 850
    ['Wed, 21 Oct 2026 07:27:00 GMT', 0], // in the past
  ])('%s -> %s ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });

  it.each([null, undefined, '', '-1', '1.5', 'soon', '2026-10-21T07:28:30Z', '99999999999999999999'])(
    'ignores %s',
    (value) => {
      expect(parseRetryAfter(value, now)).toBeUndefined();
    },
  );
});

describe('backoffDelay', () => {
  it('doubles from baseMs up to maxMs, with half of each pause random', () => {
    const low = [1, 2, 3, 4, 5, 6, 7].map((retry) => backoffDelay(retry, () => 0));
    const high = [1, 2, 3, 4, 5, 6, 7].map((retry) => backoffDelay(retry, () => 0.999_999));
    expect(low).toEqual([125, 250, 500, 1000, 2000, 4000, 4000]);
    expect(high).toEqual([250, 500, 1000, 2000, 4000, 8000, 8000]);
  });

  it('takes its base and cap from the options', () => {
    expect(backoffDelay(3, () => 0.5, { baseMs: 100, maxMs: 300 })).toBe(225);
  });
});
