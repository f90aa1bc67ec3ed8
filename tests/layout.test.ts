/**
 * Every behaviour can be found from the folder tree in two hops: the root README's Architecture list
 * names the package, and the package's README has a "## Layout" section that says which behaviour lives
 * in each top-level entry of its `src/`. This test keeps that section true: it names every entry of
 * `src/` (a new file fails here until it is described), and every path it names exists (a rename fails
 * here until the README follows).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

/** Every package and app that has a `src/` folder, as paths relative to the repository root. */
function packagesWithSource(): string[] {
  const found: string[] = [];
  for (const parent of ['packages', 'apps']) {
    for (const entry of readdirSync(join(root, parent), { withFileTypes: true })) {
      if (entry.isDirectory() && existsSync(join(root, parent, entry.name, 'src'))) {
        found.push(`${parent}/${entry.name}`);
      }
    }
  }
  return found.sort();
}

/** The text of the README's `## Layout` section, up to the next `## ` heading; undefined when absent. */
function layoutSection(readme: string): string | undefined {
  const match = /^## Layout[ \t]*$/m.exec(readme);
  if (match === null) return undefined;
  const rest = readme.slice(match.index + match[0].length);
  const next = /^## /m.exec(rest);
  return next === null ? rest : rest.slice(0, next.index);
}

/**
 * The entries of a section: list items (`- ...`, continued by indented lines) and table rows (`| ...`).
 * Other paragraphs count as one entry each.
 */
function entries(section: string): string[] {
  const found: string[] = [];
  let current: string[] = [];
  for (const line of section.split('\n')) {
    const startsEntry = /^\s{0,1}[-*|] /.test(line);
    if (line.trim() === '' || startsEntry) {
      if (current.length > 0) found.push(current.join('\n'));
      current = [];
    }
    if (line.trim() !== '') current.push(line);
  }
  if (current.length > 0) found.push(current.join('\n'));
  return found;
}

/** A path named by the section, and the folder its entry is about (the entry's first path, if a folder). */
interface NamedPath {
  readonly path: string;
  readonly folder?: string;
}

/**
 * The code spans of a section that name a path: a relative path with a `/` or a source-file extension.
 * Package names (`@scope/name`), URLs, commands (spaces), formats (`os/arch[/variant]`) and files of
 * other projects (`.go`: BuildKit and Kargo sources cited as the behaviour's authority) are not paths of
 * this repository. In the entry of a folder (`` `evaluate/` — `args.ts` ... ``) the other paths may be
 * relative to that folder.
 */
function namedPaths(section: string): NamedPath[] {
  const paths: NamedPath[] = [];
  for (const entry of entries(section)) {
    let folder: string | undefined;
    let first = true;
    for (const [, span] of entry.matchAll(/`([^`\n]+)`/g)) {
      if (span === undefined || /[\s:'"(),=[\]]/.test(span) || span.startsWith('@') || span.startsWith('-'))
        continue;
      if (span.endsWith('.go')) continue;
      if (!span.includes('/') && !/\.(?:ts|mts|js|mjs)$/.test(span)) continue;
      paths.push(folder === undefined ? { path: span } : { path: span, folder });
      if (first && span.endsWith('/')) folder = span;
      first = false;
    }
  }
  return paths;
}

/** The part of a path before its first placeholder (`commands/<name>.ts`) or wildcard (`fixtures/*`). */
function concretePrefix(path: string): string {
  const segments = path.split('/');
  const wild = segments.findIndex((segment) => /[<*{]/.test(segment));
  return wild < 0 ? path : segments.slice(0, wild).join('/');
}

/**
 * Where a named path may live: under `src/` (the usual case), the package folder or the repository, each
 * also inside the folder its entry is about.
 */
function resolves(pkg: string, { path, folder }: NamedPath): boolean {
  const concrete = concretePrefix(path).replace(/\/$/, '');
  if (concrete === '' || concrete === '.') return true;
  const relative = folder === undefined ? [concrete] : [concrete, `${folder}${concrete}`];
  const candidates = relative.flatMap((p) => [
    join(root, pkg, p.startsWith('src/') ? p : `src/${p}`),
    join(root, pkg, p),
    join(root, p),
  ]);
  return candidates.some((candidate) => existsSync(candidate));
}

/** Whether the section names a top-level entry of `src/` (`evaluate/`, `src/analyze.ts`, `analyze.ts`). */
function names(paths: NamedPath[], entry: string, isDirectory: boolean): boolean {
  const forms = isDirectory ? [entry, `${entry}/`] : [entry];
  // A bare name in a folder's entry is a file of that folder; `src/...` is always from the top.
  return paths.some(({ path, folder }) =>
    forms.some((form) => path === `src/${form}` || (folder === undefined && path === form)),
  );
}

describe('package READMEs map src/ to behaviour ("## Layout")', () => {
  const packages = packagesWithSource();

  it('finds the packages and apps', () => {
    expect(packages).toContain('packages/dockerfile-analyzer');
    expect(packages).toContain('apps/analyzer-cli');
  });

  for (const pkg of packages) {
    describe(pkg, () => {
      const readmePath = `${pkg}/README.md`;
      const readme = existsSync(join(root, readmePath)) ? readFileSync(join(root, readmePath), 'utf8') : '';
      const section = layoutSection(readme);

      it('has a "## Layout" section', () => {
        expect(section, `${readmePath} needs a "## Layout" section mapping src/ to behaviour`).toBeDefined();
      });

      it('names every top-level entry of src/', () => {
        const paths = namedPaths(section ?? '');
        const missing = readdirSync(join(root, pkg, 'src'), { withFileTypes: true })
          .filter((entry) => !names(paths, entry.name, entry.isDirectory()))
          .map((entry) => (entry.isDirectory() ? `src/${entry.name}/` : `src/${entry.name}`));
        expect(missing, `add a line for each of these to the "## Layout" section of ${readmePath}`).toEqual(
          [],
        );
      });

      it('names only paths that exist', () => {
        const stale = namedPaths(section ?? '')
          .filter((named) => !resolves(pkg, named))
          .map(({ path, folder }) => (folder === undefined ? path : `${path} (in ${folder})`));
        expect(
          stale,
          `the "## Layout" section of ${readmePath} names paths that do not exist; update it`,
        ).toEqual([]);
      });
    });
  }
});

describe('the Layout section parser', () => {
  it('reads the section up to the next heading of its level', () => {
    const readme = '# P\n\n## Layout\n\n- `a.ts` — A.\n\n### Detail\n\n- `b/` — B.\n\n## Tests\n\n- `c.ts`\n';
    const section = layoutSection(readme) ?? '';
    expect(namedPaths(section)).toEqual([{ path: 'a.ts' }, { path: 'b/' }]);
  });

  it('has no section when the heading is absent', () => {
    expect(layoutSection('# P\n\n## Layouts\n')).toBeUndefined();
  });

  it('reads the other paths of a folder entry as possibly relative to the folder', () => {
    const section = '- `src/evaluate/` — `args.ts` (meta ARGs),\n  `stages.ts`.\n- `chars.ts`\n';
    expect(namedPaths(section)).toEqual([
      { path: 'src/evaluate/' },
      { path: 'args.ts', folder: 'src/evaluate/' },
      { path: 'stages.ts', folder: 'src/evaluate/' },
      { path: 'chars.ts' },
    ]);
  });

  it('ignores package names, commands, URLs and Go sources', () => {
    const spans =
      '`@image-factory/registry` `pnpm gen:crds` `https://x/y` `frontend/dockerfile/parser/parser.go` `image-factory` `os/arch[/variant]`';
    expect(namedPaths(spans)).toEqual([]);
  });
});
