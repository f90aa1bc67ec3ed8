import { describe, expect, it } from 'vitest';
import { redactUrl } from '../src/index.js';

describe('redactUrl', () => {
  it.each([
    ['https://user:pass@registry.example/v2/', 'https://registry.example/v2/'],
    [
      'https://s3.example/bucket/blob?X-Amz-Signature=abc&X-Amz-Credential=def',
      'https://s3.example/bucket/blob?…',
    ],
    ['http://127.0.0.1:5000/token?service=x&scope=y#frag', 'http://127.0.0.1:5000/token?…'],
    ['https://registry.example/v2/a/manifests/1', 'https://registry.example/v2/a/manifests/1'],
    ['not a url with secret', '<invalid URL>'],
  ])('%s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});
