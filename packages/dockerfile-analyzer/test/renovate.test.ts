// The Renovate Dockerfile-manager cases of the reference doc (§1.3, §1.4), with the answer BuildKit
// gives. Where Renovate's answer differs, the row says so ("RN:") and we assert BuildKit's.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyze, D1, D2, D3, D5, errors, refs } from './helpers.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

interface Case {
  readonly id: string;
  readonly input: string;
  /** Expected `reference`s (BuildKit's answer), in order. */
  readonly images: readonly string[];
  /** Expected error problems (`line:code`); none when omitted. */
  readonly errors?: readonly string[];
  /** Where Renovate answers differently. */
  readonly renovate?: string;
}

const hub = (repo: string) => `docker.io/${repo}`;

const CASES: readonly Case[] = [
  // Basic FROM
  {
    id: 'R1',
    input: 'no from!',
    images: [],
    errors: ['0:NoStages', '1:UnknownInstruction'],
    renovate: 'null result',
  },
  { id: 'R2', input: 'FROM node\n', images: [hub('library/node:latest')] },
  { id: 'R3', input: 'From node\n', images: [hub('library/node:latest')] },
  { id: 'R4', input: 'FROM node:8.9.0-alpine\n', images: [hub('library/node:8.9.0-alpine')] },
  { id: 'R5', input: `FROM node@${D1}\n`, images: [hub(`library/node@${D1}`)] },
  { id: 'R6', input: `FROM node:8.9.0@${D1}\n`, images: [hub(`library/node:8.9.0@${D1}`)] },
  { id: 'R7', input: 'FROM node:8.9.0-alpine as base\n', images: [hub('library/node:8.9.0-alpine')] },
  { id: 'R8', input: '# some comment\n# another\n\nFROM node\n', images: [hub('library/node:latest')] },
  {
    id: 'R9',
    input: 'FROM    registry.allmine.info:5005/node:8.7.0\n\n',
    images: ['registry.allmine.info:5005/node:8.7.0'],
  },
  { id: 'R10', input: '\uFEFFFROM node:6.12.3 as frontend\n\n', images: [hub('library/node:6.12.3')] },
  { id: 'R11', input: 'FROM alpine:3.5\n\nRUN something \\', images: [hub('library/alpine:3.5')] },
  { id: 'R12', input: 'FROM \\ \nnginx:1.20\n', images: [hub('library/nginx:1.20')] },
  // Registries, namespaces, hosts
  { id: 'R13', input: 'FROM registry2.something.info/node:8\n', images: ['registry2.something.info/node:8'] },
  {
    id: 'R14',
    input: 'FROM registry2.something.info/node:8-alpine\n',
    images: ['registry2.something.info/node:8-alpine'],
  },
  {
    id: 'R15',
    input: 'FROM registry2.something.info:5005/node:8\n',
    images: ['registry2.something.info:5005/node:8'],
  },
  {
    id: 'R16',
    input: 'FROM registry2.something.info:5005/node\n',
    images: ['registry2.something.info:5005/node:latest'],
  },
  {
    id: 'R17',
    input: 'FROM quay.io:1234/node\n',
    images: ['quay.io:1234/node:latest'],
    renovate: 'depName quay.io/node (port dropped for display)',
  },
  { id: 'R18', input: 'FROM mynamespace/node:8\n', images: [hub('mynamespace/node:8')] },
  {
    id: 'R19',
    input: 'FROM registry2.something.info/someaccount/node:8\n',
    images: ['registry2.something.info/someaccount/node:8'],
  },
  { id: 'R20', input: 'FROM calico/node\n', images: [hub('calico/node:latest')] },
  { id: 'R21', input: 'FROM ubuntu:18.04\n', images: [hub('library/ubuntu:18.04')] },
  { id: 'R22', input: 'FROM debian:buster\n', images: [hub('library/debian:buster')] },
  { id: 'R23', input: 'FROM debian:11.4-slim\n', images: [hub('library/debian:11.4-slim')] },
  {
    id: 'R24',
    input: 'FROM amd64/debian:10\n',
    images: [hub('amd64/debian:10')],
    renovate: 'depName debian (amd64/ stripped for display); we never strip it',
  },
  { id: 'R25', input: 'FROM docker.io/library/debian:10\n', images: [hub('library/debian:10')] },
  {
    id: 'R26',
    input: 'FROM amd64/ubuntu:18.04\n',
    images: [hub('amd64/ubuntu:18.04')],
    renovate: 'depName ubuntu',
  },
  {
    id: 'R27',
    input: 'FROM public.ecr.aws/ubuntu/ubuntu:18.04\n',
    images: ['public.ecr.aws/ubuntu/ubuntu:18.04'],
  },
  {
    id: 'R28',
    input: 'FROM quay.io/myName/myPackage:0.6.2\n',
    images: [],
    errors: ['1:InvalidReference'],
    renovate: 'accepted; BuildKit rejects uppercase repository paths',
  },
  // Multi-stage, scratch, COPY --from, RUN --mount
  { id: 'R29', input: 'FROM scratch\nADD foo\n', images: [] },
  {
    id: 'R30',
    input: 'FROM node:6.12.3 as frontend\n\n# comment\nENV foo=bar\nFROM python:3.6-slim\n',
    images: [hub('library/node:6.12.3'), hub('library/python:3.6-slim')],
  },
  {
    id: 'R31',
    input: 'FROM node:6.12.3 as frontend\n\n# comment\nENV foo=bar\nFROM frontend\n',
    images: [hub('library/node:6.12.3')],
  },
  {
    id: 'R32',
    input:
      'FROM scratch\nCOPY --from=gcr.io/k8s-skaffold/skaffold:v0.11.0 /usr/bin/skaffold /usr/bin/skaffold\n',
    images: ['gcr.io/k8s-skaffold/skaffold:v0.11.0'],
  },
  {
    id: 'R33',
    input: `FROM scratch\nCOPY --from=gcr.io/k8s-skaffold/skaffold:v0.11.0@${D2} \\\n  /usr/bin/skaffold /usr/bin/skaffold`,
    images: [`gcr.io/k8s-skaffold/skaffold:v0.11.0@${D2}`],
  },
  {
    id: 'R34',
    input:
      'FROM scratch\nCOPY --link --from=gcr.io/k8s-skaffold/skaffold:v0.11.0 /usr/bin/skaffold /usr/bin/skaffold',
    images: ['gcr.io/k8s-skaffold/skaffold:v0.11.0'],
  },
  {
    id: 'R35',
    input:
      'FROM node:6.12.3 as frontend\n\n# comment\nENV foo=bar\nCOPY --from=frontend /usr/bin/node /usr/bin/node\n',
    images: [hub('library/node:6.12.3')],
    errors: ['5:StageDefinedLater'],
    renovate: 'no error; BuildKit: a stage cannot copy from itself (circular dependency)',
  },
  {
    id: 'R36',
    input:
      'FROM node:6.12.3 as frontend\n\n# comment\nENV foo=bar\nCOPY --from=0 /usr/bin/node /usr/bin/node\n',
    images: [hub('library/node:6.12.3')],
    errors: ['5:StageDefinedLater'],
    renovate: 'no error; index 0 is the current stage in BuildKit',
  },
  {
    id: 'R37',
    input:
      'FROM node:8.15.1-alpine as skippedfrom\nFROM golang:1.23.3 as builder\nRUN go build -o /go/bin/app ./...\n' +
      'FROM alpine:latest  \nWORKDIR /app\nCOPY --from=builder /go/bin/app .\n',
    images: [hub('library/node:8.15.1-alpine'), hub('library/golang:1.23.3'), hub('library/alpine:latest')],
  },
  {
    id: 'R38',
    input:
      'FROM scratch as build\nFROM scratch as final\n' +
      'RUN --mount=from=ghcr.io/astral-sh/uv,source=/uv,target=/bin/uv uv pip install numpy\n' +
      'RUN --mount=type=cache,from=example.com/cache/image,target=/root/.cache pip install numpy\n' +
      'RUN --mount=type=bind,from=build,source=/project/dist/lib.whl,target=/dist/lib.whl pip install /dist/lib.whl\n',
    images: ['ghcr.io/astral-sh/uv:latest', 'example.com/cache/image:latest'],
  },
  {
    id: 'R39 (fixture 1)',
    input: fixture('renovate-1.Dockerfile'),
    images: [hub(`library/node:8.11.3-alpine@${D2}`), hub('buildkite/puppeteer:1.1.1')],
  },
  {
    id: 'R40 (fixture 2, syntax zoo)',
    input: fixture('renovate-2.Dockerfile'),
    images: [
      hub('library/image1:latest'),
      hub('library/image4:latest'),
      hub('library/image5:latest'),
      hub('library/image6:latest'),
      hub('library/image11:latest'),
      hub('library/image12:latest'),
      hub('library/image13:latest'),
    ],
    errors: ['3:InvalidReference', '14:InvalidReference'],
    renovate: 'image2 and image7 accepted with digest sha256:abcdef; BuildKit: digest too short',
  },
  // ARG substitution
  {
    id: 'R41',
    input: 'ARG img_base\nFROM $img_base\n',
    images: [],
    errors: ['2:EmptyBaseName'],
    renovate: 'skipReason contains-variable; BuildKit: "base name should not be blank"',
  },
  {
    id: 'R42',
    input: 'ARG patch1=""\nARG patch2=\nFROM nginx:1.20${patch1}$patch2\n',
    images: [hub('library/nginx:1.20')],
  },
  {
    id: 'R43',
    input:
      "ARG DOCKER_HUB_MIRROR=''\nARG NODE_VERSION=21\nFROM ${DOCKER_HUB_MIRROR}node:${NODE_VERSION}-alpine\n",
    images: [hub('library/node:21-alpine')],
  },
  {
    id: 'R44',
    input: 'ARG\tVARIANT="1.60.0-bullseye" \nFROM\trust:${VARIANT}\n',
    images: [hub('library/rust:1.60.0-bullseye')],
  },
  {
    id: 'R45',
    input: 'ARG IMAGE_VERSION=${IMAGE_VERSION:-ubuntu:xenial}\nfrom ${IMAGE_VERSION} as base\n',
    images: [hub('library/ubuntu:xenial')],
  },
  {
    id: 'R46',
    input: `ARG sha_digest=${D3}\n      FROM gcr.io/distroless/java17@$sha_digest`,
    images: [`gcr.io/distroless/java17@${D3}`],
  },
  {
    id: 'R47',
    input:
      'ARG base=nginx:1.19\nFROM $base as stage1\nARG base=nginx:1.20\nFROM --platform=amd64 $base as stage2\n',
    images: [hub('library/nginx:1.19')],
    renovate: 'nginx:1.20 for stage2; BuildKit: the second ARG is inside stage1, both FROMs are nginx:1.19',
  },
  {
    id: 'R48',
    input: 'ARG CUDA=9.2\nARG LINUX_VERSION ubuntu16.04\nFROM nvidia/cuda:${CUDA}-devel-${LINUX_VERSION}\n',
    images: [hub('nvidia/cuda:9.2-devel-')],
    renovate: '9.2-devel-ubuntu16.04; BuildKit: `ARG NAME value` declares two unset ARGs',
  },
  { id: 'R49', input: 'ARG img="scratch"\nFROM $img as base\n', images: [] },
  {
    id: 'R50 (fixture 3)',
    input: fixture('renovate-3.Dockerfile'),
    images: [hub('library/alpine:3.15.4')],
    errors: ['12:EmptyBaseName'],
    renovate:
      'nginx:1.18.0-alpine for stage2; BuildKit: that ARG is stage-local, so stage2 expands to nothing',
  },
  {
    id: 'R51',
    input:
      'ARG REF_NAME=${REF_NAME:-"gcr.io/distroless/static-debian11:nonroot@sha256:abc"}\nfrom ${REF_NAME}',
    images: [],
    errors: ['2:InvalidReference'],
    renovate: 'digest sha256:abc accepted; BuildKit: invalid digest',
  },
  {
    id: 'R52',
    input: 'ARG IMAGE_TAG=14.04\r\n#something unrelated\r\nFROM ubuntu:$IMAGE_TAG@sha256:abc\r\n',
    images: [],
    errors: ['3:InvalidReference'],
    renovate: 'ubuntu 14.04 with digest sha256:abc; BuildKit: invalid digest',
  },
  {
    id: 'R53',
    input:
      `# random comment\n\nARG NODE_IMAGE_HASH="@${D5}"\nARG NODE_IMAGE_HOST="docker.io/library/"\n` +
      'ARG NODE_IMAGE_NAME=node\nARG NODE_IMAGE_TAG="16.14.2-alpine3.14"\nARG DUMMY_PREFIX=\n' +
      'FROM ${DUMMY_PREFIX}${NODE_IMAGE_HOST}${NODE_IMAGE_NAME}:${NODE_IMAGE_TAG}${NODE_IMAGE_HASH} as yarn\n',
    images: [hub(`library/node:16.14.2-alpine3.14@${D5}`)],
  },
  {
    id: 'R54',
    input: 'ARG DOCKER=docker\nFROM ${DOCKER}.io/library/${DOCKER}:29.1.1-dind',
    images: [hub('library/docker:29.1.1-dind')],
  },
  // Directives
  {
    id: 'R55',
    input: '# syntax=docker/dockerfile:1.1.7\nFROM alpine:3.13.5\n',
    images: [hub('library/alpine:3.13.5')],
  },
  {
    id: 'R56',
    input: 'FROM alpine:3.13.5\n# syntax=docker/dockerfile:1.1.7\n',
    images: [hub('library/alpine:3.13.5')],
  },
  {
    id: 'R57',
    input: '# dummy\n# escape = `\n\nFROM\\\nnginx:1.20',
    images: [],
    errors: ['0:NoStages', '4:UnknownInstruction'],
    renovate:
      'nginx:1.20; BuildKit joins continuation lines without a blank: "FROMnginx:1.20" is no instruction',
  },
  {
    id: 'R58 (fixture 4)',
    input: fixture('renovate-4.Dockerfile'),
    images: [hub('library/alpine:3.15.4'), hub('library/image5:latest'), hub('library/image12:latest')],
    errors: ['15:InvalidReference'],
    renovate: 'nginx 18.04@sha256:abcdef accepted; BuildKit: digest too short',
  },
  // Renovate behaviours found by code reading (§1.4)
  {
    id: 'heredoc body',
    input: 'FROM alpine:3.19\nRUN <<EOF\nFROM evil:1\nEOF\nFROM ok:2\n',
    images: [hub('library/alpine:3.19'), hub('library/ok:2')],
    renovate: 'evil:1 extracted from the heredoc body',
  },
  {
    id: 'alias case',
    input: 'FROM alpine:3.19 AS Builder\nFROM busybox:1.36\nCOPY --from=builder /a /b\n',
    images: [hub('library/alpine:3.19'), hub('library/busybox:1.36')],
    renovate: 'builder reported as an image (case-sensitive alias list)',
  },
  {
    id: 'multi-name ARG',
    input: 'ARG A=1 B=2\nFROM x:${A}${B}\n',
    images: [hub('library/x:12')],
    renovate: 'only A recorded',
  },
  {
    id: 'syntax after check',
    input: '# check=skip=FromAsCasing\n# syntax=docker/dockerfile:1.7\nFROM alpine:3.19 as a\n',
    images: [hub('library/alpine:3.19')],
    renovate: 'syntax dep missed (line 1 only)',
  },
  {
    id: 'ONBUILD COPY --from',
    input: 'FROM alpine:3.19\nONBUILD COPY --from=tools:1 /a /b\n',
    images: [hub('library/alpine:3.19'), hub('library/tools:1')],
    renovate: 'not extracted',
  },
  {
    id: 'quoted FROM',
    input: 'FROM "alpine:3.19"\n',
    images: [hub('library/alpine:3.19')],
    renovate: 'quotes kept',
  },
];

describe('Renovate cases with BuildKit answers', () => {
  it.each(CASES)('$id', ({ input, images, errors: expectedErrors = [] }) => {
    expect(refs(input)).toEqual(images);
    expect(errors(input)).toEqual(expectedErrors);
  });

  it('R17: keeps the registry port in the reference', () => {
    const [image] = analyze('FROM quay.io:1234/node\n').images;
    expect(image).toMatchObject({ registry: 'quay.io:1234', repository: 'node', tag: 'latest' });
  });

  it('R55: records the syntax frontend separately, not as a base image', () => {
    const result = analyze('# syntax=docker/dockerfile:1.1.7\nFROM alpine:3.13.5\n');
    expect(result.syntax).toEqual({
      raw: 'docker/dockerfile:1.1.7',
      reference: 'docker.io/docker/dockerfile:1.1.7',
      line: 1,
    });
    expect(analyze('FROM alpine:3.13.5\n# syntax=docker/dockerfile:1.1.7\n').syntax).toBeUndefined();
  });

  it('syntax on line 2 after a check directive is still the frontend (Renovate misses it)', () => {
    const result = analyze(
      '# check=skip=FromAsCasing\n# syntax=docker/dockerfile:1.7\nFROM alpine:3.19 as a\n',
    );
    expect(result.syntax?.reference).toBe('docker.io/docker/dockerfile:1.7');
    expect(result.problems.map((p) => p.code)).not.toContain('FromAsCasing');
  });

  it('R36: a numeric COPY --from names a stage, never an image', () => {
    const result = analyze(
      'FROM node:6.12.3 AS a\nFROM alpine:3\nCOPY --from=0 /usr/bin/node /usr/bin/node\n',
    );
    expect(result.images.map((i) => i.source)).toEqual(['from', 'from']);
    expect(result.problems).toEqual([]);
  });

  it('R39: the alias node shadows the image node in later FROMs', () => {
    const result = analyze(fixture('renovate-1.Dockerfile'));
    const production = result.stages.find((stage) => stage.name === 'production');
    expect(production?.base).toEqual({ kind: 'stage', raw: 'node', stageIndex: 0 });
  });
});
