import { describe, expect, it } from 'vitest';
import { formatPlatform, parsePlatform, RegistryError } from '../src/index.js';

describe('parsePlatform', () => {
  it.each([
    ['linux/amd64', { os: 'linux', architecture: 'amd64' }],
    ['linux/arm64/v8', { os: 'linux', architecture: 'arm64', variant: 'v8' }],
    ['windows/amd64', { os: 'windows', architecture: 'amd64' }],
    ['linux/ppc64le', { os: 'linux', architecture: 'ppc64le' }],
  ])('%s', (text, expected) => {
    expect(parsePlatform(text)).toEqual(expected);
    expect(formatPlatform(parsePlatform(text))).toBe(text);
  });

  it.each(['linux', 'linux/', '/amd64', 'linux/arm/v7/extra', 'Linux/AMD64', 'linux/amd 64', ''])(
    'rejects %j with the expected form',
    (text) => {
      expect(() => parsePlatform(text)).toThrow(RegistryError);
      expect(() => parsePlatform(text)).toThrow(/write os\/architecture\[\/variant\] in lowercase/);
    },
  );
});
