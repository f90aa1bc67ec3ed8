import { describe, expect, it } from 'vitest';
import {
  dns1123LabelError,
  dns1123SubdomainError,
  isDns1123Label,
  isDns1123Subdomain,
  MAX_NAME_LENGTH,
  nameHash,
  shortenName,
  toKubernetesName,
} from '../src/index.js';

describe('DNS-1123 checks', () => {
  it.each([
    ['demo', true, true],
    ['a', true, true],
    ['image-factory-kargo', true, true],
    ['python-3.12-slim', false, true],
    ['Demo', false, false],
    ['-demo', false, false],
    ['demo-', false, false],
    ['de_mo', false, false],
    ['', false, false],
    ['a'.repeat(63), true, true],
    ['a'.repeat(64), false, true],
    ['a.'.repeat(126).concat('a'), false, true], // 253 characters
    ['a.'.repeat(127).concat('a'), false, false], // 255 characters
  ])('%j: label %s, subdomain %s', (name, label, subdomain) => {
    expect(isDns1123Label(name)).toBe(label);
    expect(isDns1123Subdomain(name)).toBe(subdomain);
    expect(dns1123LabelError(name) === undefined).toBe(label);
    expect(dns1123SubdomainError(name) === undefined).toBe(subdomain);
  });

  it('explains why a name is invalid', () => {
    expect(dns1123LabelError('')).toBe('must not be empty');
    expect(dns1123LabelError('a'.repeat(64))).toBe('must be at most 63 characters (it has 64)');
    expect(dns1123LabelError('My_App')).toBe(
      'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit',
    );
    expect(dns1123SubdomainError('x..y')).toMatch(/a DNS-1123 subdomain/);
  });
});

describe('shortenName', () => {
  it('returns a name that fits unchanged', () => {
    expect(shortenName('rebuild-backstage')).toBe('rebuild-backstage');
    expect(shortenName('a'.repeat(63))).toBe('a'.repeat(63));
  });

  it('cuts a long name to 63 characters with a stable 8-hex hash of the whole name', () => {
    const long = `analyze-dockerfile-${'very-long-image-name-'.repeat(4)}end`;
    const short = shortenName(long);
    expect(short).toHaveLength(MAX_NAME_LENGTH);
    expect(short).toBe(`${long.slice(0, 54)}-${nameHash(long)}`);
    expect(short).toMatch(/-[0-9a-f]{8}$/);
    expect(shortenName(long)).toBe(short);
    expect(isDns1123Label(short)).toBe(true);
  });

  it('gives names that differ only after the cut different results', () => {
    const base = 'x'.repeat(70);
    expect(shortenName(`${base}-a`)).not.toBe(shortenName(`${base}-b`));
  });

  it('removes a dash or dot left at the cut so the result stays valid', () => {
    const name = `${'a'.repeat(53)}-${'b'.repeat(20)}`;
    const short = shortenName(name);
    expect(short).toBe(`${'a'.repeat(53)}-${nameHash(name)}`);
    expect(isDns1123Label(short)).toBe(true);
  });

  it('honours maxLength and rejects one too small for the hash', () => {
    expect(shortenName('abcdefghijklmnopqrstuvwxyz', { maxLength: 20 })).toBe(
      `abcdefghijk-${nameHash('abcdefghijklmnopqrstuvwxyz')}`,
    );
    expect(() => shortenName('abc', { maxLength: 5 })).toThrow(
      'shortenName: maxLength must be an integer >= 10, got 5',
    );
  });
});

describe('toKubernetesName', () => {
  it.each([
    ['Python', 'python'],
    [['python', '3.12-slim'], 'python-3-12-slim'],
    ['ghcr.io/Acme/App:1.0', 'ghcr-io-acme-app-1-0'],
    ['  --weird__name--  ', 'weird-name'],
    [['rebuild', 'node', '22-bookworm-slim'], 'rebuild-node-22-bookworm-slim'],
  ])('%j -> %s', (input, expected) => {
    expect(toKubernetesName(input)).toBe(expected);
    expect(isDns1123Label(toKubernetesName(input))).toBe(true);
  });

  it('shortens long results with the hash of the normalized name', () => {
    const parts = ['consumer-update', 'x'.repeat(80)];
    const normalized = parts.join('-');
    expect(toKubernetesName(parts)).toBe(`${normalized.slice(0, 54)}-${nameHash(normalized)}`);
  });

  it('rejects text without letters or digits', () => {
    expect(() => toKubernetesName('--//--')).toThrow(
      'toKubernetesName: "--//--" contains no letters or digits',
    );
  });
});
