import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_STATE_DIR, displayPath, resolveStateDir, STATE_DIR_HELP } from '../src/state-dir.js';

describe('resolveStateDir', () => {
  const cwd = resolve('/work/platform');
  it('takes the flag first, then $IMAGE_FACTORY_STATE_DIR, then ../image-factory-state', () => {
    const env = { IMAGE_FACTORY_STATE_DIR: '/srv/state' };
    expect(resolveStateDir('state', env, cwd)).toBe(join(cwd, 'state'));
    expect(resolveStateDir(undefined, env, cwd)).toBe(resolve('/srv/state'));
    expect(resolveStateDir(undefined, {}, cwd)).toBe(resolve(cwd, DEFAULT_STATE_DIR));
    // An empty variable is not set (a CI template that leaves it blank).
    expect(resolveStateDir(undefined, { IMAGE_FACTORY_STATE_DIR: '' }, cwd)).toBe(
      resolve('/work/image-factory-state'),
    );
  });

  it('has one help text naming the variable and the default', () => {
    expect(STATE_DIR_HELP).toBe(
      'the state repository checkout (default: $IMAGE_FACTORY_STATE_DIR, else ../image-factory-state)',
    );
  });
});

describe('displayPath', () => {
  const cwd = resolve('/work/platform');
  it('is relative inside the working directory, absolute outside it', () => {
    expect(displayPath(join(cwd, 'state', 'images.yaml'), cwd)).toBe(join('state', 'images.yaml'));
    expect(displayPath('state/images.yaml', cwd)).toBe(join('state', 'images.yaml'));
    expect(displayPath(cwd, cwd)).toBe('.');
    expect(displayPath(resolve('/work/image-factory-state/images.yaml'), cwd)).toBe(
      resolve('/work/image-factory-state/images.yaml'),
    );
    expect(displayPath(resolve('/work'), cwd)).toBe(resolve('/work'));
    // A name that merely starts with two dots is inside.
    expect(displayPath(join(cwd, '..state'), cwd)).toBe('..state');
  });
});
