// Hostile state files and Dockerfiles through the CLI (issue "Security and robustness", items 4 to
// 7): bounded memory and output, JSON that stays JSON, and state that still loads after a rewrite.
import { execFile, execFileSync, spawn } from 'node:child_process';
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesOf } from './helpers/base-images.js';
import { BIN, ensureBuilt, runCli } from './helpers/cli.js';
import { TEST_GIT_ENV, tempDir, writeFiles } from './helpers/git-repos.js';

const scratch = tempDir('if-security-io');
let n = 0;
afterAll(() => scratch.cleanup());
beforeAll(async () => {
  await ensureBuilt();
}, 180_000);

function caseDir(): string {
  const dir = join(scratch.dir, `case-${++n}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** `ARG A0=xx`, then `ARG Ai=${A(i-1)}${A(i-1)}` up to `last`, then `FROM alpine:${A<last>}`. */
function doubling(last: number): string {
  let text = 'ARG A0=xx\n';
  for (let i = 1; i <= last; i++) text += `ARG A${i}=\${A${i - 1}}\${A${i - 1}}\n`;
  return `${text}FROM alpine:\${A${last}}\n`;
}

/** Peak memory is written by the child itself when it exits (resource usage of the process). */
const RSS_PROBE = `data:text/javascript,${encodeURIComponent(
  "import { writeFileSync } from 'node:fs';" +
    'process.on("exit", () => writeFileSync(process.env.RSS_REPORT, String(process.resourceUsage().maxRSS)));',
)}`;

/** Runs the built binary and measures its peak resident memory (KiB) and output (bytes). */
function runMeasured(
  args: readonly string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string; maxRssKiB: number }> {
  const report = join(cwd, `rss-${++n}.txt`);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', RSS_PROBE, BIN, ...args],
      {
        cwd,
        env: { ...TEST_GIT_ENV, RSS_REPORT: report },
        encoding: 'utf8',
        timeout: 60_000,
        // The unbounded analysis printed 268 MB: more than a mebibyte fails the run.
        maxBuffer: 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 99) : 0;
        const maxRssKiB = Number(readFileSafe(report) ?? Number.NaN);
        resolve({ code, stdout, stderr, maxRssKiB });
      },
    );
  });
}

function readFileSafe(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The bound the analysis stays under on hostile Dockerfiles (it took 700 MB before). */
const MAX_RSS_KIB = 150 * 1024;

describe('security', () => {
  describe('base-images on hostile Dockerfiles: bounded memory and output', () => {
    it.each([
      ['the 546-byte doubling file', 26],
      ['its variant that ended in "Invalid string length"', 30],
    ])(
      '%s',
      async (_name, last) => {
        const dir = caseDir();
        writeFileSync(join(dir, 'Dockerfile'), doubling(last));
        const result = await runMeasured(['base-images', 'Dockerfile'], dir);
        expect(result.code).toBe(1);
        expect(result.stderr).toBe(
          'Dockerfile:16: error: ARG A15: expands to more than 65,535 characters [ExpansionTooLarge]\n' +
            '  hint: BuildKit reads no line longer than 65535 bytes, and no value is expanded beyond that: do ARGs repeat each other (ARG B=$A$A)?\n',
        );
        expect(result.stdout).toBe('Dockerfile: 0 images, 1 error\n');
        expect(result.maxRssKiB).toBeGreaterThan(0);
        expect(result.maxRssKiB).toBeLessThan(MAX_RSS_KIB);
      },
      60_000,
    );

    it('--json stays small and valid', async () => {
      const dir = caseDir();
      writeFileSync(join(dir, 'Dockerfile'), doubling(26));
      const result = await runMeasured(['base-images', 'Dockerfile', '--json'], dir);
      expect(result.code).toBe(1);
      expect(result.stdout.length).toBeLessThan(4096);
      const [parsed] = filesOf(result.stdout) as { problems: { code: string; line: number }[] }[];
      expect(parsed?.problems.map((problem) => `${problem.line}:${problem.code}`)).toEqual([
        '16:ExpansionTooLarge',
      ]);
      expect(result.maxRssKiB).toBeLessThan(MAX_RSS_KIB);
    }, 60_000);

    it('refuses a device and an oversized file without reading them', async () => {
      const dir = caseDir();
      symlinkSync('/dev/zero', join(dir, 'zero.Dockerfile'));
      writeFileSync(join(dir, 'huge.Dockerfile'), '');
      truncateSync(join(dir, 'huge.Dockerfile'), 5 * 1024 * 1024);
      const result = await runCli(['base-images', 'zero.Dockerfile', 'huge.Dockerfile'], { cwd: dir });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        'zero.Dockerfile: error: cannot read zero.Dockerfile: is a character device, not a Dockerfile [FileUnreadable]\n' +
          'huge.Dockerfile: error: cannot read huge.Dockerfile: is larger than 4 MiB [FileUnreadable]\n',
      );
    });

    it('reads a pipe (process substitution) but stops 4 MiB into one that never ends', async () => {
      const dir = caseDir();
      const fifo = join(dir, 'endless.Dockerfile');
      execFileSync('mkfifo', [fifo]);
      // The writer gets SIGPIPE (and ends) when the reader closes the pipe.
      const writer = spawn('sh', ['-c', `yes 'RUN true' > '${fifo}'`], { stdio: 'ignore' });
      const writerDone = new Promise((resolve) => writer.on('close', resolve));
      const result = await runMeasured(['base-images', 'endless.Dockerfile'], dir);
      await writerDone;
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        'endless.Dockerfile: error: cannot read endless.Dockerfile: is larger than 4 MiB [FileUnreadable]\n',
      );
      expect(result.maxRssKiB).toBeLessThan(MAX_RSS_KIB);
    }, 60_000);
  });

  describe('validate on hostile state files', () => {
    it('--json prints JSON with positions for alias problems, never an unexpected error', async () => {
      const dir = caseDir();
      writeFiles(dir, {
        'images.yaml':
          '- name: app\n  registry: ghcr.io\n  repository: acme/app\n  source:\n    repo: acme/app\n    dockerfile: Dockerfile\n  rebuildDelay: *seen\n',
        'image-factory.yaml':
          'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n' +
          'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n' +
          'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n',
      });
      const result = await runCli(['validate', '--state-dir', dir, '--json']);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe('');
      const report = JSON.parse(result.stdout) as {
        problems: { file: string; line: number; col: number; code: string; message: string }[];
      };
      expect(report.problems.map((p) => `${p.file}:${p.line}:${p.col} ${p.code} ${p.message}`)).toEqual([
        'image-factory.yaml:5:36 yaml-syntax YAML syntax error: aliases expand to more than 100,000 nodes (an alias bomb?)',
        'images.yaml:7:17 yaml-syntax YAML syntax error: alias *seen has no anchor &seen before it',
      ]);
    });

    it('refuses image-factory.yaml linked to /proc/self/environ without printing the environment', async () => {
      const dir = caseDir();
      writeFiles(dir, { 'images.yaml': '[]\n' });
      symlinkSync('/proc/self/environ', join(dir, 'image-factory.yaml'));
      const result = await runCli(['validate', '--state-dir', dir], {
        env: { SECRET_MARKER: 'hunter2-marker' },
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'image-factory.yaml: image-factory.yaml is a symbolic link leading outside the state directory',
      );
      expect(result.stdout + result.stderr).not.toMatch(/hunter2-marker|PATH=/);
    });
  });

  describe('generate-state keeps the state loadable', () => {
    it('never writes workflows through a .github that links outside the state directory', async () => {
      const dir = caseDir();
      const elsewhere = join(dir, 'elsewhere');
      const state = join(dir, 'state');
      mkdirSync(elsewhere);
      writeFiles(state, {
        'images.yaml':
          '- name: app\n  registry: ghcr.io\n  repository: acme/app\n  source:\n    repo: acme/app\n    dockerfile: Dockerfile\n' +
          '  local:\n    dockerfile: Dockerfile\n',
        'local/app/Dockerfile': 'FROM alpine:3.20\n',
      });
      symlinkSync(elsewhere, join(state, '.github'));
      const result = await runCli(['generate-state', '--state-dir', state], {
        env: { SOURCE_DATE_EPOCH: '1718000000' },
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^image-factory: \.github\/workflows\/[\w.-]+ leads outside the state directory .* \(through a symbolic link or \.\.\); nothing was written\n$/,
      );
      // Nothing lands outside, not even an empty workflows directory.
      expect(readdirSync(elsewhere, { recursive: true })).toEqual([]);
    });

    it('leaves alone an existing workflow file that is a symbolic link to /dev/zero, without reading it', async () => {
      const dir = caseDir();
      writeFiles(dir, {
        'images.yaml':
          '- name: app\n  registry: ghcr.io\n  repository: acme/app\n  source:\n    repo: acme/app\n    dockerfile: Dockerfile\n' +
          '  local:\n    dockerfile: Dockerfile\n',
        'local/app/Dockerfile': 'FROM alpine:3.20\n',
      });
      mkdirSync(join(dir, '.github/workflows'), { recursive: true });
      symlinkSync('/dev/zero', join(dir, '.github/workflows/build-app.yml'));
      const result = await runCli(['generate-state', '--state-dir', dir], {
        env: { SOURCE_DATE_EPOCH: '1718000000' },
      });
      expect(result.stderr).not.toMatch(/unexpected error|\n\s+at /);
      expect(result.stdout + result.stderr).toContain(
        '.github/workflows/build-app.yml is a symbolic link leading outside the state directory: left alone',
      );
      expect(readlinkSync(join(dir, '.github/workflows/build-app.yml'))).toBe('/dev/zero');
    });

    it('rewrites a state file that uses an alias of a replaced anchor, and the state still validates', async () => {
      const dir = caseDir();
      writeFiles(dir, {
        'images.yaml':
          '- name: app\n  registry: ghcr.io\n  repository: acme/app\n  source:\n    repo: acme/app\n    dockerfile: Dockerfile\n' +
          '  local:\n    dockerfile: Dockerfile\n',
        'local/app/Dockerfile': 'FROM alpine:3.20\n',
        // validate also runs the factory planner, which needs the state repository's URL.
        'image-factory.yaml': 'stateRepo:\n  url: https://github.com/acme/image-factory-state.git\n',
        // The anchor is on a field generate-state replaces; the alias on one it keeps.
        'images/app.yaml':
          'name: app\nlastDiscovery: &seen "2024-01-01T00:00:00Z"\nenrolledAt: *seen # first seen\n' +
          'discoveryStatus: pending\nbaseImages: []\n',
      });
      const env = { SOURCE_DATE_EPOCH: '1718000000' };
      const generated = await runCli(['generate-state', '--state-dir', dir], { env });
      expect(generated.stderr).not.toMatch(/unexpected error|\n\s+at /);
      expect(generated.code).toBe(0);
      const state = readFileSync(join(dir, 'images/app.yaml'), 'utf8');
      expect(state).toContain('lastDiscovery: "2024-06-10T06:13:20Z"\n');
      expect(state).toContain('enrolledAt: "2024-01-01T00:00:00Z" # first seen\n');
      expect(state).not.toContain('*seen');
      expect((await runCli(['validate', '--state-dir', dir])).code).toBe(0);
      // Every command keeps working: a second run changes nothing and fails nothing.
      const again = await runCli(['generate-state', '--state-dir', dir], { env });
      expect(again.code).toBe(0);
      expect(readFileSync(join(dir, 'images/app.yaml'), 'utf8')).toBe(state);
    });
  });
});
