// `image-factory base-images` through the real built binary (node bin/image-factory.js).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { onlyFile } from './helpers/base-images.js';
import { BIN, ensureBuilt, runBin } from './helpers/cli.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'dockerfiles');

describe('image-factory base-images (built binary)', () => {
  beforeAll(async () => {
    await ensureBuilt();
  }, 180_000);

  it('prints JSON for one file and exits 0', async () => {
    const result = await runBin(['base-images', join(FIXTURES, 'multi-stage.Dockerfile'), '--json'], {
      cwd: FIXTURES,
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const { images, problems } = onlyFile(result.stdout) as {
      images: { familiar: string }[];
      problems: unknown[];
    };
    expect(images.map((i) => i.familiar)).toEqual([
      'golang:1.22',
      'node:22-bookworm-slim',
      'gcr.io/distroless/static-debian12:nonroot',
      'busybox:1.36',
    ]);
    expect(problems).toEqual([]);
  });

  it('prints a table for several files with relative paths', async () => {
    const result = await runBin(
      ['base-images', 'untagged.Dockerfile', 'targets.Dockerfile', '--platform', 'linux/arm64'],
      {
        cwd: FIXTURES,
      },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('untagged.Dockerfile: 1 image, 1 warning\n');
    expect(result.stdout).toContain('  1     from    build  linux/arm64  docker.io/library/golang:1.22\n');
    expect(result.stderr).toContain('untagged.Dockerfile:1: warning: ');
  });

  it('exits 1 with located errors and no stack trace', async () => {
    const result = await runBin(['base-images', 'broken.Dockerfile', 'missing.Dockerfile'], {
      cwd: FIXTURES,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('broken.Dockerfile:3: error: failed to parse stage name "Alpine:3.19"');
    expect(result.stderr).toContain(
      'missing.Dockerfile: error: cannot read missing.Dockerfile: no such file',
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 on a usage error', async () => {
    const result = await runBin(['base-images', 'x', '--build-arg', '=1'], { cwd: FIXTURES });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'image-factory: --build-arg "=1": missing the name\nhint: write --build-arg NAME=value (repeat the flag for several build args)\n',
    );
  });

  it('lists the command in the help', async () => {
    const result = await runBin(['base-images', '--help'], { cwd: FIXTURES });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: image-factory base-images [options] <dockerfile...>');
    expect(result.stdout).toContain(
      'Exit codes: 0 analysed (warnings do not fail), 1 a file cannot be read or has errors (or the reader of the output went away), 2 usage error.',
    );
  });

  it('stops quietly with exit code 1 when the reader of its output goes away (| head)', async () => {
    // 3,000 files' worth of JSON is far more than a pipe holds; the reader closes after 100 bytes.
    const files = Array.from({ length: 3000 }, () => 'multi-stage.Dockerfile');
    const child = spawn(process.execPath, [BIN, 'base-images', '--json', ...files], {
      cwd: FIXTURES,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    let received = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received >= 100) child.stdout.destroy();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(received).toBeGreaterThanOrEqual(100);
    expect(code).toBe(1);
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
  });

  it('any command exits 1 without a stack trace when its output pipe is already closed', async () => {
    // The reader goes away before the first write: the write fails with EPIPE, which Node raises as
    // an 'error' event on process.stdout (bin.ts listens; without it, an uncaught exception).
    const child = spawn(process.execPath, [BIN, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    expect(stderr).toBe('');
  });
});
