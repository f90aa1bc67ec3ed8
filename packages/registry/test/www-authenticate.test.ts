import { describe, expect, it } from 'vitest';
import { parseWwwAuthenticate } from '../src/index.js';

describe('parseWwwAuthenticate', () => {
  it.each([
    [
      "Docker Hub's challenge",
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/python:pull"',
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.docker.io/token',
            service: 'registry.docker.io',
            scope: 'repository:library/python:pull',
          },
        },
      ],
    ],
    [
      'commas inside quoted values (several actions, a realm with a query)',
      'Bearer realm="https://r.example/token?a=1,2",scope="repository:a/b:pull,push",service="s"',
      [
        {
          scheme: 'bearer',
          params: { realm: 'https://r.example/token?a=1,2', scope: 'repository:a/b:pull,push', service: 's' },
        },
      ],
    ],
    [
      'backslash escapes inside quotes',
      'Bearer realm="https://r.example/t",service="say \\"hi\\" \\\\ bye"',
      [{ scheme: 'bearer', params: { realm: 'https://r.example/t', service: 'say "hi" \\ bye' } }],
    ],
    [
      'case-insensitive scheme and parameter names, spaces around = and commas, unquoted values',
      'BEARER  Realm = "https://r.example/t" ,  Service=registry.example ,error=insufficient_scope',
      [
        {
          scheme: 'bearer',
          params: { realm: 'https://r.example/t', service: 'registry.example', error: 'insufficient_scope' },
        },
      ],
    ],
    [
      'two challenges folded into one header (as Headers.get joins them)',
      'Basic realm="basic, with comma", Bearer realm="https://r.example/t",service="s"',
      [
        { scheme: 'basic', params: { realm: 'basic, with comma' } },
        { scheme: 'bearer', params: { realm: 'https://r.example/t', service: 's' } },
      ],
    ],
    [
      'a token68 challenge before a parameter challenge',
      'Negotiate abc+/def==, Basic realm="r"',
      [
        { scheme: 'negotiate', params: {} },
        { scheme: 'basic', params: { realm: 'r' } },
      ],
    ],
    ['a scheme without parameters', 'Basic', [{ scheme: 'basic', params: {} }]],
    ['an empty header', '', []],
    [
      'an unterminated quote ends at the end of the header',
      'Bearer realm="https://r.example/t,service=x',
      [{ scheme: 'bearer', params: { realm: 'https://r.example/t,service=x' } }],
    ],
    [
      'a repeated parameter keeps the first value',
      'Bearer realm="https://first.example",realm="https://second.example"',
      [{ scheme: 'bearer', params: { realm: 'https://first.example' } }],
    ],
    [
      'parameters before any scheme are ignored; damage stops the parse',
      'realm="x", Basic realm="r", @@@ Bearer realm="y"',
      [{ scheme: 'basic', params: { realm: 'r' } }],
    ],
  ])('%s', (_name, header, expected) => {
    const parsed = parseWwwAuthenticate(header).map(({ scheme, params }) => ({
      scheme,
      params: { ...params },
    }));
    expect(parsed).toEqual(expected);
  });

  it('does not let a parameter named like an Object property reach the prototype', () => {
    const [challenge] = parseWwwAuthenticate('Bearer __proto__="x",constructor="y"');
    expect(Object.entries(challenge?.params ?? {})).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ]);
    expect(Object.getPrototypeOf(challenge?.params)).toBeNull();
  });

  it('stays linear on a long hostile header', () => {
    const header = `Bearer ${'a="b",'.repeat(50_000)}realm="${'\\"'.repeat(50_000)}`;
    const [challenge] = parseWwwAuthenticate(header);
    expect(challenge?.params.a).toBe('b');
    expect(challenge?.params.realm).toHaveLength(50_000);
  });
});
