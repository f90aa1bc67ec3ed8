import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadState } from '../src/loader.js';
import { formatProblem } from '../src/problems.js';

const EXAMPLES = resolve(import.meta.dirname, '../../../examples');
const INVALID = join(EXAMPLES, 'invalid');

describe('examples/state', () => {
  it('is a valid state repository without warnings', async () => {
    const result = loadState(join(EXAMPLES, 'state'));
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    expect(result.warnings).toEqual([]);
    expect(result.state.managedImages.map((i) => i.name)).toEqual([
      'backstage',
      'platform-api',
      'reports-worker',
    ]);
    expect(result.state.baseImages.map((i) => i.name)).toEqual([
      'distroless-python3-debian12-latest',
      'golang-1.22-bookworm',
      'node-22-bookworm-slim',
      'python-3.12-slim',
      'redis-7',
    ]);
  });
});

// Every examples/invalid/<why>/ is a broken state repository; expected.txt pins every problem
// exactly as `file:line:col: message` (+ hint). Adding a directory adds a test case.
const cases = readdirSync(INVALID, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe('examples/invalid', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
  });

  it.each(cases)('%s: reports exactly the problems in expected.txt', async (name) => {
    const dir = join(INVALID, name);
    const expected = readFileSync(join(dir, 'expected.txt'), 'utf8');
    const result = loadState(dir);
    expect(result.ok).toBe(false);
    const problems = result.ok ? result.warnings : result.problems;
    expect(problems.map((p) => `${formatProblem(p)}\n`).join('')).toBe(expected);
    // Every case has at least one error that names a file and, unless it concerns a whole file, a line.
    expect(problems.some((p) => p.severity === 'error')).toBe(true);
  });
});
