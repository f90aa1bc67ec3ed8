import { readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  applyBaseImageDigest,
  recordBaseImageDigest,
  UPDATE_HISTORY_LIMIT,
} from '../src/base-image-digest.js';
import { loadState } from '../src/loader.js';
import { stateDir } from './helpers.js';

const OLD_TOOL = join(import.meta.dirname, '../../../examples/scenarios/old-tool/state/base-images');
const d = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

const CURRENT = `# watched for the platform images
name: python-3.12-slim
image: docker.io/library/python:3.12-slim
firstDiscovered: "2024-04-15T12:31:10Z"  # by generate-state
metadata:
  notes: keep me
`;

describe('applyBaseImageDigest', () => {
  it('records a first digest without history and leaves every other byte alone', () => {
    const { text, change } = applyBaseImageDigest(CURRENT, {
      digest: d(1),
      checkedAt: '2026-01-01T00:00:00Z',
    });
    expect(change).toBe('first-seen');
    expect(text).toBe(`# watched for the platform images
name: python-3.12-slim
image: docker.io/library/python:3.12-slim
firstDiscovered: "2024-04-15T12:31:10Z"  # by generate-state
lastChecked: "2026-01-01T00:00:00Z"
currentDigest: ${d(1)}
metadata:
  notes: keep me
`);
  });

  it('writes nothing when the digest is the recorded one, not even lastChecked', () => {
    const first = applyBaseImageDigest(CURRENT, { digest: d(1), checkedAt: '2026-01-01T00:00:00Z' }).text;
    const again = applyBaseImageDigest(first, { digest: d(1), checkedAt: '2026-01-02T00:00:00Z' });
    expect(again).toEqual({ text: first, change: 'unchanged' });
  });

  it('on a change records the previous digest, lastUpdated and a history record', () => {
    const first = applyBaseImageDigest(CURRENT, { digest: d(1), checkedAt: '2026-01-01T00:00:00Z' }).text;
    const { text, change } = applyBaseImageDigest(first, {
      digest: d(2),
      checkedAt: '2026-01-03T00:00:00Z',
      tag: '3.12-slim',
    });
    expect(change).toBe('updated');
    const data = parse(text) as Record<string, unknown>;
    expect(data).toMatchObject({
      currentDigest: d(2),
      previousDigest: d(1),
      lastChecked: '2026-01-03T00:00:00Z',
      lastUpdated: '2026-01-03T00:00:00Z',
      updateHistory: [
        { digest: d(2), previousDigest: d(1), tag: '3.12-slim', detectedAt: '2026-01-03T00:00:00Z' },
      ],
    });
    expect(text.startsWith('# watched for the platform images\nname: python-3.12-slim\n')).toBe(true);
    expect(text).toContain('firstDiscovered: "2024-04-15T12:31:10Z"  # by generate-state\n');
  });

  it(`keeps the last ${UPDATE_HISTORY_LIMIT} changes, oldest first`, () => {
    let text = applyBaseImageDigest(CURRENT, { digest: d(0), checkedAt: '2026-01-01T00:00:00Z' }).text;
    for (let n = 1; n <= 12; n++) {
      text = applyBaseImageDigest(text, {
        digest: d(n),
        checkedAt: `2026-02-${String(n).padStart(2, '0')}T00:00:00Z`,
      }).text;
    }
    const history = (parse(text) as { updateHistory: Array<{ digest: string }> }).updateHistory;
    expect(history.map((record) => record.digest)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map(d));
  });

  it('refuses a value that is not a digest and a file that is not a map', () => {
    expect(() => applyBaseImageDigest(CURRENT, { digest: 'sha256:nope', checkedAt: 'x' })).toThrow(
      /as a digest/,
    );
    expect(() => applyBaseImageDigest('- a\n', { digest: d(1), checkedAt: 'x' })).toThrow(/not a YAML map/);
  });
});

describe('recordBaseImageDigest on the old tool files', () => {
  it('replaces None and updateHistory: [] and the state still loads without new problems', async () => {
    const text = readFileSync(join(OLD_TOOL, 'python-3.12-slim.yaml'), 'utf8');
    const dir = stateDir({ 'state/base-images/python-3.12-slim.yaml': text });
    const before = loadState(dir);
    const file = 'state/base-images/python-3.12-slim.yaml';
    // `currentDigest: None`: the first digest seen is recorded, no change yet.
    const first = await recordBaseImageDigest(dir, file, { digest: d(6), checkedAt: '2026-01-04T00:00:00Z' });
    expect(first).toEqual({ file, changed: true, change: 'first-seen' });
    const seen = { digest: d(7), checkedAt: '2026-01-05T00:00:00Z', tag: '3.12-slim' };
    const result = await recordBaseImageDigest(dir, file, seen);
    expect(result).toEqual({ file, changed: true, change: 'updated' });
    const written = readFileSync(join(dir, file), 'utf8');
    expect(parse(written)).toMatchObject({
      currentDigest: d(7),
      previousDigest: d(6),
      lastUpdated: '2026-01-05T00:00:00Z',
      updateHistory: [
        { digest: d(7), previousDigest: d(6), tag: '3.12-slim', detectedAt: '2026-01-05T00:00:00Z' },
      ],
    });
    // Lines the write did not concern are byte-identical.
    const untouched = text
      .split('\n')
      .filter((line) => !/^(currentDigest|previousDigest|lastChecked|lastUpdated|updateHistory):/.test(line));
    for (const line of untouched) expect(written.split('\n')).toContain(line);
    const after = loadState(dir);
    expect(after.ok).toBe(before.ok);
    const problems = (r: typeof after) => (r.ok ? r.warnings : r.problems).map((p) => p.code).sort();
    expect(problems(after)).toEqual(problems(before));
  });

  it('keeps the old flow records and appends to them', async () => {
    const text = readFileSync(join(OLD_TOOL, 'node-22-bookworm-slim.yaml'), 'utf8');
    const dir = stateDir({ 'state/base-images/node.yaml': text });
    await recordBaseImageDigest(dir, 'state/base-images/node.yaml', {
      digest: d(9),
      checkedAt: '2026-01-05T00:00:00Z',
    });
    const data = parse(readFileSync(join(dir, 'state/base-images/node.yaml'), 'utf8')) as {
      updateHistory: Array<Record<string, unknown>>;
    };
    expect(data.updateHistory).toHaveLength(2);
    expect(data.updateHistory[0]).toHaveProperty('timestamp', '2024-12-02T06:30:12.500000+00:00');
    expect(data.updateHistory[1]).toMatchObject({ digest: d(9) });
  });

  it('does not touch the file when nothing changed', async () => {
    const dir = stateDir({ 'base-images/p.yaml': `${CURRENT}currentDigest: ${d(1)}\n` });
    const path = join(dir, 'base-images/p.yaml');
    const inode = statSync(path).ino;
    const result = await recordBaseImageDigest(dir, 'base-images/p.yaml', { digest: d(1), checkedAt: 'now' });
    expect(result).toEqual({ file: 'base-images/p.yaml', changed: false, change: 'unchanged' });
    expect(statSync(path).ino).toBe(inode);
  });

  it('refuses a file that is a link out of the state directory', async () => {
    const outside = stateDir({ 'x.yaml': CURRENT });
    const dir = stateDir({ 'base-images/.keep': '' });
    symlinkSync(join(outside, 'x.yaml'), join(dir, 'base-images/p.yaml'));
    await expect(
      recordBaseImageDigest(dir, 'base-images/p.yaml', { digest: d(1), checkedAt: 'now' }),
    ).rejects.toThrow(/base-images\/p\.yaml/);
    expect(readFileSync(join(outside, 'x.yaml'), 'utf8')).toBe(CURRENT);
  });
});
