// Guards against quadratic work: big inputs must stay fast (generous bounds, shared CI machines).

import { describe, expect, it } from 'vitest';
import { analyzeDockerfile } from '../src/index.js';

describe('performance', () => {
  it('analyzes a 40k-line Dockerfile with many stages in well under a few seconds', () => {
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
    const started = performance.now();
    const result = analyzeDockerfile(text);
    const elapsed = performance.now() - started;
    expect(result.stages).toHaveLength(4000);
    expect(result.images).toHaveLength(51);
    expect(result.images[0]?.lines).toHaveLength(4000);
    expect(elapsed).toBeLessThan(5000);
  });

  it('analyzes thousands of small Dockerfiles quickly', () => {
    const text =
      '# syntax=docker/dockerfile:1\nARG NODE=22\nFROM --platform=$BUILDPLATFORM golang:1.22 AS build\n' +
      'RUN --mount=type=cache,target=/root/.cache go build ./...\nFROM node:${NODE}-bookworm-slim\n' +
      'COPY --from=build /out /app\nCOPY --from=gcr.io/distroless/static:nonroot /etc/passwd /etc/passwd\n';
    const started = performance.now();
    for (let i = 0; i < 3000; i++) analyzeDockerfile(`${text}# ${i}\n`);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
