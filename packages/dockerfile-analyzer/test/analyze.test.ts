import { describe, expect, it } from 'vitest';
import { analyzeDockerfile } from '../src/index.js';
import { analyze, codes, D1, errors, refs } from './helpers.js';

const hub = (repo: string) => `docker.io/${repo}`;

describe('the old tool’s defects', () => {
  it('keeps FROM ubuntu (an image without tag or slash)', () => {
    const [image] = analyze('FROM ubuntu\n').images;
    expect(image).toMatchObject({
      reference: 'docker.io/library/ubuntu:latest',
      familiar: 'ubuntu:latest',
      name: 'docker.io/library/ubuntu',
      registry: 'docker.io',
      repository: 'library/ubuntu',
      tag: 'latest',
      raw: 'ubuntu',
      source: 'from',
      line: 1,
      lines: [1],
    });
  });

  it('never reports --platform=$BUILDPLATFORM as an image', () => {
    const result = analyze('FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nFROM alpine:3.19\n');
    expect(result.images.map((i) => i.reference)).toEqual([
      hub('library/golang:1.22'),
      hub('library/alpine:3.19'),
    ]);
    expect(result.images[0]?.platform).toBe('linux/amd64');
    expect(result.stages[0]?.platform).toBe('linux/amd64');
  });

  it.each([
    [`registry:5000/foo:tag@${D1}`, { registry: 'registry:5000', repository: 'foo', tag: 'tag', digest: D1 }],
    [`node@${D1}`, { registry: 'docker.io', repository: 'library/node', digest: D1 }],
    ['localhost:5000/a/b:1.0', { registry: 'localhost:5000', repository: 'a/b', tag: '1.0' }],
    ['myorg/my.image:1.0', { registry: 'docker.io', repository: 'myorg/my.image', tag: '1.0' }],
    ['localhost:5000', { registry: 'docker.io', repository: 'library/localhost', tag: '5000' }],
  ])('splits %s into registry, repository, tag and digest', (text, expected) => {
    const [image] = analyze(`FROM ${text}\n`).images;
    expect(image).toMatchObject(expected);
    if (!('tag' in expected)) expect(image?.tag).toBeUndefined();
    if (!('digest' in expected)) expect(image?.digest).toBeUndefined();
  });

  it('expands ARGs instead of reporting ${...} as an image', () => {
    expect(refs('ARG V=3.19\nFROM alpine:${V}\n')).toEqual([hub('library/alpine:3.19')]);
  });
});

describe('lexing', () => {
  it.each([
    ['lowercase instructions', 'from alpine:3 as base\nfrom base\n', [hub('library/alpine:3')]],
    [
      'mixed-case instructions',
      'FrOm alpine:3 aS base\ncOpY --from=busybox:1 /a /b\n',
      [hub('library/alpine:3'), hub('library/busybox:1')],
    ],
    ['continuation inside the image word', 'FROM alpi\\\nne:3\n', [hub('library/alpine:3')]],
    [
      'blanks after the escape character',
      'FROM \\   \n  alpine:3 \\\t\n  AS base\n',
      [hub('library/alpine:3')],
    ],
    [
      'comment lines inside a continuation',
      'FROM \\\n# a comment \\\n  # another\n  alpine:3.19 \\\n  AS base\n',
      [hub('library/alpine:3.19')],
    ],
    ['a dangling continuation at the end', 'FROM alpine:3 \\', [hub('library/alpine:3')]],
    [
      'CRLF line ends',
      'ARG V=3\r\nFROM alpine:$V\r\nCOPY --from=busybox:1 \\\r\n  /a /b\r\n',
      [hub('library/alpine:3'), hub('library/busybox:1')],
    ],
    ['a BOM', '\uFEFFFROM alpine:3\n', [hub('library/alpine:3')]],
    ['a BOM before a directive', '\uFEFF# escape=`\nFROM alpine:3 `\n  AS a\n', [hub('library/alpine:3')]],
    ['no final newline', 'FROM alpine:3', [hub('library/alpine:3')]],
    [
      'leading blanks before instructions',
      '   FROM alpine:3\n\t\tCOPY --from=busybox:1 /a /b\n',
      [hub('library/alpine:3'), hub('library/busybox:1')],
    ],
  ])('%s', (_name, text, expected) => {
    expect(refs(text)).toEqual(expected);
    expect(errors(text)).toEqual([]);
  });

  it('does not continue a line ending in an escaped escape character (dockerfile-ast does)', () => {
    expect(refs('FROM alpine:3\nRUN echo \\\\\nFROM busybox:1\n')).toEqual([
      hub('library/alpine:3'),
      hub('library/busybox:1'),
    ]);
  });

  it('the escape directive makes the backtick the continuation character and \\ literal', () => {
    const text =
      '# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022 `\n  AS base\nRUN dir C:\\\nFROM base\n';
    const result = analyze(text);
    expect(result.images.map((i) => i.reference)).toEqual(['mcr.microsoft.com/windows/servercore:ltsc2022']);
    expect(result.stages[1]?.base).toEqual({ kind: 'stage', raw: 'base', stageIndex: 0 });
  });

  it.each([
    ['after a plain comment', '# comment\n# escape=`\nFROM alpine:3 `\n  AS b\n'],
    ['after a blank line', '\n# escape=`\nFROM alpine:3 `\n  AS b\n'],
    ['after an unknown directive', '# foo=bar\n# escape=`\nFROM alpine:3 `\n  AS b\n'],
  ])('ignores an escape directive %s (BuildKit: the directive block has ended)', (_name, text) => {
    // The backtick is then an ordinary character: FROM has the 3 words `alpine:3`, a backtick, ...
    expect(refs(text)).toEqual([]);
    expect(errors(text)).toContain('3:InvalidFrom');
  });

  it('accepts a directive with a leading blank and mixed-case key', () => {
    expect(refs(' # EsCaPe = `\nFROM alpine:3 `\n  AS b\n')).toEqual([hub('library/alpine:3')]);
  });

  it.each([
    ['a repeated directive', '# escape=\\\n# escape=`\nFROM alpine:3\n', ['2:InvalidDirective']],
    ['an invalid escape character', '# escape=x\nFROM alpine:3\n', ['1:InvalidDirective']],
  ])('reports %s', (_name, text, expected) => {
    expect(errors(text)).toEqual(expected);
    expect(refs(text)).toEqual([hub('library/alpine:3')]);
  });

  it('warns about blank lines inside a continuation', () => {
    expect(codes('FROM alpine:3 \\\n\n  AS base\n')).toEqual(['3:NoEmptyContinuation']);
  });

  it('rejects inline comments after FROM (no inline comments in Dockerfiles)', () => {
    expect(refs('FROM alpine:3 # pinned\n')).toEqual([]);
    expect(errors('FROM alpine:3 # pinned\n')).toEqual(['1:InvalidFrom']);
  });

  it('reports an unknown instruction with a suggestion', () => {
    const [problem] = analyze('FORM alpine:3\nFROM alpine:3\n').problems;
    expect(problem).toMatchObject({ line: 1, code: 'UnknownInstruction', severity: 'error' });
    expect(problem?.message).toBe('unknown instruction: FORM (did you mean FROM?)');
  });

  it('reports instructions other than ARG before the first FROM', () => {
    expect(errors('LABEL a=b\nARG X=1\nFROM alpine:3\n')).toEqual(['1:InstructionBeforeFrom']);
  });

  it('reports a line over BuildKit’s 64 KiB limit', () => {
    const text = `FROM alpine:3\nRUN echo ${'x'.repeat(70_000)}\nFROM busybox:1\n`;
    expect(errors(text)).toEqual(['2:LineTooLong']);
    expect(refs(text)).toEqual([hub('library/alpine:3')]);
  });
});

describe('heredocs', () => {
  it.each([
    ['RUN <<EOF', 'FROM alpine:3\nRUN <<EOF\nFROM evil:1\nCOPY --from=evil:2 /a /b\nEOF\nFROM ok:2\n'],
    ['<<-EOT with tab-indented terminator', 'FROM alpine:3\nRUN <<-EOT\n\tFROM evil:1\n\tEOT\nFROM ok:2\n'],
    ['quoted delimiter', 'FROM alpine:3\nRUN <<"EOF"\nFROM evil:1\nEOF\nFROM ok:2\n'],
    [
      'two heredocs on one RUN',
      'FROM alpine:3\nRUN <<A cat /dev/stdin - <<B\nFROM evil:1\nA\nFROM evil:2\nB\nFROM ok:2\n',
    ],
    ['COPY <<EOF', 'FROM alpine:3\nCOPY <<EOF /etc/x\nFROM evil:1\nEOF\nFROM ok:2\n'],
    ['ONBUILD RUN <<EOF', 'FROM alpine:3\nONBUILD RUN <<EOF\nFROM evil:1\nEOF\nFROM ok:2\n'],
    ['a heredoc on a continued line', 'FROM alpine:3\nRUN \\\n  <<EOF\nFROM evil:1\nEOF\nFROM ok:2\n'],
  ])('never reads heredoc bodies as instructions: %s', (_name, text) => {
    expect(refs(text)).toEqual([hub('library/alpine:3'), hub('library/ok:2')]);
    expect(errors(text)).toEqual([]);
  });

  it('the terminator must match exactly (a blank after it is not the end)', () => {
    const text = 'FROM alpine:3\nRUN <<EOF\nEOF \nFROM evil:1\nEOF\nFROM ok:2\n';
    expect(refs(text)).toEqual([hub('library/alpine:3'), hub('library/ok:2')]);
  });

  it('exec-form RUN has no heredocs', () => {
    expect(refs('FROM alpine:3\nRUN ["cat", "<<EOF"]\nFROM ok:2\nEOF\n')).toEqual([
      hub('library/alpine:3'),
      hub('library/ok:2'),
    ]);
  });

  it('quoted <<EOF is no heredoc', () => {
    expect(refs('FROM alpine:3\nRUN echo "<<EOF"\nFROM ok:2\n')).toEqual([
      hub('library/alpine:3'),
      hub('library/ok:2'),
    ]);
  });

  it('reports an unterminated heredoc', () => {
    expect(errors('FROM alpine:3\nRUN <<EOF\nFROM evil:1\n')).toEqual(['2:UnterminatedHeredoc']);
    expect(refs('FROM alpine:3\nRUN <<EOF\nFROM evil:1\n')).toEqual([hub('library/alpine:3')]);
  });
});

describe('ARGs before the first FROM', () => {
  it.each([
    ['a default referencing an earlier ARG', 'ARG A=x\nARG B=${A}-y\nFROM img:$B\n', hub('library/img:x-y')],
    ['multi-name ARG', 'ARG A=1 B=2\nFROM x:${A}${B}\n', hub('library/x:12')],
    [
      'quoted value with a blank inside',
      'ARG a1="foo bar" a2=box\nARG a3="$a2-foo"\nFROM busy$a2 AS build\n',
      hub('library/busybox:latest'),
    ],
    ['single-quoted default', "ARG V='nginx:1.0'\nFROM $V\n", hub('library/nginx:1.0')],
    ['escaped colon', 'ARG V=nginx\\:1.0\nFROM $V\n', hub('library/nginx:1.0')],
    ['a later ARG replaces an earlier one', 'ARG V=a\nARG V=b\nFROM x:$V\n', hub('library/x:b')],
    ['re-declared without value keeps the value', 'ARG V=1\nARG V\nFROM x:$V\n', hub('library/x:1')],
    [
      'automatic args in defaults',
      'ARG BASE=img-${TARGETARCH}\nFROM $BASE\n',
      hub('library/img-amd64:latest'),
    ],
    ['ARG lines continued', 'ARG \\\n  V=3.19\nFROM alpine:$V\n', hub('library/alpine:3.19')],
  ])('%s', (_name, text, expected) => {
    expect(refs(text)).toEqual([expected]);
    expect(errors(text)).toEqual([]);
  });

  it('ARGs inside a stage never reach later FROMs', () => {
    const text = 'ARG BASE=a:1\nFROM $BASE AS one\nARG BASE=b:1\nFROM $BASE AS two\n';
    expect(refs(text)).toEqual([hub('library/a:1')]);
    expect(analyze(text).images[0]?.lines).toEqual([2, 4]);
  });

  it('an ARG inside a stage with the same name does not change the meta ARG', () => {
    expect(refs('ARG V=1\nFROM alpine\nARG V=2\nFROM x:$V\n')).toEqual([
      hub('library/alpine:latest'),
      hub('library/x:1'),
    ]);
  });

  it('`ARG NAME value` declares two unset ARGs (BuildKit, not NAME=value)', () => {
    expect(refs('ARG LINUX_VERSION ubuntu16.04\nFROM nvidia/cuda:9-${LINUX_VERSION}\n')).toEqual([
      hub('nvidia/cuda:9-'),
    ]);
  });

  it('reports ARG with a blank name', () => {
    expect(errors('ARG =x\nFROM alpine:3\n')).toEqual(['1:InvalidArg']);
  });

  it('reports a failing ${V:?message} in an ARG default', () => {
    const result = analyze('ARG FOO=${FOO:?"custom error"}\nFROM alpine:3\n');
    expect(result.problems[0]).toMatchObject({ line: 1, code: 'ExpansionError', severity: 'error' });
    expect(result.problems[0]?.message).toContain('FOO: custom error');
  });
});

describe('expansion forms in FROM', () => {
  it.each([
    ['$V', 'ARG V=3\nFROM a:$V\n', 'a:3'],
    ['${V}', 'ARG V=3\nFROM a:${V}\n', 'a:3'],
    ['${V:-d} unset', 'ARG V\nFROM a:${V:-3.18}\n', 'a:3.18'],
    ['${V:-d} empty', 'ARG V=""\nFROM a:${V:-3.18}\n', 'a:3.18'],
    ['${V-d} unset', 'ARG V\nFROM a:1${V-x}\n', 'a:1x'],
    ['${V-d} empty', 'ARG V=""\nFROM a:1${V-x}\n', 'a:1'],
    ['${V:+a} set', 'ARG V=1\nFROM x:${V:+2}\n', 'x:2'],
    ['${V:+a} empty', 'ARG V=""\nFROM x:1${V:+2}\n', 'x:1'],
    ['${V+a} empty', 'ARG V=""\nFROM x:1${V+2}\n', 'x:12'],
    ['${V+a} unset', 'ARG V\nFROM x:1${V+2}\n', 'x:1'],
    ['${V#p}', 'ARG image=idlebox\nFROM busy${image#idle}\n', 'busybox'],
    ['${V##p}', 'ARG V=a-b-c\nFROM x:${V##*-}\n', 'x:c'],
    ['${V%p}', 'ARG V=1.2.3\nFROM x:${V%.*}\n', 'x:1.2'],
    ['${V%%p}', 'ARG V=1.2.3\nFROM x:${V%%.*}\n', 'x:1'],
    ['${V/p/r}', 'ARG V=ubuntu-ubuntu\nFROM ${V/ubuntu/debian}\n', 'debian-ubuntu'],
    ['${V//p/r}', 'ARG V=ubuntu-ubuntu\nFROM ${V//ubuntu/debian}\n', 'debian-debian'],
    ['${V:-$W} nested', 'ARG W=x:9\nFROM ${V:-$W}\n', 'x:9'],
    ['quotes removed', 'ARG ns=library\nARG v=3.19\nFROM "$ns"/alpine:"$v"\n', 'library/alpine:3.19'],
    ['single quotes are literal', "FROM 'alpine:3'\n", 'alpine:3'],
  ])('%s', (_name, text, expected) => {
    const [image] = analyze(text).images;
    expect(image?.raw).toBe(expected);
    expect(errors(text)).toEqual([]);
  });

  it.each([
    ['\\$ is a literal dollar', 'ARG TAG=1\nFROM x:\\$TAG\n', '2:InvalidReference'],
    ["'$V' is not expanded", "ARG V=1\nFROM 'x:$V'\n", '2:InvalidReference'],
    ['bad substitution', 'FROM x:${}\n', '1:ExpansionError'],
    ['unterminated ${', 'FROM x:${V\n', '1:ExpansionError'],
    ['open quote', 'FROM "x:1\n', '1:ExpansionError'],
    ['${V:?message} with V unset', 'ARG V\nFROM x:${V:?needed}\n', '2:ExpansionError'],
    ['a blank inside ${...} splits the FROM words', 'ARG V\nFROM x:${V:?need V}\n', '2:InvalidFrom'],
  ])('%s', (_name, text, expected) => {
    expect(refs(text)).toEqual([]);
    expect(errors(text)).toEqual([expected]);
  });
});

describe('build args', () => {
  it('override declared meta ARGs, unexpanded', () => {
    const text = 'ARG BASE=alpine\nARG TAG=3.19\nFROM ${BASE}:${TAG}\n';
    expect(refs(text, { buildArgs: { TAG: '3.20' } })).toEqual([hub('library/alpine:3.20')]);
    expect(refs(text, { buildArgs: { BASE: 'ghcr.io/acme/base', TAG: '$X' } })).toEqual([]);
  });

  it('only affect declared ARGs', () => {
    const result = analyze('FROM alpine:${TAG:-3.19}\n', { buildArgs: { TAG: '3.20' } });
    expect(result.images.map((i) => i.reference)).toEqual([hub('library/alpine:3.19')]);
    expect(result.problems.map((p) => p.code)).toEqual(['UndefinedArgInFrom']);
  });

  it('give an ARG without default a value', () => {
    expect(refs('ARG IMAGE\nFROM $IMAGE\n', { buildArgs: { IMAGE: 'node:22' } })).toEqual([
      hub('library/node:22'),
    ]);
  });

  it('override automatic args', () => {
    expect(refs('FROM img:${TARGETARCH}\n', { buildArgs: { TARGETARCH: 'riscv64' } })).toEqual([
      hub('library/img:riscv64'),
    ]);
  });
});

describe('automatic platform args', () => {
  it.each([
    ['TARGETPLATFORM', 'linux/arm/v7', 'linux/arm/v7'],
    ['TARGETOS', 'linux/arm64', 'linux'],
    ['TARGETARCH', 'linux/arm64', 'arm64'],
    ['TARGETVARIANT', 'linux/arm/v6', 'v6'],
    ['BUILDPLATFORM', 'linux/arm64', 'linux/amd64'],
    ['BUILDARCH', 'linux/arm64', 'amd64'],
  ])('%s for platform %s is %s', (name, platform, expected) => {
    const text = `ARG V=\${${name}}\nFROM x:\${V//\\//-}\n`;
    const [image] = analyze(text, { platform }).images;
    expect(image?.raw).toBe(`x:${expected.replaceAll('/', '-')}`);
  });

  it('TARGETSTAGE is the target, else the last stage name, else default', () => {
    const text = 'FROM x:${TARGETSTAGE} AS first\nFROM alpine:3 AS last\n';
    expect(analyze(text).images[0]?.raw).toBe('x:last');
    expect(analyze(text, { target: 'first' }).images[0]?.raw).toBe('x:first');
    expect(analyze('FROM x:${TARGETSTAGE}\n').images[0]?.raw).toBe('x:default');
  });

  it('picks the platform stage with FROM build_${TARGETARCH}', () => {
    const text =
      'FROM --platform=linux/amd64 alpine:3 AS build_amd64\nFROM --platform=linux/arm64 alpine:3 AS build_arm64\n' +
      'FROM build_${TARGETARCH} AS build\n';
    for (const [platform, stage] of [
      ['linux/amd64', 0],
      ['linux/arm64', 1],
    ] as const) {
      const result = analyze(text, { platform });
      expect(result.stages[2]?.base).toEqual({
        kind: 'stage',
        raw: `build_${platform.slice(6)}`,
        stageIndex: stage,
      });
      expect(result.images.filter((i) => i.reachable).map((i) => i.platform)).toEqual([platform]);
    }
  });

  it('the image platform is the FROM --platform, else the target platform', () => {
    const text = 'FROM --platform=$BUILDPLATFORM golang:1 AS b\nFROM alpine:3\nCOPY --from=busybox:1 /a /b\n';
    const result = analyze(text, { platform: 'linux/arm64', buildPlatform: 'linux/amd64' });
    expect(result.images.map((i) => [i.reference, i.platform])).toEqual([
      [hub('library/golang:1'), 'linux/amd64'],
      [hub('library/alpine:3'), 'linux/arm64'],
      [hub('library/busybox:1'), 'linux/arm64'],
    ]);
    expect(result.platform).toBe('linux/arm64');
  });

  it.each([
    ['arm64', 'linux/arm64'],
    ['linux/aarch64', 'linux/arm64'],
    ['linux/arm', 'linux/arm/v7'],
    ['linux/x86_64', 'linux/amd64'],
    ['windows', 'windows/amd64'],
  ])('normalizes --platform=%s to %s', (value, expected) => {
    const result = analyze(`FROM --platform=${value} alpine:3\n`);
    expect(result.stages[0]?.platform).toBe(expected);
    expect(result.images[0]?.platform).toBe(expected);
  });

  it('reports an invalid platform option at line 0 and falls back to linux/amd64', () => {
    const result = analyze('FROM alpine:3\n', { platform: 'not a platform' });
    expect(result.problems).toMatchObject([{ line: 0, code: 'InvalidOption', severity: 'error' }]);
    expect(result.platform).toBe('linux/amd64');
  });
});

describe('stages', () => {
  it('COPY --from and RUN --mount from= match stage names case-insensitively', () => {
    const text =
      'FROM alpine:3 AS Builder\nFROM busybox:1\nCOPY --from=builder /a /b\nCOPY --from=BUILDER /a /b\n' +
      'RUN --mount=type=bind,from=BuIlDeR,target=/x true\n';
    expect(refs(text)).toEqual([hub('library/alpine:3'), hub('library/busybox:1')]);
    expect(errors(text)).toEqual([]);
  });

  it('FROM matches earlier stage names exactly: a mixed-case reference is an invalid image', () => {
    const result = analyze('FROM alpine:3 AS builder\nFROM Builder\n');
    expect(result.images.map((i) => i.reference)).toEqual([hub('library/alpine:3')]);
    expect(result.problems[0]).toMatchObject({ line: 2, code: 'InvalidReference' });
    expect(result.problems[0]?.hint).toContain('write "builder"');
  });

  it('FROM ${BASE_IMAGE} without ARG BASE_IMAGE says to declare the ARG (a build arg cannot set it)', () => {
    const hint =
      'BASE_IMAGE is not set: declare ARG BASE_IMAGE=<default> before the first FROM (a --build-arg sets only an ARG declared there)';
    const blank = (result: ReturnType<typeof analyzeDockerfile>) =>
      result.problems.filter((problem) => problem.code === 'EmptyBaseName');
    const undeclared = analyze('FROM ${BASE_IMAGE}\n');
    expect(blank(undeclared)).toMatchObject([{ line: 1, severity: 'error', hint }]);
    // As in BuildKit, the build arg does not reach an ARG that is not declared.
    const passed = analyzeDockerfile('FROM ${BASE_IMAGE}\n', { buildArgs: { BASE_IMAGE: 'alpine:3' } });
    expect(blank(passed)).toMatchObject([{ line: 1, severity: 'error', hint }]);
    // Declared, it takes the build arg.
    const declared = analyzeDockerfile('ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n', {
      buildArgs: { BASE_IMAGE: 'alpine:3' },
    });
    expect(declared.images.map((i) => i.reference)).toEqual([hub('library/alpine:3')]);
    // Declared without a default and without a build arg: a default (or the build arg) helps.
    expect(blank(analyze('ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n'))).toMatchObject([
      {
        line: 2,
        hint: 'BASE_IMAGE is not set: give ARG BASE_IMAGE a default (ARG BASE_IMAGE=<image>) or pass --build-arg BASE_IMAGE=<image>',
      },
    ]);
  });

  it('numeric COPY --from is a stage index; out of range is an error', () => {
    expect(refs('FROM alpine:3\nFROM busybox:1\nCOPY --from=0 /a /b\n')).toEqual([
      hub('library/alpine:3'),
      hub('library/busybox:1'),
    ]);
    expect(errors('FROM alpine:3\nCOPY --from=5 /a /b\n')).toEqual(['2:InvalidStageIndex']);
    expect(errors('FROM alpine:3\nFROM busybox:1\nCOPY --from=-1 /a /b\n')).toEqual(['3:InvalidStageIndex']);
  });

  it('RUN --mount from=<number> is an image for BuildKit (no stage indexes), with a warning', () => {
    const result = analyze('FROM alpine:3\nFROM busybox:1\nRUN --mount=from=0,target=/x true\n');
    expect(result.images.map((i) => [i.reference, i.source])).toEqual([
      [hub('library/alpine:3'), 'from'],
      [hub('library/busybox:1'), 'from'],
      [hub('library/0:latest'), 'mount'],
    ]);
    expect(result.problems.map((p) => `${p.line}:${p.code}`)).toEqual([
      '3:NumericMountFrom',
      '3:UntaggedImage',
    ]);
  });

  it('a stage shadows an image of the same name', () => {
    const result = analyze('FROM node:22 AS node\nFROM node\nCOPY --from=node /a /b\n');
    expect(result.images.map((i) => i.reference)).toEqual([hub('library/node:22')]);
    expect(result.stages[1]?.base).toEqual({ kind: 'stage', raw: 'node', stageIndex: 0 });
  });

  it('FROM naming a later stage is an image', () => {
    const result = analyze('FROM tools\nFROM alpine:3 AS tools\n');
    expect(result.images.map((i) => i.reference)).toEqual([
      hub('library/tools:latest'),
      hub('library/alpine:3'),
    ]);
  });

  it('COPY --from a later stage is a stage and an error when built', () => {
    const text = 'FROM alpine:3 AS a\nCOPY --from=b /x /y\nFROM busybox:1 AS b\nFROM a\n';
    const result = analyze(text);
    expect(result.images.map((i) => i.reference)).toEqual([
      hub('library/alpine:3'),
      hub('library/busybox:1'),
    ]);
    expect(result.problems).toMatchObject([{ line: 2, code: 'StageDefinedLater', severity: 'error' }]);
  });

  it('COPY --from a later stage in a stage the target does not build is a warning', () => {
    const result = analyze('FROM alpine:3 AS a\nCOPY --from=b /x /y\nFROM busybox:1 AS b\n');
    expect(result.problems).toMatchObject([{ line: 2, code: 'StageDefinedLater', severity: 'warning' }]);
  });

  it('the last duplicate stage name wins COPY --from lookups', () => {
    const result = analyze('FROM alpine:3 AS x\nFROM busybox:1 AS x\nFROM scratch\nCOPY --from=x /a /b\n');
    expect(result.stages.filter((s) => s.reachable).map((s) => s.index)).toEqual([1, 2]);
    expect(result.problems.map((p) => p.code)).toEqual(['DuplicateStageName']);
  });

  it.each([
    ['FROM scratch', 'FROM scratch\n'],
    ['COPY --from=scratch', 'FROM scratch\nCOPY --from=scratch /a /b\n'],
    ['RUN --mount from=scratch', 'FROM scratch\nRUN --mount=from=scratch,target=/x true\n'],
    ['scratch from an ARG', 'ARG img="scratch"\nFROM $img\n'],
    ['a cache mount without from', 'FROM scratch\nRUN --mount=type=cache,target=/x true\n'],
    ['a tmpfs mount ignores from', 'FROM scratch\nRUN --mount=type=tmpfs,from=evil:1,target=/x true\n'],
  ])('scratch is no dependency: %s', (_name, text) => {
    expect(refs(text)).toEqual([]);
    expect(errors(text)).toEqual([]);
  });

  it('FROM SCRATCH is an invalid image (scratch is matched exactly)', () => {
    expect(errors('FROM SCRATCH\n')).toEqual(['1:InvalidReference']);
  });

  it('describes stages', () => {
    const result = analyze('FROM --platform=linux/arm64 alpine:3 AS Build\nFROM build\nFROM scratch\n', {
      target: 'BUILD',
    });
    expect(result.stages).toEqual([
      {
        index: 0,
        name: 'build',
        line: 1,
        base: { kind: 'image', raw: 'alpine:3', reference: hub('library/alpine:3') },
        platform: 'linux/arm64',
        reachable: true,
        onbuild: [],
      },
      {
        index: 1,
        line: 2,
        base: { kind: 'stage', raw: 'build', stageIndex: 0 },
        reachable: false,
        onbuild: [],
      },
      { index: 2, line: 3, base: { kind: 'scratch', raw: 'scratch' }, reachable: false, onbuild: [] },
    ]);
    expect(result.targetStage).toBe(0);
  });

  it('reports an unknown target with the stage names', () => {
    const result = analyze('FROM alpine:3 AS build\nFROM scratch AS final\n', { target: 'buidl' });
    expect(result.problems[0]).toMatchObject({ line: 0, code: 'TargetNotFound', severity: 'error' });
    expect(result.problems[0]?.message).toBe('target stage "buidl" could not be found (did you mean build?)');
  });

  it('rejects an invalid stage name', () => {
    expect(errors('FROM alpine:3 AS 1st\n')).toEqual(['1:InvalidStageName']);
  });
});

describe('reachability', () => {
  const text =
    'FROM golang:1.22 AS build\nFROM node:22 AS test\nFROM alpine:3.19 AS tools\n' +
    'FROM gcr.io/distroless/static:nonroot\nCOPY --from=build /app /app\nRUN --mount=from=tools,target=/t true\n';

  it('marks images the target builds as reachable (default: the last stage)', () => {
    expect(analyze(text).images.map((i) => [i.familiar, i.reachable])).toEqual([
      ['golang:1.22', true],
      ['node:22', false],
      ['alpine:3.19', true],
      ['gcr.io/distroless/static:nonroot', true],
    ]);
  });

  it('follows the target option', () => {
    expect(
      analyze(text, { target: 'test' })
        .images.filter((i) => i.reachable)
        .map((i) => i.familiar),
    ).toEqual(['node:22']);
  });
});

describe('duplicates', () => {
  it('reports an image once with all its lines', () => {
    const text = 'FROM alpine:3.19 AS a\nFROM alpine:3.19 AS b\nFROM docker.io/library/alpine:3.19\n';
    const result = analyze(text);
    expect(result.images).toHaveLength(1);
    expect(result.images[0]).toMatchObject({ line: 1, lines: [1, 2, 3], stage: 'a', stageIndex: 0 });
  });

  it('keeps different sources and platforms apart', () => {
    const text =
      'FROM alpine:3 AS a\nFROM --platform=linux/arm64 alpine:3 AS b\nFROM scratch\nCOPY --from=alpine:3 /a /b\nCOPY --from=alpine:3 /c /d\n';
    expect(analyze(text).images.map((i) => [i.source, i.platform, i.lines])).toEqual([
      ['from', 'linux/amd64', [1]],
      ['from', 'linux/arm64', [2]],
      ['copy', 'linux/amd64', [4, 5]],
    ]);
  });
});

describe('COPY and RUN flags', () => {
  it.each([
    [
      '--from after other flags',
      'FROM scratch\nCOPY --chown=1:1 --chmod=0755 --exclude=*.md --from=img:1 /a /b\n',
    ],
    ['--link before --from', 'FROM scratch\nCOPY --link --from=img:1 /a /b\n'],
    ['quoted flag value', 'FROM scratch\nCOPY --from="img:1" /a /b\n'],
    ['ONBUILD COPY --from', 'FROM scratch\nONBUILD COPY --from=img:1 /a /b\n'],
    ['a mount with from= not first', 'FROM scratch\nRUN --mount=type=bind,target=/x,from=img:1 true\n'],
    [
      'the second of two mounts',
      'FROM scratch\nRUN --mount=type=cache,target=/c --mount=type=bind,from=img:1,target=/x true\n',
    ],
    ['a quoted CSV mount', 'FROM scratch\nRUN --mount="type=bind,from=img:1,target=/x" true\n'],
    ['a quoted CSV field', 'FROM scratch\nRUN --mount=type=bind,"from=img:1",target=/x true\n'],
    ['uppercase keys', 'FROM scratch\nRUN --mount=TYPE=cache,FROM=img:1,target=/x true\n'],
    ['an ssh mount with from', 'FROM scratch\nRUN --mount=type=ssh,from=img:1 true\n'],
  ])('%s', (_name, text) => {
    expect(refs(text)).toEqual([hub('library/img:1')]);
    expect(errors(text)).toEqual([]);
  });

  it.each([
    ['COPY --from without =', 'FROM scratch\nCOPY --from img:1 /a /b\n', '2:InvalidFlag'],
    ['COPY --from twice', 'FROM scratch\nCOPY --from=a:1 --from=b:1 /a /b\n', '2:InvalidFlag'],
    ['COPY --from=$X', 'ARG X=img:1\nFROM scratch\nCOPY --from=$X /a /b\n', '3:UnsupportedVariable'],
    ['COPY --from=${X}', 'FROM scratch\nCOPY --from=${X} /a /b\n', '2:UnsupportedVariable'],
    ['mount from=$X', 'FROM scratch\nRUN --mount=from=$X,target=/x true\n', '2:UnsupportedVariable'],
    [
      'a secret mount with from',
      'FROM scratch\nRUN --mount=type=secret,id=s,from=img:1 true\n',
      '2:InvalidMount',
    ],
    ['an unknown mount type', 'FROM scratch\nRUN --mount=type=nfs,from=img:1 true\n', '2:InvalidMount'],
    ['a bare CSV quote', 'FROM scratch\nRUN --mount=from=img\\"1,target=/x true\n', '2:InvalidMount'],
    ['an invalid image', 'FROM scratch\nCOPY --from=Img:1 /a /b\n', '2:InvalidReference'],
    ['FROM with an unknown flag', 'FROM --foo=bar img:1\n', '1:InvalidFlag'],
    ['FROM --platform twice', 'FROM --platform=linux/amd64 --platform=linux/arm64 img:1\n', '1:InvalidFlag'],
  ])('reports %s', (_name, text, expected) => {
    expect(errors(text)).toEqual([expected]);
  });
});

describe('ONBUILD', () => {
  it('records ONBUILD instructions on the stage and their images as onbuild', () => {
    const result = analyze(
      'FROM alpine:3\nONBUILD COPY --from=tools:1 /a /b\nONBUILD RUN --mount=from=cache:2,target=/c true\n',
    );
    expect(result.stages[0]?.onbuild).toEqual([
      { line: 2, instruction: 'COPY --from=tools:1 /a /b' },
      { line: 3, instruction: 'RUN --mount=from=cache:2,target=/c true' },
    ]);
    expect(result.images.map((i) => [i.familiar, i.source, i.onbuild, i.reachable])).toEqual([
      ['alpine:3', 'from', false, true],
      ['tools:1', 'copy', true, false],
      ['cache:2', 'mount', true, false],
    ]);
  });

  it('triggers run in a later stage based on the stage: then they are reachable', () => {
    const result = analyze('FROM alpine:3 AS base\nONBUILD COPY --from=tools:1 /a /b\nFROM base\n');
    expect(result.images.find((i) => i.onbuild)).toMatchObject({
      familiar: 'tools:1',
      reachable: true,
      stage: 'base',
    });
  });

  it.each([
    ['ONBUILD ONBUILD', 'FROM alpine:3\nONBUILD ONBUILD RUN x\n'],
    ['ONBUILD FROM', 'FROM alpine:3\nONBUILD FROM busybox\n'],
    ['ONBUILD MAINTAINER', 'FROM alpine:3\nONBUILD MAINTAINER me\n'],
    ['empty ONBUILD', 'FROM alpine:3\nONBUILD\n'],
  ])('rejects %s', (_name, text) => {
    expect(errors(text)).toEqual(['2:InvalidOnbuild']);
    expect(refs(text)).toEqual([hub('library/alpine:3')]);
  });
});

describe('check directive', () => {
  const text = 'FROM alpine:3 as a\nFROM a\n';

  it('skip=<rule> silences a check', () => {
    expect(codes(text)).toEqual(['1:FromAsCasing']);
    expect(codes(`# check=skip=FromAsCasing\n${text}`)).toEqual([]);
    expect(codes(`# check=skip=all\n${text}`)).toEqual([]);
  });

  it('error=true turns BuildKit check warnings into errors', () => {
    expect(errors(`# check=error=true\n${text}`)).toEqual(['2:FromAsCasing']);
  });

  it('the BUILDKIT_DOCKERFILE_CHECK build arg takes precedence', () => {
    expect(
      codes(`# check=error=true\n${text}`, { buildArgs: { BUILDKIT_DOCKERFILE_CHECK: 'skip=all' } }),
    ).toEqual([]);
  });

  it('reports invalid check options', () => {
    expect(errors(`# check=nonsense\n${text}`)).toEqual(['1:InvalidDirective']);
  });
});

describe('syntax directive', () => {
  it.each([
    ['# syntax=', '# syntax=docker/dockerfile:1.7\nFROM alpine:3\n', 1],
    ['// syntax=', '// syntax=docker/dockerfile:1.7\nFROM alpine:3\n', 1],
    ['after a shebang', '#!/usr/bin/env buildctl\n# syntax=docker/dockerfile:1.7\nFROM alpine:3\n', 2],
    ['with extra words', '# syntax = docker/dockerfile:1.7 --some-option\nFROM alpine:3\n', 1],
  ])('%s', (_name, text, line) => {
    expect(analyze(text).syntax).toEqual({
      raw: 'docker/dockerfile:1.7',
      reference: 'docker.io/docker/dockerfile:1.7',
      line,
    });
  });

  it('reports an invalid frontend image', () => {
    expect(errors('# syntax=Docker/Dockerfile\nFROM alpine:3\n')).toEqual(['1:InvalidReference']);
  });
});

describe('robustness', () => {
  it.each([
    ['empty', '', ['0:EmptyDockerfile']],
    ['only comments', '# nothing\n\n# here\n', ['0:NoInstructions']],
    ['no FROM', 'ARG X=1\n', ['0:NoStages']],
    ['binary junk', '\u0000\u0001\uFFFD\u0002', ['0:NoStages', '1:UnknownInstruction']],
  ])('%s', (_name, text, expected) => {
    expect(errors(text)).toEqual(expected);
    expect(analyze(text).images).toEqual([]);
  });

  it('caps the number of problems', () => {
    const text = `FROM alpine:3\n${'BOGUS x\n'.repeat(500)}`;
    const result = analyze(text);
    expect(result.problems).toHaveLength(201);
    expect(result.problems[200]).toMatchObject({ code: 'TooManyProblems', severity: 'error', line: 202 });
    expect(result.problems[200]?.message).toBe('300 more problems omitted (from line 202)');
  });

  it('tolerates non-string input and bad options from JavaScript callers', () => {
    expect(analyzeDockerfile(undefined as unknown as string).problems[0]?.code).toBe('NoStages');
    const result = analyzeDockerfile('FROM alpine:3\n', { buildArgs: null, target: undefined } as never);
    expect(result.images).toHaveLength(1);
  });

  it('is deterministic', () => {
    const text = 'ARG A=1\nFROM x:$A AS a\nFROM y:$B\nCOPY --from=a /1 /2\nCOPY --from=z:1 /3 /4\n';
    expect(JSON.stringify(analyze(text))).toBe(JSON.stringify(analyze(text)));
  });
});
