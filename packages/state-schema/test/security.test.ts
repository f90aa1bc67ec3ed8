// Hostile state repositories (issue "Security and robustness", items 4, 6 and 7 and the low ones
// about symbolic links, comments and line endings). A state repository is edited by many teams
// through pull requests: every file in it may be a link to /dev/zero, a FIFO, huge, not UTF-8, or
// an alias bomb. Each case gets a clear `file:line:col` problem, never a hang, a crash or a leak.

import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadState, MAX_PROBLEMS } from '../src/loader.js';
import type { LoadStateResult } from '../src/model.js';
import { formatProblem, MAX_MESSAGE_LENGTH } from '../src/problems.js';
import { parseImageReference } from '../src/reference.js';
import { MAX_STATE_FILE_BYTES, openStateRoot, readStateText } from '../src/safe-fs.js';
import {
  ensureBaseImageFile,
  updateManagedImageState,
  verifyLoadsAsMap,
  writeFileAtomic,
} from '../src/writer.js';
import { applyFieldUpdates, StateWriteError } from '../src/yaml-edit.js';
import {
  MAX_ALIAS_NODES,
  MAX_FLOW_DEPTH,
  MAX_YAML_LINES,
  MAX_YAML_NODES,
  parseYamlSource,
} from '../src/yaml-source.js';
import { managedEntry, stateDir, withoutDefaultImageReminder } from './helpers.js';

const outsideDirs: string[] = [];
afterEach(() => {
  for (const dir of outsideDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A directory outside every state directory, holding `files`; removed after the test. */
function outsideDir(files: Readonly<Record<string, string>> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'outside-'));
  outsideDirs.push(dir);
  for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, path), content);
  return dir;
}

function problemLines(result: LoadStateResult): string[] {
  return withoutDefaultImageReminder(result.ok ? result.warnings : result.problems).map(formatProblem);
}

function errors(result: LoadStateResult): string[] {
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.problems.filter((p) => p.severity === 'error').map(formatProblem);
}

const APP_STATE = 'name: app\ndiscoveryStatus: success\nbaseImages: []\n';

describe('security', () => {
  describe('non-regular files and symbolic links leaving the state directory are never read', () => {
    it('refuses images.yaml linked to /dev/zero instead of reading until the process aborts', () => {
      const dir = stateDir({});
      symlinkSync('/dev/zero', join(dir, 'images.yaml'));
      expect(errors(loadState(dir))).toEqual([
        'images.yaml: images.yaml is a symbolic link leading outside the state directory\n' +
          '  hint: state files must be inside the state repository: replace the symbolic link by the file itself',
      ]);
    });

    it('refuses a state file that is a FIFO without blocking on it', () => {
      const dir = stateDir({ 'images.yaml': managedEntry('app') });
      mkdirSync(join(dir, 'images'));
      execFileSync('mkfifo', [join(dir, 'images/app.yaml')]);
      execFileSync('mkfifo', [join(dir, 'image-factory.yaml')]);
      expect(errors(loadState(dir))).toEqual([
        'image-factory.yaml: image-factory.yaml is a FIFO, not a regular file',
        'images/app.yaml: images/app.yaml is a FIFO, not a regular file',
      ]);
    });

    it('refuses a directory where a state file is expected', () => {
      const dir = stateDir({ 'images.yaml': '[]\n', 'base-images/x.yaml/nested': 'x' });
      expect(errors(loadState(dir))).toEqual([
        'base-images/x.yaml: base-images/x.yaml is a directory, not a regular file',
      ]);
    });

    it('never echoes a refused file: image-factory.yaml linked to /proc/self/environ', () => {
      const dir = stateDir({ 'images.yaml': '[]\n' });
      symlinkSync('/proc/self/environ', join(dir, 'image-factory.yaml'));
      const result = loadState(dir);
      expect(errors(result)).toEqual([
        'image-factory.yaml: image-factory.yaml is a symbolic link leading outside the state directory\n' +
          '  hint: state files must be inside the state repository: replace the symbolic link by the file itself',
      ]);
      expect(JSON.stringify(result)).not.toMatch(/PATH=|HOME=/);
    });

    it('refuses layout directories and state files linked outside, in both layouts', () => {
      const secret = outsideDir({ 'app.yaml': APP_STATE, 'x.yaml': 'name: x\nimage: alpine\n' });
      const current = stateDir({ 'images.yaml': managedEntry('app') });
      symlinkSync(secret, join(current, 'images'));
      mkdirSync(join(current, 'base-images'));
      symlinkSync(join(secret, 'x.yaml'), join(current, 'base-images/x.yaml'));
      expect(errors(loadState(current))).toEqual([
        'base-images/x.yaml: base-images/x.yaml is a symbolic link leading outside the state directory\n' +
          '  hint: state files must be inside the state repository: replace the symbolic link by the file itself',
        'images: images is a symbolic link leading outside the state directory\n' +
          '  hint: state files must be inside the state repository: replace the symbolic link by the file itself',
      ]);

      const legacy = stateDir({ 'images.yaml': managedEntry('app') });
      mkdirSync(join(legacy, 'state'));
      symlinkSync(secret, join(legacy, 'state/images'));
      expect(errors(loadState(legacy))).toEqual([
        'state/images: state/images is a symbolic link leading outside the state directory\n' +
          '  hint: state files must be inside the state repository: replace the symbolic link by the file itself',
      ]);
      const legacyRoot = stateDir({ 'images.yaml': managedEntry('app') });
      const secretState = outsideDir();
      mkdirSync(join(secretState, 'images'));
      writeFileSync(join(secretState, 'images/app.yaml'), APP_STATE);
      symlinkSync(secretState, join(legacyRoot, 'state'));
      expect(errors(loadState(legacyRoot))).toEqual([
        'state/images: state/images is a symbolic link leading outside the state directory\n' +
          '  hint: state files must be inside the state repository: replace the symbolic link by the file itself',
      ]);
    });

    it('follows symbolic links that stay inside the state directory', () => {
      const dir = stateDir({ 'images.yaml': managedEntry('app'), 'shared/app.yaml': APP_STATE });
      mkdirSync(join(dir, 'images'));
      symlinkSync('../shared/app.yaml', join(dir, 'images/app.yaml'));
      const result = loadState(dir);
      expect(problemLines(result)).toEqual([]);
      expect(result.ok && result.state.managedImages[0]?.state?.discoveryStatus).toBe('success');
    });

    it('checks local/ files the same way: a link leading out or a FIFO is refused, a missing file named', () => {
      const secret = outsideDir({ VERSION: '1.0.0\n' });
      const dir = stateDir({
        'images.yaml': managedEntry(
          'app',
          '  local:\n    patchFiles: [a.patch, fifo.patch, gone.patch]\n    versionFile: VERSION\n',
        ),
        'local/app/a.patch': 'diff\n',
      });
      symlinkSync(join(secret, 'VERSION'), join(dir, 'local/app/VERSION'));
      execFileSync('mkfifo', [join(dir, 'local/app/fifo.patch')]);
      expect(errors(loadState(dir))).toEqual([
        'images.yaml:8:27: image "app": local.patchFiles[1] local/app/fifo.patch is a FIFO, not a regular file',
        'images.yaml:8:39: image "app": local.patchFiles[2] local/app/gone.patch does not exist in the state repository\n' +
          '  hint: paths in local are relative to local.dir (local/app)',
        'images.yaml:9:18: image "app": local.versionFile local/app/VERSION is a symbolic link leading outside the state directory\n' +
          '  hint: state files must be inside the state repository: replace the symbolic link by the file itself',
      ]);
    });

    it(`caps every state file at ${MAX_STATE_FILE_BYTES} bytes, naming the file and the cap`, () => {
      const dir = stateDir({ 'images.yaml': `#${'x'.repeat(MAX_STATE_FILE_BYTES - 2)}\n` });
      expect(loadState(dir).ok).toBe(true);
      writeFileSync(join(dir, 'images.yaml'), `#${'x'.repeat(MAX_STATE_FILE_BYTES - 1)}\n`);
      expect(errors(loadState(dir))).toEqual([
        'images.yaml: images.yaml is larger than the 4 MiB limit for a state file\n' +
          '  hint: state files are small YAML documents: is this the right file?',
      ]);
      // A sparse 8 GiB file costs nothing to make and is refused without being read.
      truncateSync(join(dir, 'images.yaml'), 8 * 1024 ** 3);
      expect(errors(loadState(dir))[0]).toMatch(/larger than the 4 MiB limit/);
    });

    it('the reader stops one byte past the cap even when the size it was told is wrong', () => {
      const dir = stateDir({ 'big.yaml': 'x'.repeat(5000) });
      const root = openStateRoot(dir);
      if (!root) throw new Error('no root');
      expect(readStateText(root, 'big.yaml', 4999)).toMatchObject({
        ok: false,
        refusal: { reason: 'too-large' },
      });
      expect(readStateText(root, 'big.yaml', 5000)).toMatchObject({ ok: true });
      expect(readStateText(root, '../big.yaml')).toMatchObject({ ok: false, refusal: { reason: 'outside' } });
    });
  });

  describe('YAML aliases', () => {
    it('reports an undefined alias with its position instead of an unexpected error', () => {
      const dir = stateDir({ 'images.yaml': `${managedEntry('app')}  rebuildDelay: *seen\n` });
      expect(errors(loadState(dir))).toEqual([
        'images.yaml:7:17: YAML syntax error: alias *seen has no anchor &seen before it\n' +
          '  hint: an alias repeats a node anchored earlier in the same file: define the anchor first, or write the value',
      ]);
    });

    it('refuses an alias bomb (billion laughs) before expanding it', () => {
      const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
      for (let i = 1; i < 9; i++) {
        const name = String.fromCharCode(97 + i);
        const previous = `*${String.fromCharCode(96 + i)}`;
        levels.push(`${name}: &${name} [${Array(9).fill(previous).join(',')}]`);
      }
      const result = parseYamlSource('image-factory.yaml', `${levels.join('\n')}\n`);
      expect(result.ok).toBe(false);
      expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([
        `image-factory.yaml:6:8: YAML syntax error: aliases expand to more than ${MAX_ALIAS_NODES.toLocaleString('en-US')} nodes (an alias bomb?)\n` +
          '  hint: write the values instead of aliases of aliases',
      ]);
    });

    it('refuses a recursive alias', () => {
      const result = parseYamlSource('images.yaml', 'a: &a [1, *a]\n');
      expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([
        'images.yaml:1:11: YAML syntax error: alias *a is inside the node it repeats (a recursive structure)\n' +
          '  hint: write the value instead of the alias',
      ]);
    });

    it('loads many ordinary aliases', () => {
      const entries = [`${managedEntry('app0')}  rebuildDelay: &delay 2h\n`];
      for (let i = 1; i < 300; i++) entries.push(`${managedEntry(`app${i}`)}  rebuildDelay: *delay\n`);
      const result = loadState(stateDir({ 'images.yaml': entries.join('') }));
      expect(problemLines(result)).toEqual([]);
      expect(result.ok && result.state.managedImages.every((image) => image.rebuildDelay === '2h')).toBe(
        true,
      );
    });

    it('a rewrite keeps every alias meaningful: the value of a replaced anchor is written where it was used', async () => {
      const dir = stateDir({
        'images.yaml': managedEntry('app'),
        'images/app.yaml':
          'name: app\nenrolledAt: "2024-01-01T00:00:00Z"\nlastDiscovery: &seen "2024-05-01T00:00:00Z"\n' +
          'discoveryStatus: success\nbaseImages: []\nlastBuilt: *seen # built when last seen\n',
      });
      await updateManagedImageState(dir, 'app', { lastDiscovery: '2024-06-01T00:00:00Z' });
      expect(readFileSync(join(dir, 'images/app.yaml'), 'utf8')).toBe(
        'name: app\nenrolledAt: "2024-01-01T00:00:00Z"\nlastDiscovery: "2024-06-01T00:00:00Z"\n' +
          'discoveryStatus: success\nbaseImages: []\nlastBuilt: "2024-05-01T00:00:00Z" # built when last seen\n',
      );
      const result = loadState(dir);
      expect(problemLines(result)).toEqual([]);
      expect(result.ok && result.state.managedImages[0]?.state?.lastBuilt).toBe('2024-05-01T00:00:00Z');
    });

    it('expands an orphaned alias of a collection on one line', () => {
      const text = 'a: &list [x, {k: "yes"}]\nb: *list\n';
      expect(applyFieldUpdates(text, { a: 'new' }, ['a', 'b'])).toBe('a: new\nb: ["x", {"k": "yes"}]\n');
    });
  });

  describe('the writer never writes a file that does not load', () => {
    it('re-reads the temporary file and refuses it, leaving the original and no temporary behind', async () => {
      const dir = stateDir({ 'images/app.yaml': APP_STATE });
      const path = join(dir, 'images/app.yaml');
      await expect(
        writeFileAtomic(path, 'name: [app\n', { root: dir, verify: verifyLoadsAsMap('images/app.yaml') }),
      ).rejects.toThrow(
        /images\/app.yaml: refusing to write a state file that would not load: YAML syntax error/,
      );
      await expect(
        writeFileAtomic(path, '- a list\n', { root: dir, verify: verifyLoadsAsMap('images/app.yaml') }),
      ).rejects.toThrow(/would not load: it is not a YAML map/);
      expect(readFileSync(path, 'utf8')).toBe(APP_STATE);
      expect(readdirSync(join(dir, 'images'))).toEqual(['app.yaml']);
    });
  });

  describe('non-UTF-8 state files are refused, never rewritten with replacement characters', () => {
    const bytes = Buffer.concat([
      Buffer.from('name: app\ndiscoveryStatus: success\ncurrentVersion: "1.0-'),
      Buffer.from([0xe9]), // Latin-1 "é"
      Buffer.from('"\nbaseImages: []\n'),
    ]);

    it('reports the first invalid byte with its line and column', () => {
      const dir = stateDir({ 'images.yaml': managedEntry('app') });
      mkdirSync(join(dir, 'images'));
      writeFileSync(join(dir, 'images/app.yaml'), bytes);
      expect(errors(loadState(dir))).toEqual([
        'images/app.yaml:3:22: images/app.yaml is not valid UTF-8 (byte 0xe9)\n' +
          '  hint: save the file as UTF-8 (state files are never rewritten with replacement characters)',
      ]);
    });

    it('the writer refuses the file and leaves its bytes alone', async () => {
      const dir = stateDir({ 'images.yaml': managedEntry('app') });
      mkdirSync(join(dir, 'images'));
      writeFileSync(join(dir, 'images/app.yaml'), bytes);
      await expect(updateManagedImageState(dir, 'app', { discoveryStatus: 'failed' })).rejects.toThrow(
        'images/app.yaml:3:22: images/app.yaml is not valid UTF-8 (byte 0xe9)',
      );
      expect(readFileSync(join(dir, 'images/app.yaml')).equals(bytes)).toBe(true);
    });

    it('names a UTF-16 file as such, and keeps a UTF-8 byte order mark through a rewrite', async () => {
      const dir = stateDir({ 'images.yaml': managedEntry('app') });
      mkdirSync(join(dir, 'images'));
      writeFileSync(join(dir, 'images/app.yaml'), Buffer.from(`\ufeff${APP_STATE}`, 'utf16le'));
      expect(errors(loadState(dir))).toEqual([
        'images/app.yaml:1:1: images/app.yaml is UTF-16 encoded: state files are UTF-8\n  hint: save the file as UTF-8',
      ]);
      writeFileSync(join(dir, 'images/app.yaml'), `\ufeff${APP_STATE}`);
      await updateManagedImageState(dir, 'app', { discoveryStatus: 'failed' });
      expect(readFileSync(join(dir, 'images/app.yaml'), 'utf8')).toBe(
        `\ufeff${APP_STATE.replace('success', 'failed')}`,
      );
    });
  });

  describe('malformed YAML is bounded', () => {
    it(`refuses flow collections nested deeper than ${MAX_FLOW_DEPTH} levels, with the position`, () => {
      const text = `a: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
      const result = parseYamlSource('images.yaml', text);
      expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([
        `images.yaml:1:${4 + MAX_FLOW_DEPTH}: YAML syntax error: flow collections nested more than ${MAX_FLOW_DEPTH} levels deep\n` +
          '  hint: state files are small documents that nest a few levels: is this the right file?',
      ]);
    });

    it(`refuses more than ${MAX_YAML_NODES} nodes before parsing them, and loads 2,000 real entries`, () => {
      const result = parseYamlSource('images.yaml', '- x\n'.repeat(80_000));
      expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([
        'images.yaml:75001:1: YAML syntax error: more than 150,000 nodes (state files hold a few dozen, images.yaml about 30 per image)\n' +
          '  hint: state files are small documents that nest a few levels: is this the right file?',
      ]);
      const entries = Array.from(
        { length: 2000 },
        (_, i) =>
          `${managedEntry(`app-${i}`)}  rebuildDelay: 24h\n  updates:\n    - repo: acme/deploy\n      path: apps/app-${i}/values.yaml\n      type: yaml-update\n      key: image.tag\n`,
      );
      const big = loadState(stateDir({ 'images.yaml': entries.join('') }));
      expect(problemLines(big)).toEqual([]);
      expect(big.ok && big.state.managedImages).toHaveLength(2000);
    });

    it(`returns at most ${MAX_PROBLEMS} problems and counts the rest, each message at most ${MAX_MESSAGE_LENGTH} characters`, () => {
      const result = loadState(stateDir({ 'images.yaml': '- x\n'.repeat(1500) }));
      const lines = problemLines(result);
      expect(lines).toHaveLength(MAX_PROBLEMS + 1);
      expect(lines.at(-1)).toBe(
        'images.yaml: 500 more problems omitted (the next one in images.yaml)\n  hint: fix the problems above first: is this the right file?',
      );
      const long = loadState(stateDir({ 'images.yaml': `- name: ${'x'.repeat(50_000)}\n` }));
      const problems = long.ok ? [] : long.problems;
      expect(problems.length).toBeGreaterThan(0);
      for (const p of problems) {
        expect(p.message.length).toBeLessThan(MAX_MESSAGE_LENGTH + 30);
        expect(p.message).toMatch(/\.\.\. \([\d,]+ characters\)$/);
      }
    });

    it(`refuses more than ${MAX_YAML_LINES} lines before parsing them`, () => {
      const result = parseYamlSource('images.yaml', `${'# notes\n'.repeat(MAX_YAML_LINES)}[]\n`);
      expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([
        `images.yaml:${MAX_YAML_LINES + 1}:1: YAML syntax error: more than 250,000 lines\n` +
          '  hint: state files are small documents that nest a few levels: is this the right file?',
      ]);
      expect(parseYamlSource('images.yaml', `${'# notes\n'.repeat(MAX_YAML_LINES - 1)}[]\n`).ok).toBe(true);
    });

    it('finds a duplicate key among 30,000 in linear time (the per-test timeout stops a quadratic check)', () => {
      const keys = Array.from({ length: 30_000 }, (_, i) => `k${i}: v\n`).join('');
      const result = parseYamlSource('image-factory.yaml', `${keys}k7: again\n`);
      expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([
        'image-factory.yaml:30001:1: YAML syntax error: Map keys must be unique',
      ]);
    });
  });

  describe('writes stay inside the state directory', () => {
    it('refuses to write through a directory linked outside the state directory', async () => {
      const elsewhere = outsideDir();
      const dir = stateDir({});
      symlinkSync(elsewhere, join(dir, 'dist'));
      await expect(writeFileAtomic(join(dir, 'dist/out.yaml'), 'x\n', { root: dir })).rejects.toThrow(
        /dist\/out.yaml leads outside the state directory .*; nothing was written/,
      );
      await expect(writeFileAtomic(join(dir, '../escape.yaml'), 'x\n', { root: dir })).rejects.toThrow(
        StateWriteError,
      );
      expect(readdirSync(elsewhere)).toEqual([]);
      // Without a root (a path the user chose), the link is the user's business.
      expect(await writeFileAtomic(join(dir, 'dist/out.yaml'), 'x\n')).toBe(true);
      expect(readdirSync(elsewhere)).toEqual(['out.yaml']);
    });

    it('replaces a symbolic link at the target itself instead of writing through it', async () => {
      const elsewhere = outsideDir({ 'victim.yaml': 'untouched\n' });
      const dir = stateDir({});
      symlinkSync(join(elsewhere, 'victim.yaml'), join(dir, 'out.yaml'));
      expect(await writeFileAtomic(join(dir, 'out.yaml'), 'new\n', { root: dir })).toBe(true);
      expect(readFileSync(join(elsewhere, 'victim.yaml'), 'utf8')).toBe('untouched\n');
      expect(readFileSync(join(dir, 'out.yaml'), 'utf8')).toBe('new\n');
    });

    it('the state writers refuse state directories linked outside', async () => {
      const elsewhere = outsideDir();
      const dir = stateDir({ 'images.yaml': managedEntry('app') });
      symlinkSync(elsewhere, join(dir, 'base-images'));
      await expect(ensureBaseImageFile(dir, parseImageReference('alpine:3.20'))).rejects.toThrow(
        'base-images: base-images is a symbolic link leading outside the state directory',
      );
      symlinkSync(elsewhere, join(dir, 'images'));
      await expect(updateManagedImageState(dir, 'app', { discoveryStatus: 'pending' })).rejects.toThrow(
        StateWriteError,
      );
      expect(readdirSync(elsewhere)).toEqual([]);
    });
  });

  describe('rewrites keep the file as it was written', () => {
    it('keeps the comments of a rewritten baseImages list', async () => {
      const dir = stateDir({
        'images.yaml': managedEntry('app'),
        'images/app.yaml': `name: app
discoveryStatus: success
baseImages:
  # the build stage
  - golang-1.22 # pinned by the team
  # runtime, replaced below
  - python-3.11
  - alpine-3.20 # debug tools

# what was built
currentVersion: "1.0"
`,
      });
      await updateManagedImageState(dir, 'app', {
        baseImages: ['python-3.12', 'golang-1.22', 'alpine-3.20'],
      });
      expect(readFileSync(join(dir, 'images/app.yaml'), 'utf8')).toBe(`name: app
discoveryStatus: success
baseImages:
  - alpine-3.20 # debug tools
  # the build stage
  - golang-1.22 # pinned by the team
  - python-3.12

# what was built
currentVersion: "1.0"
`);
    });

    it('keeps CRLF line endings in every line it writes', async () => {
      const crlf =
        'name: app\r\ndiscoveryStatus: pending # first run\r\nbaseImages:\r\n  - a # kept\r\n  - b\r\n';
      const dir = stateDir({
        'images.yaml': `${managedEntry('app')}- name: a\n  repoURL: docker.io/library/a\n- name: c\n  repoURL: docker.io/library/c\n`,
        'images/app.yaml': crlf,
      });
      await updateManagedImageState(dir, 'app', {
        discoveryStatus: 'success',
        baseImages: ['a', 'c'],
        enrollment: {
          name: 'app',
          registry: 'ghcr.io',
          repository: 'acme/app',
          source: { repo: 'acme/app', dockerfile: 'Dockerfile' },
        },
        currentVersion: '1.0',
      });
      const written = readFileSync(join(dir, 'images/app.yaml'), 'utf8');
      expect(written.replace(/\r\n/g, '')).not.toContain('\n');
      expect(written).toBe(
        'name: app\r\ndiscoveryStatus: success # first run\r\nenrollment:\r\n  name: app\r\n  registry: ghcr.io\r\n' +
          '  repository: acme/app\r\n  source:\r\n    repo: acme/app\r\n    dockerfile: Dockerfile\r\n' +
          'baseImages:\r\n  - a # kept\r\n  - c\r\ncurrentVersion: "1.0"\r\n',
      );
      expect(problemLines(loadState(dir))).toEqual([]);
    });
  });
});
