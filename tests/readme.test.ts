/**
 * The README (and the docs it links to) can be followed by copy and paste: every relative link leads
 * to a file that exists and every `#anchor` to a heading of that file (GitHub's heading ids), and
 * every `image-factory <command> --flag` and `pnpm synth --flag` shown in code is accepted by the
 * built CLI and synth app (their `--help` lists the command and each flag).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { ImagesFileSchema, SettingsSchema } from '@image-factory/state-schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { acceptedFlags, invocations, refused } from './helpers/commands.js';

const root = join(import.meta.dirname, '..');

/** The Markdown files a newcomer reads: the README, docs/ and the READMEs of the apps and packages. */
const documents = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
  ...['apps', 'packages'].flatMap((group) =>
    readdirSync(join(root, group))
      .map((name) => `${group}/${name}/README.md`)
      .filter((path) => existsSync(join(root, path))),
  ),
];

const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** The text outside fenced code blocks (links in code are not links). */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** GitHub's id of a heading: lowercase, punctuation dropped (but `-` and `_`), spaces to `-`. */
function slug(heading: string): string {
  return heading
    .replace(/`/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a Markdown file: its headings' ids, repeats numbered as GitHub does. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, text] of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(text ?? '');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    out.add(count === 0 ? base : `${base}-${count}`);
  }
  return out;
}

/** Every `[text](target)` link of a file, with its line. */
function links(markdown: string): { target: string; line: number }[] {
  const text = prose(markdown).replace(/`[^`\n]*`/g, (code) => ' '.repeat(code.length));
  const out: { target: string; line: number }[] = [];
  for (const match of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const line = text.slice(0, match.index).split('\n').length;
    out.push({ target: match[1] as string, line });
  }
  return out;
}

describe('README and docs: links', () => {
  it('finds the documents and their links', () => {
    expect(documents).toContain('README.md');
    expect(documents.length).toBeGreaterThan(10);
    expect(links(read('README.md')).length).toBeGreaterThan(15);
    expect(anchors(read('README.md'))).toContain('from-image-factory-init-to-a-deployed-factory');
    expect(slug('`image-factory status`: which images are behind, since when, rebuilding when')).toBe(
      'image-factory-status-which-images-are-behind-since-when-rebuilding-when',
    );
  });

  it.each(documents)('every relative link of %s resolves, with its anchor', (document) => {
    const broken: string[] = [];
    for (const { target, line } of links(read(document))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: — not files of this repository
      const [path = '', anchor] = target.split('#', 2);
      const file = path === '' ? join(root, document) : join(root, dirname(document), decodeURI(path));
      const where = `${document}:${line}: ${target}`;
      if (!existsSync(file)) {
        broken.push(`${where} (no file ${relative(root, file)})`);
        continue;
      }
      if (anchor === undefined || anchor === '') continue;
      if (statSync(file).isDirectory() || !file.endsWith('.md')) {
        broken.push(`${where} (an anchor into a file that is not Markdown)`);
      } else if (!anchors(readFileSync(file, 'utf8')).has(anchor)) {
        broken.push(`${where} (no heading #${anchor} in ${relative(root, file)})`);
      }
    }
    expect(broken).toEqual([]);
  });
});

/** The code of a Markdown file: fenced blocks (with `\` continuations joined) and inline spans. */
function codeLines(markdown: string): string[] {
  const out: string[] = [];
  for (const [, body] of markdown.matchAll(/^```[^\n]*\n([\s\S]*?)^```\s*$/gm)) {
    out.push(...(body ?? '').replace(/\\\n\s*/g, ' ').split('\n'));
  }
  for (const [, code] of prose(markdown).matchAll(/`([^`\n]+)`/g)) out.push(code ?? '');
  return out;
}

describe('README and docs: every command and flag shown is accepted', () => {
  let help = new Map<string, Set<string>>();
  let commands = new Set<string>();

  beforeAll(async () => {
    ({ commands, help } = await acceptedFlags(root));
  }, 120_000);

  it('reads the commands and options from --help', () => {
    expect([...commands].sort()).toEqual(
      expect.arrayContaining([
        'analyze',
        'base-images',
        'generate-state',
        'init',
        'migrate',
        'status',
        'validate',
      ]),
    );
    expect(help.get('status')).toContain('--plain-http');
    expect(help.get('synth')).toEqual(new Set(['--state-dir', '--out', '--check', '--help']));
    expect(
      invocations('pnpm exec image-factory graph [--state-dir DIR] [--format mermaid\\|dot] [--json]'),
    ).toEqual([
      {
        program: 'image-factory',
        command: 'graph',
        flags: ['--state-dir', '--format', '--json'],
        text: 'pnpm exec image-factory graph [--state-dir DIR] [--format mermaid/dot] [--json]',
      },
    ]);
    expect(invocations('pnpm --silent synth --out - | kubectl diff -f -')[0]?.flags).toEqual(['--out']);
  });

  it.each(documents)('%s shows only commands and flags the CLI and synth accept', (document) => {
    const { refused: unknown, count } = refused(codeLines(read(document)), help);
    expect(unknown).toEqual([]);
    if (document === 'README.md') expect(count).toBeGreaterThan(20);
  });
});

describe('README: the state files it shows', () => {
  /** The YAML blocks of the README whose first line names the state file they belong to. */
  const blocks = (file: string) =>
    [...read('README.md').matchAll(/^```yaml\n# ([\w.-]+)\n([\s\S]*?)^```\s*$/gm)]
      .filter((m) => m[1] === file)
      .map((m) => m[2] as string);

  it.each([
    ['images.yaml', ImagesFileSchema, 1],
    ['image-factory.yaml', SettingsSchema, 2],
  ] as const)('every %s block is valid as that file', (file, schema, count) => {
    expect(blocks(file)).toHaveLength(count);
    for (const block of blocks(file)) {
      const result = schema.safeParse(parse(block));
      expect(result.success, `${block}\n${result.error?.message ?? ''}`).toBe(true);
    }
  });
});
