// `image-factory base-images`, in-process through run() with buffered streams.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesOf, onlyFile } from './helpers/base-images.js';
import { runCli } from './helpers/cli.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'dockerfiles');
const fixture = (name: string) => join(FIXTURES, name);
/** How messages show a fixture: relative to the working directory, which holds it. */
const shown = (name: string) => relative(process.cwd(), fixture(name));

describe('image-factory base-images (in-process)', () => {
  it('prints {"version","files"} with one entry for one file with --json', async () => {
    const result = await runCli(['base-images', fixture('multi-stage.Dockerfile'), '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const output = onlyFile(result.stdout) as {
      images: { reference: string; source: string; line: number }[];
      problems: unknown[];
    };
    expect(Object.keys(output)).toEqual(['file', 'images', 'problems']);
    expect(output.images.map((i) => [i.reference, i.source, i.line])).toEqual([
      ['docker.io/library/golang:1.22', 'from', 5],
      ['docker.io/library/node:22-bookworm-slim', 'from', 13],
      ['gcr.io/distroless/static-debian12:nonroot', 'copy', 15],
      ['docker.io/library/busybox:1.36', 'mount', 16],
    ]);
    expect(output.problems).toEqual([]);
  });

  it('applies --build-arg, --target and --platform', async () => {
    const result = await runCli([
      'base-images',
      fixture('multi-stage.Dockerfile'),
      '--json',
      '--build-arg',
      'NODE_VERSION=20',
      '--platform',
      'linux/arm64',
      '--target',
      'runtime',
    ]);
    expect(result.code).toBe(0);
    const { images } = onlyFile(result.stdout) as { images: { familiar: string; platform: string }[] };
    expect(images.map((i) => [i.familiar, i.platform])).toEqual([
      ['golang:1.22', 'linux/amd64'],
      ['node:20-bookworm-slim', 'linux/arm64'],
      ['gcr.io/distroless/static-debian12:nonroot', 'linux/arm64'],
      ['busybox:1.36', 'linux/arm64'],
    ]);
  });

  it('a bare --build-arg NAME takes the value from the environment (like docker build)', async () => {
    const result = await runCli(
      ['base-images', fixture('multi-stage.Dockerfile'), '--json', '--build-arg', 'NODE_VERSION'],
      {
        env: { NODE_VERSION: '18' },
      },
    );
    expect((onlyFile(result.stdout) as { images: { familiar: string }[] }).images[1]?.familiar).toBe(
      'node:18-bookworm-slim',
    );
  });

  it('prints a JSON array with "file" for several files', async () => {
    const files = [fixture('untagged.Dockerfile'), fixture('targets.Dockerfile')];
    const result = await runCli(['base-images', ...files, '--json']);
    expect(result.code).toBe(0);
    const output = filesOf(result.stdout) as {
      file: string;
      images: { familiar: string; reachable: boolean }[];
      problems: { code: string }[];
    }[];
    expect(output.map((entry) => Object.keys(entry))).toEqual([
      ['file', 'images', 'problems'],
      ['file', 'images', 'problems'],
    ]);
    expect(output.map((entry) => entry.file)).toEqual(files);
    expect(output[0]?.images.map((i) => i.familiar)).toEqual(['ubuntu:latest']);
    expect(output[0]?.problems.map((p) => p.code)).toEqual(['UntaggedImage']);
    expect(output[1]?.images.map((i) => [i.familiar, i.reachable])).toEqual([
      ['golang:1.22', true],
      ['node:22', false],
      ['gcr.io/distroless/static:nonroot', true],
    ]);
  });

  it('prints a table and warnings on stderr; warnings do not fail', async () => {
    const result = await runCli([
      'base-images',
      fixture('untagged.Dockerfile'),
      fixture('targets.Dockerfile'),
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        `${shown('untagged.Dockerfile')}: 1 image, 1 warning`,
        '  LINE  SOURCE  STAGE    PLATFORM     REFERENCE',
        '  1     from    stage-0  linux/amd64  docker.io/library/ubuntu:latest',
        '',
        `${shown('targets.Dockerfile')}: 3 images`,
        '  LINE  SOURCE  STAGE  PLATFORM     REFERENCE',
        '  1     from    build  linux/amd64  docker.io/library/golang:1.22',
        '  2     from    test   linux/amd64  docker.io/library/node:22         (not built for the target)',
        '  3     from    final  linux/amd64  gcr.io/distroless/static:nonroot',
        '',
      ].join('\n'),
    );
    expect(result.stderr).toBe(
      `${shown('untagged.Dockerfile')}:1: warning: Image 'ubuntu' has no tag or digest; BuildKit pulls docker.io/library/ubuntu:latest [UntaggedImage]\n` +
        '  hint: pin a version tag (and ideally a digest)\n',
    );
  });

  it('exits 1 on errors, reporting each with file and line on stderr', async () => {
    const file = fixture('broken.Dockerfile');
    const result = await runCli(['base-images', file, '--json']);
    expect(result.code).toBe(1);
    const output = onlyFile(result.stdout) as {
      images: unknown[];
      problems: { line: number; code: string; severity: string }[];
    };
    expect(output.images).toEqual([]);
    expect(output.problems.filter((p) => p.severity === 'error').map((p) => `${p.line}:${p.code}`)).toEqual([
      '2:EmptyBaseName',
      '3:InvalidReference',
      '4:UnsupportedVariable',
    ]);
    expect(
      result.stderr
        .split('\n')
        .filter(Boolean)
        .filter((line) => !line.startsWith('  hint:')),
    ).toEqual([
      `${shown('broken.Dockerfile')}:2: error: base name ($IMAGE) should not be blank [EmptyBaseName]`,
      `${shown('broken.Dockerfile')}:3: error: failed to parse stage name "Alpine:3.19": invalid reference format: repository name (library/Alpine) must be lowercase [InvalidReference]`,
      `${shown('broken.Dockerfile')}:4: error: COPY --from=$X: variable expansion is not supported for --from [UnsupportedVariable]`,
    ]);
  });

  it('exits 1 for an unreadable file but still reports the others', async () => {
    const missing = join(FIXTURES, 'missing.Dockerfile');
    const result = await runCli(['base-images', missing, fixture('untagged.Dockerfile'), '--json']);
    expect(result.code).toBe(1);
    const output = filesOf(result.stdout) as {
      file: string;
      problems: { code: string; message: string }[];
      images: unknown[];
    }[];
    expect(output[0]).toEqual({
      file: missing,
      images: [],
      problems: [
        {
          line: 0,
          code: 'FileUnreadable',
          severity: 'error',
          message: `cannot read ${missing}: no such file`,
        },
      ],
    });
    expect(output[1]?.images).toHaveLength(1);
    expect(result.stderr).toBe(
      `${relative(process.cwd(), missing)}: error: cannot read ${missing}: no such file [FileUnreadable]\n`,
    );
  });

  it('reports a directory as unreadable', async () => {
    const result = await runCli(['base-images', FIXTURES]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is a directory, not a Dockerfile');
  });

  it('resolves relative paths against the working directory and shows paths relative to it', async () => {
    const result = await runCli(['base-images', 'untagged.Dockerfile'], { cwd: FIXTURES });
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('untagged.Dockerfile: 1 image, 1 warning');
    const absolute = await runCli(['base-images', fixture('untagged.Dockerfile')], { cwd: FIXTURES });
    expect(absolute.stdout.split('\n')[0]).toBe('untagged.Dockerfile: 1 image, 1 warning');
    // Outside the working directory: absolute.
    const outside = await runCli(['base-images', fixture('untagged.Dockerfile')], {
      cwd: join(FIXTURES, '..', '..', 'helpers'),
    });
    expect(outside.stdout.split('\n')[0]).toBe(`${fixture('untagged.Dockerfile')}: 1 image, 1 warning`);
  });

  it('exits 1 for an unknown --target', async () => {
    const result = await runCli(['base-images', fixture('targets.Dockerfile'), '--target', 'prod']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('target stage "prod" could not be found [TargetNotFound]');
  });

  it.each([
    [['base-images'], "error: missing required argument 'dockerfile'"],
    [['base-images', 'x', '--build-arg', '=v'], 'image-factory: --build-arg "=v": missing the name'],
    [
      ['base-images', 'x', '--build-arg', 'A B=v'],
      'image-factory: --build-arg "A B=v": the name contains blanks',
    ],
    [
      ['base-images', 'x', '--platform', 'linux//arm64'],
      'image-factory: --platform "linux//arm64": invalid platform component ""',
    ],
    [['base-images', 'x', '--target', ''], 'image-factory: --target needs a stage name'],
    [['base-images', 'x', '--nope'], "error: unknown option '--nope'"],
  ])('exits 2 on usage errors: %j', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toBe(message);
    expect(result.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });

  it('analyses thousands of files in one run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'if-base-images-'));
    const files: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const file = join(dir, `Dockerfile.${i}`);
      writeFileSync(
        file,
        `ARG V=${i}\nFROM registry.example.com/team/app-${i % 7}:$V AS build\nFROM alpine:3.19\nCOPY --from=build /a /b\n`,
      );
      files.push(file);
    }
    const result = await runCli(['base-images', ...files, '--json']);
    expect(result.code).toBe(0);
    const output = filesOf(result.stdout) as { file: string; images: { reference: string }[] }[];
    expect(output).toHaveLength(2000);
    expect(output[1234]?.file).toBe(files[1234]);
    expect(output[1234]?.images.map((i) => i.reference)).toEqual([
      'registry.example.com/team/app-2:1234',
      'docker.io/library/alpine:3.19',
    ]);
  });
});
