/**
 * Every behaviour can be found from the folder tree in two hops: the root README's Architecture list
 * names the package, and the package's README has a "## Layout" section that says which behaviour lives
 * in each top-level entry of its `src/`. This test keeps that section true: it names every entry of
 * `src/` (a new file fails here until it is described), and every path it names exists (a rename fails
 * here until the README follows).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
 * The code spans of a section that name a path: a relative path with a `/` or a source-file extension.
 * Package names (`@scope/name`), URLs, commands (spaces) and files of other projects (`.go`: BuildKit and
 * Kargo sources cited as the behaviour's authority) are not paths of this repository.
 */
function namedPaths(section: string): string[] {
  const paths: string[] = [];
  for (const [, span] of section.matchAll(/`([^`\n]+)`/g)) {
    if (span === undefined || /[\s:'"(),=]/.test(span) || span.startsWith('@') || span.startsWith('-'))
      continue;
    if (span.endsWith('.go')) continue;
    if (span.includes('/') || /\.(?:ts|mts|js|mjs)$/.test(span)) paths.push(span);
  }
  return paths;
}

/** The part of a path before its first placeholder (`commands/<name>.ts`) or wildcard (`fixtures/*`). */
function concretePrefix(path: string): string {
  const wild = path.search(/[<*{]/);
  return wild < 0 ? path : dirname(path.slice(0, wild) + 'x');
}

/** Where a named path may live: under `src/` (the usual case), the package folder, or the repository. */
function resolves(pkg: string, path: string): boolean {
  const concrete = concretePrefix(path).replace(/\/$/, '');
  if (concrete === '' || concrete === '.') return true;
  const underSrc = concrete.startsWith('src/') ? concrete : `src/${concrete}`;
  return [join(root, pkg, underSrc), join(root, pkg, concrete), join(root, concrete)].some((p) =>
    existsSync(p),
  );
}

/** Whether the section names a top-level entry of `src/` (`evaluate/`, `src/analyze.ts`, `analyze.ts`). */
function names(paths: string[], entry: string, isDirectory: boolean): boolean {
  const forms = isDirectory ? [entry, `${entry}/`] : [entry];
  return paths.some((path) => forms.some((form) => path === form || path === `src/${form}`));
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
        const stale = namedPaths(section ?? '').filter((path) => !resolves(pkg, path));
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
    expect(namedPaths(section)).toEqual(['a.ts', 'b/']);
  });

  it('has no section when the heading is absent', () => {
    expect(layoutSection('# P\n\n## Layouts\n')).toBeUndefined();
  });

  it('ignores package names, commands, URLs and Go sources', () => {
    const spans =
      '`@image-factory/registry` `pnpm gen:crds` `https://x/y` `frontend/dockerfile/parser/parser.go` `image-factory`';
    expect(namedPaths(spans)).toEqual([]);
  });
});
