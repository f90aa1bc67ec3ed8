// The order of analysed versions (issue 15 #8): SemVer precedence, RFC 3339 build times, and the
// decision whether a job may replace the recorded version.
import { describe, expect, it } from 'vitest';
import {
  compareSemVer,
  formatTimestamp,
  orderVersions,
  parseRfc3339,
  parseSemVer,
} from '../src/lib/version-order.js';

const semver = (text: string) => {
  const parsed = parseSemVer(text);
  if (!parsed) throw new Error(`not SemVer: ${text}`);
  return parsed;
};

describe('security', () => {
  describe('version order (#8)', () => {
    // semver.org §11's own example, in ascending order, plus numbers beyond Number's range.
    const ascending = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      'v1.0.1',
      '1.2.0',
      '1.10.0',
      '2.0.0',
      '99999999999999999999.0.0',
      '99999999999999999999.0.1',
    ];

    it('orders SemVer by precedence', () => {
      for (const [i, a] of ascending.entries()) {
        for (const [j, b] of ascending.entries()) {
          expect(Math.sign(compareSemVer(semver(a), semver(b))), `${a} vs ${b}`).toBe(Math.sign(i - j));
        }
      }
      expect(compareSemVer(semver('v1.2.3'), semver('1.2.3+build.5'))).toBe(0);
    });

    it.each(['1.2', '1.2.3.4', '01.2.3', '1.2.3-', '1.2.3-01', 'latest', 'sha-abc-12', 'V1.2.3', ''])(
      '%j is not SemVer',
      (text) => {
        expect(parseSemVer(text)).toBeUndefined();
      },
    );

    it.each([
      ['2026-01-02T03:04:05Z', '2026-01-02T03:04:05Z'],
      ['2026-01-02t03:04:05z', '2026-01-02T03:04:05Z'],
      ['2026-01-02T04:04:05+01:00', '2026-01-02T03:04:05Z'],
      ['2026-01-01T22:04:05.25-05:00', '2026-01-02T03:04:05.250Z'],
      ['2026-01-02T03:04:05.123456789Z', '2026-01-02T03:04:05.123Z'],
      ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00Z'],
      ['2016-12-31T23:59:60Z', '2016-12-31T23:59:59.999Z'],
      ['9999-12-31T23:59:59Z', '9999-12-31T23:59:59Z'],
    ])('parses %s as %s', (text, iso) => {
      const ms = parseRfc3339(text);
      expect(ms === undefined ? undefined : formatTimestamp(ms)).toBe(iso);
    });

    it.each([
      '2026-01-02',
      '2026-01-02T03:04:05',
      '2026-01-02 03:04:05Z',
      '2025-02-29T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-01-02T24:00:00Z',
      '2026-01-02T03:04:05+24:00',
      '1969-12-31T23:59:59Z',
      '+10000-01-01T00:00:00Z',
      '2026-01-02T03:04:05.Z',
    ])('refuses %j', (text) => {
      expect(parseRfc3339(text)).toBeUndefined();
    });

    const at = (text: string) => parseRfc3339(text);
    it.each([
      ['nothing recorded', { tag: '1.0.0' }, {}, true],
      ['a higher SemVer', { tag: '3.0.5' }, { currentVersion: '3.0.4' }, true],
      ['a lower SemVer', { tag: '3.0.2' }, { currentVersion: '3.0.5' }, false],
      // SemVer decides even against the build times.
      [
        'a lower SemVer built later',
        { tag: '3.0.2', builtAt: at('2027-01-01T00:00:00Z') },
        { currentVersion: '3.0.5', lastBuilt: '2026-01-01T00:00:00Z' },
        false,
      ],
      [
        'the same SemVer built earlier',
        { tag: '3.0.5', builtAt: at('2025-01-01T00:00:00Z') },
        { currentVersion: 'v3.0.5', lastBuilt: '2026-01-01T00:00:00Z' },
        false,
      ],
      [
        'the same SemVer built at the same time',
        { tag: '3.0.5', builtAt: at('2026-01-01T00:00:00Z') },
        { currentVersion: '3.0.5', lastBuilt: '2026-01-01T00:00:00Z' },
        true,
      ],
      [
        'the same SemVer, build time unknown',
        { tag: '3.0.5' },
        { currentVersion: '3.0.5', lastBuilt: '2026-01-01T00:00:00Z' },
        true,
      ],
      [
        'a tag built later',
        { tag: 'sha-b', builtAt: at('2026-01-02T00:00:00Z') },
        { currentVersion: 'sha-a', lastBuilt: '2026-01-01T00:00:00Z' },
        true,
      ],
      [
        'a tag built earlier',
        { tag: 'sha-b', builtAt: at('2025-12-31T23:59:59Z') },
        { currentVersion: 'sha-a', lastBuilt: '2026-01-01T00:00:00Z' },
        false,
      ],
      [
        'SemVer against a tag, built earlier',
        { tag: '1.0.0', builtAt: at('2025-01-01T00:00:00Z') },
        { currentVersion: 'latest', lastBuilt: '2026-01-01T00:00:00Z' },
        false,
      ],
    ] as const)('%s: record %s', (_case, job, recorded, record) => {
      const order = orderVersions(job, recorded);
      expect(order.record).toBe(record);
      expect(order.warning).toBeUndefined();
    });

    it.each([
      [
        { tag: 'sha-b' },
        { currentVersion: 'sha-a', lastBuilt: '2026-01-01T00:00:00Z' },
        '--built-at was not given',
      ],
      [
        { tag: 'sha-b', builtAt: at('2026-01-02T00:00:00Z') },
        { currentVersion: 'sha-a' },
        'the state records no valid lastBuilt',
      ],
      [
        { tag: 'sha-b', builtAt: at('2026-01-02T00:00:00Z') },
        { currentVersion: 'sha-a', lastBuilt: 'yesterday' },
        'the state records no valid lastBuilt',
      ],
    ])('records with a warning when nothing tells the order: %j over %j', (job, recorded, why) => {
      const order = orderVersions(job, recorded);
      expect(order.record).toBe(true);
      expect(order.warning).toContain(why);
    });
  });
});
