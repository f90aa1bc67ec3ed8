import { describe, expect, it } from 'vitest';
import { PINS_MAX_ENTRIES, PINS_MAX_LENGTH, parsePins } from '../src/build-workflow.js';

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
const python = 'docker.io/library/python:3.12-slim';

describe('parsePins (the one reading of a pins value: dispatch input, GitLab variable, image annotation)', () => {
  it('reads blank text as an unpinned build', () => {
    for (const text of ['', '  ', '\n']) expect(parsePins(text)).toEqual({ ok: true, pins: undefined });
  });

  it('reads an object of normalized references to sha256 digests, compact or not', () => {
    const pins = { [python]: digest(1), 'ghcr.io/acme/base:2': digest(2) };
    for (const text of [JSON.stringify(pins), JSON.stringify(pins, null, 2)]) {
      const result = parsePins(text);
      expect(result).toEqual({ ok: true, pins: new Map(Object.entries(pins)) });
    }
  });

  it.each([
    ['{', 'is not JSON'],
    ['[1]', 'is not a JSON object'],
    ['"x"', 'is not a JSON object'],
    ['null', 'is not a JSON object'],
    ['{}', 'is an empty object'],
    [`{"python:3.12-slim":"${digest(1)}"}`, 'key "python:3.12-slim" is not a normalized image reference'],
    [`{"docker.io/python:3.12-slim":"${digest(1)}"}`, 'is not a normalized image reference'],
    [`{"index.docker.io/library/python:3.12-slim":"${digest(1)}"}`, 'is not a normalized image reference'],
    [`{"${python}@${digest(3)}":"${digest(1)}"}`, 'is not a normalized image reference'],
    [`{"${python}":"latest"}`, `value of "${python}" is not a sha256 digest`],
    [`{"${python}":"${digest(1).toUpperCase()}"}`, 'is not a sha256 digest'],
    [`{"${python}":{"d":"${digest(1)}"}}`, 'is not a sha256 digest'],
    [`{"${python}":"${digest(1)}","${python}":"${digest(2)}"}`, 'has a key more than once'],
    [
      `{"${python}":"${digest(1)}","docker.io/library/\\u0070ython:3.12-slim":"${digest(2)}"}`,
      'has a key more than once',
    ],
    [`{"${python}":"${digest(1)}\\""}`, 'is not a sha256 digest'],
  ])('refuses %s: pins %s', (text, reason) => {
    const result = parsePins(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  it('refuses more entries or characters than a build accepts', () => {
    const many = Object.fromEntries(
      Array.from({ length: PINS_MAX_ENTRIES + 1 }, (_, i) => [`ghcr.io/acme/base-${i}:1`, digest(i)]),
    );
    expect(parsePins(JSON.stringify(many))).toEqual({
      ok: false,
      reason: `has more than ${PINS_MAX_ENTRIES} entries`,
    });
    const long = `{"${python}":"${digest(1)}"}${' '.repeat(PINS_MAX_LENGTH)}`;
    expect(parsePins(long)).toEqual({
      ok: false,
      reason: `has ${long.length} characters, more than ${PINS_MAX_LENGTH}`,
    });
  });
});
