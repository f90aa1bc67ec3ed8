// Large inputs give complete, correct answers. Speed is measured by `pnpm bench` (bench/discovery.mjs),
// never by wall-clock assertions here; vitest's per-test timeout still stops a runaway (quadratic) case.

import { describe, expect, it } from 'vitest';
import { analyzeDockerfile } from '../src/index.js';

describe('large inputs', () => {
  it('analyzes a 40k-line Dockerfile with 4,000 stages completely', () => {
    const parts = ['ARG BASE=alpine', 'ARG TAG=3.19'];
    for (let i = 0; i < 4000; i++) {
      parts.push(
        `FROM \${BASE}:\${TAG} AS s${i}`,
        `COPY --from=s${Math.max(0, i - 1)} /a /b`,
        `COPY --from=tools${i % 50}:1 /x /y`,
        `RUN --mount=type=cache,target=/c --mount=from=s${Math.max(0, i - 1)},target=/d make \\`,
        '  && make install',
        'RUN <<EOF',
        'echo FROM not:this',
        'EOF',
        'ENV A=1',
        'USER 1000',
      );
    }
    const text = `${parts.join('\n')}\n`;
    const result = analyzeDockerfile(text);
    expect(result.stages).toHaveLength(4000);
    expect(result.images).toHaveLength(51);
    expect(result.images[0]?.lines).toHaveLength(4000);
  });

  it('gives the same answer for thousands of small Dockerfiles in one process', () => {
    const text =
      '# syntax=docker/dockerfile:1\nARG NODE=22\nFROM --platform=$BUILDPLATFORM golang:1.22 AS build\n' +
      'RUN --mount=type=cache,target=/root/.cache go build ./...\nFROM node:${NODE}-bookworm-slim\n' +
      'COPY --from=build /out /app\nCOPY --from=gcr.io/distroless/static:nonroot /etc/passwd /etc/passwd\n';
    const first = analyzeDockerfile(text).images.map((image) => image.reference);
    expect(first).toEqual([
      'docker.io/library/golang:1.22',
      'docker.io/library/node:22-bookworm-slim',
      'gcr.io/distroless/static:nonroot',
    ]);
    for (let i = 0; i < 3000; i++) {
      const images = analyzeDockerfile(`${text}# ${i}\n`).images.map((image) => image.reference);
      if (images.join() !== first.join()) expect(images, `file ${i}`).toEqual(first);
    }
  });
});
