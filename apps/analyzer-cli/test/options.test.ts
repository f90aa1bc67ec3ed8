// Numeric options are parsed by commander: a bad value is a usage error (exit 2) naming the option.
import { describe, expect, it } from 'vitest';
import { integerOption } from '../src/options.js';
import { runCli } from './helpers/cli.js';

describe('numeric options', () => {
  it.each([
    [['generate-state', '--concurrency', '0'], "option '--concurrency <n>' argument '0' is invalid"],
    [['generate-state', '--concurrency', '4x'], "option '--concurrency <n>' argument '4x' is invalid"],
    [['analyze', '--push-attempts', '21'], "option '--push-attempts <n>' argument '21' is invalid"],
  ])('%j is a usage error naming the option', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
    expect(result.stderr).toMatch(/must be a whole number from 1 to (32|20)\./);
  });

  it('integerOption accepts whole numbers in range only', () => {
    const parse = integerOption('--n', 1, 32);
    expect(parse('1')).toBe(1);
    expect(parse(' 32 ')).toBe(32);
    for (const bad of ['0', '33', '1.5', '-1', '', '1e1', '0x10']) expect(() => parse(bad), bad).toThrow();
  });
});
