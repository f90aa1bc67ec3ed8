// The terminal output of `status`: colour only on a TTY and never with NO_COLOR (read by the CLI
// entry from its environment), the table and its summary line.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BufferStream } from '../../src/io.js';
import { run } from '../../src/program.js';
import { tempDir, writeFiles } from '../helpers/git-repos.js';
import { D } from './fixtures.js';

const scratch = tempDir('if-status-format');
afterAll(() => scratch.cleanup());

/** A state needing no registry: a base pinned by digest, one image up to date, one behind on it. */
function pinnedState(): string {
  const dir = join(scratch.dir, 'state');
  writeFiles(dir, {
    'images.yaml': `- name: fresh
  registry: ghcr.io
  repository: acme/fresh
  source: {repo: acme/fresh, dockerfile: Dockerfile}
- name: stale
  registry: ghcr.io
  repository: acme/stale
  source: {repo: acme/stale, dockerfile: Dockerfile}
  autoRebuild: false
`,
    'images/fresh.yaml': `name: fresh\nbaseImages: [busybox]\nbuiltOn: {busybox: "${D('c')}"}\ncurrentVersion: 1.0.0\n`,
    'images/stale.yaml': `name: stale\nbaseImages: [busybox]\nbuiltOn: {busybox: "${D('d')}"}\ncurrentVersion: 1.0.0\n`,
    'base-images/busybox.yaml': `name: busybox\nimage: docker.io/library/busybox:1.36@${D('c')}\n`,
  });
  return dir;
}

async function status(tty: boolean, env: Record<string, string> = {}, args: string[] = []) {
  const stdout = new BufferStream(tty);
  const stderr = new BufferStream(tty);
  const code = await run(['status', '--state-dir', pinnedState(), ...args], {
    stdout,
    stderr,
    env: { SOURCE_DATE_EPOCH: '1764892800', HOME: scratch.dir, ...env },
    cwd: scratch.dir,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('status text output', () => {
  it('colours the status on a TTY', async () => {
    const result = await status(true);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('\u001b[33mbehind');
    expect(result.stdout).toContain('\u001b[32mup to date');
  });

  it('no colour with NO_COLOR, nor off a TTY', async () => {
    for (const result of [await status(true, { NO_COLOR: '1' }), await status(false)]) {
      expect(result.stdout).not.toContain('\u001b[');
      expect(
        result.stdout,
      ).toBe(`IMAGE  STATUS      BEHIND ON  BEHIND SINCE  NEXT REBUILD               CASCADES TO
fresh  up to date
stale  behind      busybox    not recorded  unknown, manual promotion

BASE IMAGE  TAG  DIGEST NOW           STATE
busybox          sha256:cccccccccccc  pinned

status: 2 images: 1 up to date, 1 behind, 0 unknown; no registry requests
`);
    }
  });

  it('--html creates missing directories and leaves no temporary file next to the page', async () => {
    const result = await status(false, {}, ['--html', join('reports', 'today', 'status.html')]);
    expect(result.code).toBe(0);
    expect(readFileSync(join(scratch.dir, 'reports', 'today', 'status.html'), 'utf8')).toMatch(
      /^<!doctype html>/i,
    );
    expect(readdirSync(join(scratch.dir, 'reports', 'today'))).toEqual(['status.html']);
  });

  it('an --html file that cannot be written: exit 1 with the reason and the path as given, no temporary file left', async () => {
    writeFiles(scratch.dir, { 'not-a-dir': 'a file\n' });
    const result = await status(false, {}, ['--html', join('not-a-dir', 'status.html')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^image-factory: --html: cannot write not-a-dir\/status\.html \((ENOTDIR|EEXIST)\)\n$/,
    );
    expect(readdirSync(scratch.dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
