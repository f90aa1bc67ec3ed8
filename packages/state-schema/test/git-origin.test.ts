import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GIT_CONFIG_MAX_BYTES, parseGitConfig, readGitOrigin } from '../src/git-origin.js';
import { stateDir } from './helpers.js';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
  });
}

describe('parseGitConfig', () => {
  it('reads sections, subsections, comments, quotes, escapes and continued lines as git does', () => {
    const config = parseGitConfig(
      [
        '[core]',
        '\tbare = false ; a comment',
        '[Remote "origin"]',
        '\tURL = "https://example.com/a b.git"   # trailing comment',
        '\tfetch = +refs/heads/*:refs/remotes/origin/*',
        '[remote "Upstream"] url = git@example.com:acme/x.git',
        '[remote "origin"]',
        '\turl = second \\',
        'line',
        '[branch.main]',
        '\tremote = origin',
        '\tflag',
        '[x "q\\"uote"]',
        '\tv = a\\tb\\\\c',
      ].join('\n'),
    );
    expect(config.get('remote.origin.url')).toEqual(['https://example.com/a b.git', 'second line']);
    expect(config.get('remote.Upstream.url')).toEqual(['git@example.com:acme/x.git']);
    expect(config.get('core.bare')).toEqual(['false']);
    expect(config.get('branch.main.remote')).toEqual(['origin']);
    expect(config.get('branch.main.flag')).toEqual(['true']);
    expect(config.get('x.q"uote.v')).toEqual(['a\tb\\c']);
  });
});

describe('readGitOrigin', () => {
  it('reads the origin of a clone made by git, as git config reports it', () => {
    const dir = stateDir({ 'images.yaml': '[]\n' });
    git(dir, 'init', '-q');
    git(dir, 'remote', 'add', 'origin', 'https://github.com/acme/image-factory-state.git');
    expect(git(dir, 'config', '--get', 'remote.origin.url').trim()).toBe(
      'https://github.com/acme/image-factory-state.git',
    );
    expect(readGitOrigin(dir)).toEqual({
      url: 'https://github.com/acme/image-factory-state.git',
      file: '.git/config',
      credentialsRemoved: false,
    });
  });

  it('leaves out the user name and password of an https URL, and keeps SSH users', () => {
    const dir = stateDir({});
    git(dir, 'init', '-q');
    git(dir, 'remote', 'add', 'origin', 'https://x-access-token:ghp_s3cret@github.com/acme/state.git');
    expect(readGitOrigin(dir)).toEqual({
      url: 'https://github.com/acme/state.git',
      file: '.git/config',
      credentialsRemoved: true,
    });
    expect(JSON.stringify(readGitOrigin(dir))).not.toContain('s3cret');
    git(dir, 'remote', 'set-url', 'origin', 'git@github.com:acme/state.git');
    expect(readGitOrigin(dir)?.url).toBe('git@github.com:acme/state.git');
    git(dir, 'remote', 'set-url', 'origin', 'ssh://git@github.com/acme/state.git');
    expect(readGitOrigin(dir)).toMatchObject({
      url: 'ssh://git@github.com/acme/state.git',
      credentialsRemoved: false,
    });
  });

  it('follows a .git file to the git directory of a worktree and reads the common config', () => {
    const main = stateDir({ 'images.yaml': '[]\n' });
    git(main, 'init', '-q', '-b', 'main');
    git(main, 'remote', 'add', 'origin', 'https://github.com/acme/state.git');
    git(main, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'x');
    const worktree = join(stateDir({}), 'wt');
    git(main, 'worktree', 'add', '-q', worktree);
    expect(readGitOrigin(worktree)).toMatchObject({ url: 'https://github.com/acme/state.git' });
    expect(readGitOrigin(worktree)?.file).toBe(join(main, '.git', 'config'));
  });

  it('is undefined without a .git of its own, without an origin, or when .git is a symbolic link', () => {
    const outer = stateDir({ 'state/images.yaml': '[]\n' });
    git(outer, 'init', '-q');
    git(outer, 'remote', 'add', 'origin', 'https://github.com/acme/outer.git');
    // A state directory inside another checkout does not take that checkout's origin.
    expect(readGitOrigin(join(outer, 'state'))).toBeUndefined();

    const noOrigin = stateDir({});
    git(noOrigin, 'init', '-q');
    git(noOrigin, 'remote', 'add', 'upstream', 'https://github.com/acme/up.git');
    expect(readGitOrigin(noOrigin)).toBeUndefined();

    const linked = stateDir({});
    symlinkSync(join(outer, '.git'), join(linked, '.git'));
    expect(readGitOrigin(linked)).toBeUndefined();

    expect(readGitOrigin(join(outer, 'missing'))).toBeUndefined();
  });

  it('refuses a config that is a symbolic link or larger than the cap', () => {
    const linked = stateDir({
      'elsewhere/config': '[remote "origin"]\n\turl = https://github.com/acme/x.git\n',
    });
    mkdirSync(join(linked, '.git'));
    symlinkSync(join(linked, 'elsewhere/config'), join(linked, '.git/config'));
    expect(readGitOrigin(linked)).toBeUndefined();

    const huge = stateDir({});
    mkdirSync(join(huge, '.git'));
    writeFileSync(
      join(huge, '.git/config'),
      `[remote "origin"]\n\turl = https://github.com/acme/x.git\n#${'x'.repeat(GIT_CONFIG_MAX_BYTES)}\n`,
    );
    expect(readGitOrigin(huge)).toBeUndefined();
  });
});
