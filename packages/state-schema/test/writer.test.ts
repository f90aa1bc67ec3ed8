import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadState } from '../src/loader.js';
import { parseImageReference } from '../src/reference.js';
import {
  applyManagedImageStateUpdate,
  ensureBaseImageFile,
  findBaseImageFile,
  renderBaseImageState,
  updateManagedImageState,
  writeFileAtomic,
} from '../src/writer.js';
import { managedEntry, stateDir } from './helpers.js';

const DIGEST = `sha256:${'b'.repeat(64)}`;

describe('writeFileAtomic', () => {
  it('writes through a temporary file and leaves no temporary behind', async () => {
    const dir = stateDir({});
    expect(await writeFileAtomic(join(dir, 'a/b/c.yaml'), 'x: 1\n')).toBe(true);
    expect(readFileSync(join(dir, 'a/b/c.yaml'), 'utf8')).toBe('x: 1\n');
    expect(readdirSync(join(dir, 'a/b'))).toEqual(['c.yaml']);
  });

  it('does not touch a file whose content would not change', async () => {
    const dir = stateDir({ 'f.yaml': 'x: 1\n' });
    const before = statSync(join(dir, 'f.yaml')).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    expect(await writeFileAtomic(join(dir, 'f.yaml'), 'x: 1\n')).toBe(false);
    expect(statSync(join(dir, 'f.yaml')).mtimeMs).toBe(before);
  });
});

describe('applyManagedImageStateUpdate', () => {
  it('creates a new state file in canonical order, sorted and quoted', () => {
    expect(
      applyManagedImageStateUpdate(undefined, 'app', {
        lastBuilt: '2024-06-01T00:00:00Z',
        baseImages: ['python-3.12-slim', 'alpine-3.20', 'python-3.12-slim'],
        currentVersion: '1.0',
        discoveryStatus: 'success',
      }),
    ).toBe(
      'name: app\ndiscoveryStatus: success\nbaseImages:\n  - alpine-3.20\n  - python-3.12-slim\ncurrentVersion: "1.0"\nlastBuilt: "2024-06-01T00:00:00Z"\n',
    );
  });

  it('is deterministic: the same update twice gives the same bytes', () => {
    const once = applyManagedImageStateUpdate(undefined, 'app', {
      currentVersion: '2',
      baseImages: ['b', 'a'],
    });
    expect(applyManagedImageStateUpdate(once, 'app', { currentVersion: '2', baseImages: ['a', 'b'] })).toBe(
      once,
    );
  });
});

describe('updateManagedImageState', () => {
  const handWritten = `# Hand-written notes stay.
name: app
discoveryStatus: pending # set by generate-state
baseImages:
  - python-3.12-slim
currentVersion: "1.0"
`;

  it('updates the given fields and leaves the rest byte-identical', async () => {
    const dir = stateDir({ 'images.yaml': managedEntry('app'), 'images/app.yaml': handWritten });
    const result = await updateManagedImageState(dir, 'app', {
      discoveryStatus: 'success',
      currentVersion: '1.1',
      currentDigest: DIGEST,
    });
    expect(result).toEqual({ file: 'images/app.yaml', changed: true });
    expect(readFileSync(join(dir, 'images/app.yaml'), 'utf8')).toBe(`# Hand-written notes stay.
name: app
discoveryStatus: success # set by generate-state
baseImages:
  - python-3.12-slim
currentVersion: "1.1"
currentDigest: ${DIGEST}
`);
  });

  it('reports no change and keeps the file when nothing changes', async () => {
    const dir = stateDir({ 'images/app.yaml': handWritten });
    expect(
      await updateManagedImageState(dir, 'app', { baseImages: ['python-3.12-slim'], currentVersion: '1.0' }),
    ).toEqual({
      file: 'images/app.yaml',
      changed: false,
    });
    expect(readFileSync(join(dir, 'images/app.yaml'), 'utf8')).toBe(handWritten);
  });

  it('creates the file of an image without state, which then loads', async () => {
    const dir = stateDir({
      'images.yaml': `${managedEntry('app')}- name: python-3.12-slim\n  repoURL: docker.io/library/python\n  tag: 3.12-slim\n`,
    });
    await updateManagedImageState(dir, 'app', {
      enrollment: {
        name: 'app',
        registry: 'ghcr.io',
        repository: 'acme/app',
        source: { repo: 'acme/app', dockerfile: 'Dockerfile' },
      },
      baseImages: ['python-3.12-slim'],
      discoveryStatus: 'success',
    });
    const result = loadState(dir);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.state.managedImages[0]?.baseImages).toEqual(['python-3.12-slim']);
  });

  it('records builtOn with sorted keys after currentDigest, and the loader reads it back', async () => {
    const python = `sha256:${'1'.repeat(64)}`;
    const alpine = `sha256:${'2'.repeat(64)}`;
    const dir = stateDir({
      'images.yaml': `${managedEntry('app')}- name: python-3.12-slim\n  repoURL: docker.io/library/python\n  tag: 3.12-slim\n- name: alpine-3.20\n  repoURL: docker.io/library/alpine\n  tag: "3.20"\n`,
      'images/app.yaml':
        'name: app\nbaseImages: [alpine-3.20, python-3.12-slim]\ncurrentVersion: "1.0"\nlastBuilt: "2024-06-01T00:00:00Z"\n',
    });
    await updateManagedImageState(dir, 'app', {
      currentDigest: DIGEST,
      builtOn: { 'python-3.12-slim': python, 'alpine-3.20': alpine },
    });
    expect(readFileSync(join(dir, 'images/app.yaml'), 'utf8')).toBe(
      `name: app\nbaseImages: [alpine-3.20, python-3.12-slim]\ncurrentVersion: "1.0"\ncurrentDigest: ${DIGEST}\nbuiltOn:\n  alpine-3.20: ${alpine}\n  python-3.12-slim: ${python}\nlastBuilt: "2024-06-01T00:00:00Z"\n`,
    );
    const result = loadState(dir);
    if (!result.ok) throw new Error('does not load');
    expect(result.state.managedImages[0]?.state?.builtOn).toEqual({
      'alpine-3.20': alpine,
      'python-3.12-slim': python,
    });
  });

  it('reads a malformed builtOn as unknown, with a positioned warning (it changes nothing generated)', () => {
    const dir = stateDir({
      'images.yaml': managedEntry('app'),
      'image-factory.yaml': 'analysis:\n  image: ghcr.io/acme/analyzer:1.0\n',
      'images/app.yaml': 'name: app\nbuiltOn:\n  python-3.12-slim: sha256:ABC\n',
    });
    const result = loadState(dir);
    if (!result.ok) throw new Error('does not load');
    expect(result.state.managedImages[0]?.state?.builtOn).toBeUndefined();
    expect(result.warnings.map((w) => [w.file, w.line, w.severity])).toEqual([
      ['images/app.yaml', 3, 'warning'],
    ]);
  });

  it('writes into state/images in the legacy layout', async () => {
    const dir = stateDir({ 'state/base-images/x.yaml': 'name: x\nfullImage: x\n' });
    expect((await updateManagedImageState(dir, 'app', { discoveryStatus: 'pending' })).file).toBe(
      'state/images/app.yaml',
    );
  });

  it('refuses to edit a file that is not a YAML map, naming it', async () => {
    const dir = stateDir({ 'images/app.yaml': '- just\n- a list\n' });
    await expect(updateManagedImageState(dir, 'app', { currentVersion: '1' })).rejects.toThrow(
      'images/app.yaml: cannot update a file that is not a YAML map',
    );
  });
});

describe('findBaseImageFile / ensureBaseImageFile', () => {
  const files = {
    'images.yaml': '- name: redis-7\n  repoURL: docker.io/library/redis\n',
    // An old-format file under a name the new rule would not produce.
    'base-images/py312.yaml': 'name: py312\nfullImage: python:3.12-slim\nallowTags: ^3\\\\.12-slim$\n',
    'base-images/node.yaml': 'name: node\nimage: docker.io/library/node:latest\n',
    'base-images/skip.example.yaml': 'name: skip\nimage: alpine:3\n',
  };

  it('finds a file by normalized reference, whatever its name and format', async () => {
    const dir = stateDir(files);
    expect(await findBaseImageFile(dir, parseImageReference('docker.io/library/python:3.12-slim'))).toEqual({
      name: 'py312',
      file: 'base-images/py312.yaml',
      format: 'legacy',
    });
    expect(await findBaseImageFile(dir, parseImageReference('index.docker.io/library/node'))).toEqual({
      name: 'node',
      file: 'base-images/node.yaml',
      format: 'current',
    });
    expect(await findBaseImageFile(dir, parseImageReference('python:3.13-slim'))).toBeUndefined();
    expect(await findBaseImageFile(dir, parseImageReference('alpine:3'))).toBeUndefined();
  });

  it('reuses an existing file instead of creating a second one', async () => {
    const dir = stateDir(files);
    expect(await ensureBaseImageFile(dir, parseImageReference('python:3.12-slim'))).toEqual({
      name: 'py312',
      file: 'base-images/py312.yaml',
      format: 'legacy',
      created: false,
    });
    expect(readdirSync(join(dir, 'base-images')).sort()).toEqual([
      'node.yaml',
      'py312.yaml',
      'skip.example.yaml',
    ]);
  });

  it('creates a new file named by the documented rule, which the loader accepts', async () => {
    const dir = stateDir(files);
    const created = await ensureBaseImageFile(
      dir,
      parseImageReference('gcr.io/distroless/python3-debian12'),
      {
        firstDiscovered: '2024-06-01T00:00:00Z',
      },
    );
    expect(created).toEqual({
      name: 'distroless-python3-debian12-latest',
      file: 'base-images/distroless-python3-debian12-latest.yaml',
      format: 'current',
      created: true,
    });
    expect(readFileSync(join(dir, created.file), 'utf8')).toBe(
      'name: distroless-python3-debian12-latest\nimage: gcr.io/distroless/python3-debian12:latest\nfirstDiscovered: "2024-06-01T00:00:00Z"\n',
    );
    const result = loadState(dir);
    expect(result.ok).toBe(true);
  });

  it('never collides with an existing base file or images.yaml name of another image', async () => {
    const dir = stateDir({
      ...files,
      'base-images/node-22.yaml': 'name: node-22\nimage: ghcr.io/other/node:22\n',
    });
    const node = await ensureBaseImageFile(dir, parseImageReference('node:22'));
    expect(node.name).toMatch(/^node-22-[0-9a-f]{8}$/);
    // redis-7 is the name of an images.yaml entry (it watches redis without a tag: another image).
    const redis = await ensureBaseImageFile(dir, parseImageReference('redis:7'));
    expect(redis.name).toMatch(/^redis-7-[0-9a-f]{8}$/);
  });

  it('renders the current format with the normalized reference as identity', () => {
    expect(
      renderBaseImageState(parseImageReference('python:3.12'), 'python-3.12', {
        allowTags: '^3\\.12$',
        imageSelectionStrategy: 'Lexical',
      }),
    ).toBe(
      'name: python-3.12\nimage: docker.io/library/python:3.12\nallowTags: ^3\\.12$\nimageSelectionStrategy: Lexical\n',
    );
  });
});

describe('writing then loading', () => {
  it('round-trips the example state files unchanged', async () => {
    const text = readFileSync(
      join(import.meta.dirname, '../../../examples/state/images/backstage.yaml'),
      'utf8',
    );
    const dir = stateDir({ 'images/backstage.yaml': text });
    expect(
      await updateManagedImageState(dir, 'backstage', {
        discoveryStatus: 'success',
        baseImages: ['node-22-bookworm-slim'],
      }),
    ).toEqual({
      file: 'images/backstage.yaml',
      changed: false,
    });
  });
});
