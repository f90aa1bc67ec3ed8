import { describe, expect, it } from 'vitest';
import { canonicalPlatform, parsePlatform } from '../src/index.js';

describe('parsePlatform (containerd rules)', () => {
  it.each([
    ['linux/amd64', 'linux/amd64'],
    ['linux/arm64', 'linux/arm64'],
    ['linux/arm64/v8', 'linux/arm64'],
    ['linux/aarch64', 'linux/arm64'],
    ['linux/arm', 'linux/arm/v7'],
    ['linux/arm/v6', 'linux/arm/v6'],
    ['linux/armhf', 'linux/arm/v7'],
    ['linux/armel', 'linux/arm/v6'],
    ['linux/x86_64', 'linux/amd64'],
    ['linux/i386', 'linux/386'],
    ['Linux/AMD64', 'linux/amd64'],
    ['arm64', 'linux/arm64'],
    ['windows', 'windows/amd64'],
    ['macos/arm64', 'darwin/arm64'],
    ['windows(10.0.17763)/amd64', 'windows/amd64'],
    ['linux/riscv64', 'linux/riscv64'],
  ])('%s -> %s', (specifier, expected) => {
    const result = parsePlatform(specifier);
    expect(result.ok).toBe(true);
    if (result.ok) expect(canonicalPlatform(result.platform)).toBe(expected);
  });

  it('keeps the Windows OS version', () => {
    const result = parsePlatform('windows(10.0.17763)/amd64');
    expect(result.ok && result.platform.osVersion).toBe('10.0.17763');
  });

  it.each(['', 'nonsense', 'linux/amd64/v2/x', 'linux/*', 'linux/amd 64', 'linux//amd64'])(
    'rejects %j',
    (specifier) => {
      expect(parsePlatform(specifier).ok).toBe(false);
    },
  );
});
