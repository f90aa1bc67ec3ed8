// The pin step of the generated build workflow, run for real with bash and jq: what it accepts,
// the exact arguments it hands to `docker buildx build`, and every input it must refuse.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PINS_ANNOTATION, PINS_MAX_ENTRIES, PINS_MAX_LENGTH, parsePins } from '@image-factory/state-schema';
import { afterAll, describe, expect, it } from 'vitest';
import { PINS_SCRIPT } from '../src/lib/workflows.js';
import { tempDir } from './helpers/git-repos.js';

const scratch = tempDir('if-pins');
afterAll(() => scratch.cleanup());
let n = 0;

const D1 = `sha256:${'a'.repeat(64)}`;
const D2 = `sha256:${'0123456789abcdef'.repeat(4)}`;

interface PinRun {
  readonly code: number;
  readonly stdout: string;
  readonly args: string[];
  readonly output: string;
  readonly summary: string;
  readonly pwned: boolean;
}

function pin(pins: string, finalBase?: string): Promise<PinRun> {
  const dir = join(scratch.dir, `run-${++n}`);
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  writeFileSync(join(dir, 'out'), '');
  writeFileSync(join(dir, 'summary'), '');
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['--noprofile', '--norc', '-eo', 'pipefail', '-c', PINS_SCRIPT],
      {
        cwd: dir,
        env: {
          PATH: process.env.PATH,
          PINS: pins,
          ...(finalBase === undefined ? {} : { FINAL_BASE: finalBase }),
          RUNNER_TEMP: join(dir, 'tmp'),
          GITHUB_OUTPUT: join(dir, 'out'),
          GITHUB_STEP_SUMMARY: join(dir, 'summary'),
        },
        encoding: 'utf8',
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout) => {
        const argsText = readFileSync(join(dir, 'tmp', 'image-factory-pins.args'), 'utf8');
        resolve({
          code: error ? Number(error.code) : 0,
          stdout,
          args: argsText === '' ? [] : argsText.slice(0, -1).split('\0'),
          output: readFileSync(join(dir, 'out'), 'utf8'),
          summary: readFileSync(join(dir, 'summary'), 'utf8'),
          pwned: existsIn(dir, 'pwned'),
        });
      },
    );
  });
}

function existsIn(dir: string, name: string): boolean {
  try {
    readFileSync(join(dir, name));
    return true;
  } catch {
    return false;
  }
}

describe('the pin step', () => {
  it('maps each pin to the named context BuildKit looks up, and annotates the index and manifest', async () => {
    const pins = JSON.stringify({
      'docker.io/library/python:3.12-slim': D1,
      'ghcr.io/acme/tools:latest': D2,
    });
    const run = await pin(pins, 'docker.io/library/python:3.12-slim');
    expect(run.code).toBe(0);
    expect(run.output).toBe('pinned=true\n');
    expect(run.args).toEqual([
      '--build-context',
      `python:3.12-slim=docker-image://docker.io/library/python:3.12-slim@${D1}`,
      '--build-context',
      `ghcr.io/acme/tools=docker-image://ghcr.io/acme/tools:latest@${D2}`,
      '--annotation',
      `index:${PINS_ANNOTATION}=${pins}`,
      '--annotation',
      `manifest:${PINS_ANNOTATION}=${pins}`,
      '--annotation',
      'index:org.opencontainers.image.base.name=docker.io/library/python:3.12-slim',
      '--annotation',
      `index:org.opencontainers.image.base.digest=${D1}`,
      '--annotation',
      'manifest:org.opencontainers.image.base.name=docker.io/library/python:3.12-slim',
      '--annotation',
      `manifest:org.opencontainers.image.base.digest=${D1}`,
    ]);
    expect(run.summary).toContain('### Pinned build');
    expect(run.summary).toContain(`| \`ghcr.io/acme/tools:latest\` | \`${D2}\` | \`ghcr.io/acme/tools\` |`);
  });

  it.each([
    ['docker.io/library/python:latest', 'python'],
    ['docker.io/bitnami/redis:7.2', 'bitnami/redis:7.2'],
    ['docker.io/library/a/b:1', 'library/a/b:1'],
    ['localhost:5000/team/app:v1', 'localhost:5000/team/app:v1'],
    ['registry.example.com:8443/a/b-c__d.e/f:1.0_rc-1', 'registry.example.com:8443/a/b-c__d.e/f:1.0_rc-1'],
  ])('keys %s by its familiar name %s', async (ref, familiar) => {
    const run = await pin(JSON.stringify({ [ref]: D1 }));
    expect(run.code).toBe(0);
    expect(run.args.slice(0, 2)).toEqual(['--build-context', `${familiar}=docker-image://${ref}@${D1}`]);
    // The analysis job and the simulator read the same value with parsePins: it accepts it too.
    expect(parsePins(JSON.stringify({ [ref]: D1 }))).toEqual({ ok: true, pins: new Map([[ref, D1]]) });
  });

  it('writes the pins annotation in canonical form (sorted keys, compact), whatever the spacing', async () => {
    const run = await pin(`{ "ghcr.io/z/z:1" : "${D2}",\n  "docker.io/library/alpine:3.20": "${D1}" }`);
    expect(run.code).toBe(0);
    expect(run.args).toContain(
      `index:${PINS_ANNOTATION}={"docker.io/library/alpine:3.20":"${D1}","ghcr.io/z/z:1":"${D2}"}`,
    );
    // The final stage's base is not known: no base annotation.
    expect(run.args.some((arg) => arg.includes('image.base.'))).toBe(false);
  });

  it('leaves the base annotations out when the final base is not pinned', async () => {
    const run = await pin(JSON.stringify({ 'docker.io/library/alpine:3.20': D1 }), 'ghcr.io/other/base:1');
    expect(run.code).toBe(0);
    expect(run.args.filter((arg) => arg.includes('image.base.'))).toEqual([]);
  });

  it.each(['', '   ', '\n'])(
    'builds unpinned without pins (%j) and says so in the job summary',
    async (pins) => {
      const run = await pin(pins);
      expect(run.code).toBe(0);
      expect(run.args).toEqual([]);
      expect(run.output).toBe('pinned=false\n');
      expect(run.summary).toContain('### Unpinned build');
    },
  );

  const hostile: [string, string, string][] = [
    ['not JSON', '{docker.io/library/python:3: sha}', 'not valid JSON'],
    ['an array', `["docker.io/library/python:3", "${D1}"]`, 'not a JSON object'],
    ['a string', JSON.stringify(JSON.stringify({ 'docker.io/library/python:3': D1 })), 'not a JSON object'],
    ['two values', `{} {"docker.io/library/python:3": "${D1}"}`, 'not one JSON value'],
    ['an empty object', '{}', 'an empty object'],
    ['a number value', '{"docker.io/library/python:3": 1}', 'a value that is not a string'],
    [
      'a short digest',
      `{"docker.io/library/python:3": "sha256:${'a'.repeat(63)}"}`,
      'is not sha256:<64 hex digits>',
    ],
    ['an uppercase digest', `{"docker.io/library/python:3": "sha256:${'A'.repeat(64)}"}`, 'is not sha256'],
    ['another algorithm', `{"docker.io/library/python:3": "sha512:${'a'.repeat(128)}"}`, 'is not sha256'],
    ['a digest with a newline', `{"docker.io/library/python:3": "${D1}\\n"}`, 'is not sha256'],
    ['a key without tag', `{"docker.io/library/python": "${D1}"}`, 'is not a normalized image reference'],
    [
      'a key with a digest',
      `{"docker.io/library/python@${D2}": "${D1}"}`,
      'is not a normalized image reference',
    ],
    ['a familiar key', `{"python:3.12": "${D1}"}`, 'is not a normalized image reference'],
    ['a key without registry', `{"acme/app:1": "${D1}"}`, 'does not start with a registry'],
    ['an unnormalized Docker Hub key', `{"docker.io/python:3": "${D1}"}`, 'is not normalized'],
    ['index.docker.io', `{"index.docker.io/library/python:3": "${D1}"}`, 'is not normalized'],
    ['an uppercase repository', `{"ghcr.io/Acme/app:1": "${D1}"}`, 'is not a normalized image reference'],
    ['command substitution in a key', `{"ghcr.io/a/b:$(touch pwned)": "${D1}"}`, 'is not a normalized'],
    ['backticks in a key', `{"ghcr.io/a/\`touch pwned\`:1": "${D1}"}`, 'is not a normalized'],
    ['a newline in a key', `{"ghcr.io/a/b:1\\nghcr.io/c/d:1": "${D1}"}`, 'is not a normalized'],
    ['an option in a key', `{"--output=type=local,dest=/tmp/x": "${D1}"}`, 'is not a normalized'],
    [
      'an equals sign in a key',
      `{"ghcr.io/a/b:1=docker-image://evil.example/x": "${D1}"}`,
      'is not a normalized',
    ],
    [
      'a NUL smuggling a second pin',
      `{"ghcr.io/a/b:1\\u0000${D1}\\u0000ghcr.io/c/d:1": "${D2}"}`,
      'holds a NUL character',
    ],
    ['a duplicate key', `{"ghcr.io/a/b:1": "${D1}", "ghcr.io/a/b:1": "${D2}"}`, 'appears more than once'],
    ['a nested object', `{"ghcr.io/a/b:1": {"digest": "${D1}"}}`, 'a value that is not a string'],
    ['an expression', `{"ghcr.io/a/b:1": "\${{ secrets.X }}"}`, 'is not sha256'],
  ];

  it.each(hostile)('refuses %s', async (_, pins, message) => {
    const run = await pin(pins);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::error::pins: ');
    expect(run.stdout).toContain(message);
    expect(run.args).toEqual([]);
    expect(run.output).toBe('');
    expect(run.pwned).toBe(false);
  });

  it.each(hostile)('parsePins (analysis job, simulator) refuses %s as the pin step does', (_, pins) => {
    expect(parsePins(pins).ok).toBe(false);
  });

  it(`refuses more than ${PINS_MAX_LENGTH} characters before parsing`, async () => {
    const pins = `{"ghcr.io/a/b:1": "${D1}", "x": "${'y'.repeat(PINS_MAX_LENGTH)}"}`;
    const run = await pin(pins);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${pins.length} characters, more than ${PINS_MAX_LENGTH}`);
    expect(run.args).toEqual([]);
  });

  it(`refuses more than ${PINS_MAX_ENTRIES} entries`, async () => {
    const entries = Object.fromEntries(
      Array.from({ length: PINS_MAX_ENTRIES + 1 }, (_, i) => [`ghcr.io/a/b${i}:1`, D1]),
    );
    const run = await pin(JSON.stringify(entries));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`more than ${PINS_MAX_ENTRIES} entries`);
  });

  it(`accepts ${PINS_MAX_ENTRIES} entries`, async () => {
    const entries = Object.fromEntries(
      Array.from({ length: PINS_MAX_ENTRIES }, (_, i) => [`ghcr.io/a/b${i}:1`, D1]),
    );
    const run = await pin(JSON.stringify(entries));
    expect(run.code).toBe(0);
    expect(run.args.filter((arg) => arg === '--build-context')).toHaveLength(PINS_MAX_ENTRIES);
  });
});
