// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the cases are literal `${{ }}` and `${% %}` strings
// State values that carry a Kargo or GitHub Actions expression (`${{ }}`, `${% %}`) are refused
// with a position: Kargo evaluates them in step configs and verification args, GitHub in workflows.
import { describe, expect, it } from 'vitest';
import { expressionDelimiterIn } from '../src/expression-text.js';
import { loadState } from '../src/loader.js';
import type { LoadStateResult } from '../src/model.js';
import { formatProblem } from '../src/problems.js';
import { managedEntry, stateDir, withoutDefaultImageReminder } from './helpers.js';

function lines(result: LoadStateResult): string[] {
  return withoutDefaultImageReminder(result.ok ? result.warnings : result.problems).map(formatProblem);
}

const ERROR_HINT =
  '  hint: state values are copied verbatim into Kargo steps and GitHub workflows, where "${{" and "${%" start an expression: write the literal value';
const WARNING_HINT =
  '  hint: no generated output reads this field today, but nothing legitimate writes an expression here: remove it';

const BASE_STATE = `name: python-3.12-slim
image: docker.io/library/python:3.12-slim
allowTags: ^3\\.12-slim$
`;

describe('security', () => {
  describe('expressions in images.yaml and image-factory.yaml', () => {
    it("refuses an updates[].key that would read a Kargo secret, with the entry's file:line:col", () => {
      const dir = stateDir({
        'images.yaml': managedEntry(
          'api',
          `  updates:
    - repo: acme/deploy
      path: apps/api/values.yaml
      type: yaml-update
      key: \${{ secret('github-workflow-token').token }}
`,
        ),
      });
      const result = loadState(dir);
      expect(result.ok).toBe(false);
      expect(lines(result)).toEqual([
        `images.yaml:11:12: image "api": updates[0].key contains "\${{", which Kargo and GitHub Actions evaluate as an expression (got "\${{ secret('github-workflow-token').token }}")\n${ERROR_HINT}`,
      ]);
      expect(result.ok ? [] : result.problems.map((p) => [p.code, p.severity, p.path])).toEqual([
        ['expression-delimiter', 'error', [0, 'updates', 0, 'key']],
      ]);
    });

    it.each([
      ['source.branch', '    branch: ${{github.token}}\n', 7, 13],
      ['source.workflow', '    workflow: "build-${% 1 %}.yml"\n', 7, 15],
      ['local.versionFile', '  local:\n    versionFile: v${{ vars.X }}\n', 8, 18],
      ['local.patchFiles[1]', '  local:\n    patchFiles:\n      - a.patch\n      - ${{x}}.patch\n', 10, 9],
    ])('refuses %s', (field, extra, line, col) => {
      const base = managedEntry('api');
      // Fields of `source` go inside it; the others after the entry.
      const text = field.startsWith('source.')
        ? base.replace('    dockerfile: Dockerfile\n', `    dockerfile: Dockerfile\n${extra}`)
        : `${base}${extra}`;
      const result = loadState(stateDir({ 'images.yaml': text }));
      expect(result.ok).toBe(false);
      const errors = result.ok ? [] : result.problems.filter((p) => p.code === 'expression-delimiter');
      expect(errors.map((p) => [p.line, p.col, p.severity])).toEqual([[line, col, 'error']]);
      expect(errors[0]?.message).toMatch(
        new RegExp(`^image "api": ${field.replace(/[.[\]]/g, '\\$&')} contains "\\$\\{[{%]"`),
      );
    });

    it('refuses expressions in settings values and keys, and in base entries', () => {
      const dir = stateDir({
        'images.yaml': `- name: redis
  repoURL: docker.io/library/redis
  allowTags: ^7$\${{ env.X }}
`,
        'image-factory.yaml': `kargo:
  labels:
    team: platform
    "\${{ x }}": y
stateRepo:
  url: https://github.com/acme/\${{ secrets.STATE }}.git
`,
      });
      const result = loadState(dir);
      expect(result.ok).toBe(false);
      expect(lines(result).filter((line) => line.includes('"${{"'))).toEqual([
        `image-factory.yaml:4:5: a key of kargo.labels contains "\${{", which Kargo and GitHub Actions evaluate as an expression (got "\${{ x }}")\n${ERROR_HINT}`,
        `image-factory.yaml:6:8: stateRepo.url contains "\${{", which Kargo and GitHub Actions evaluate as an expression (got "https://github.com/acme/\${{ secrets.STATE }}.git")\n${ERROR_HINT}`,
        `images.yaml:3:14: image "redis": allowTags contains "\${{", which Kargo and GitHub Actions evaluate as an expression (got "^7$\${{ env.X }}")\n${ERROR_HINT}`,
      ]);
    });

    it('names an entry by index when its name is unusable, and reports a value reached through an alias where the alias is', () => {
      const dir = stateDir({
        'images.yaml': `- name: "\${{ x }}"
  repoURL: &u docker.io/library/\${%y%}
- name: other
  repoURL: *u
`,
      });
      const result = loadState(dir);
      const found = lines(result).filter((line) => line.includes('which Kargo'));
      expect(found.map((line) => line.split('\n')[0]?.replace(/, which.*/, ''))).toEqual([
        'images.yaml:1:9: images[0]: name contains "${{"',
        'images.yaml:2:15: images[0]: repoURL contains "${%"',
        'images.yaml:4:12: image "other": repoURL contains "${%"',
      ]);
    });

    it('leaves literal text with "$" and braces alone', () => {
      const dir = stateDir({
        'images.yaml': `${managedEntry('api')}  updates:
    - repo: acme/deploy
      path: "apps/\${name}/{{values}}.yaml"
      type: yaml-update
      key: "$ {{ not.an.expression }}"
- name: redis
  repoURL: docker.io/library/redis
  allowTags: ^7\\.[0-9]+$
`,
      });
      const result = loadState(dir);
      expect(lines(result)).toEqual([]);
      expect(result.ok).toBe(true);
    });
  });

  describe('expressions in machine-written state files', () => {
    it('refuses them where the generators read them (allowTags, currentVersion)', () => {
      const dir = stateDir({
        'images.yaml': `${managedEntry('api')}- name: python-3.12-slim\n`,
        'images/api.yaml': `name: api
baseImages: [python-3.12-slim]
currentVersion: 1.0.0\${{ secrets.X }}
`,
        'base-images/python-3.12-slim.yaml': BASE_STATE.replace('^3\\.12-slim$', '^3\\.12-slim${%x%}'),
      });
      const result = loadState(dir);
      expect(result.ok).toBe(false);
      expect(lines(result).filter((line) => line.includes('which Kargo'))).toEqual([
        `base-images/python-3.12-slim.yaml:3:12: allowTags contains "\${%", which Kargo evaluates as an expression (got "^3\\\\.12-slim\${%x%}")\n${ERROR_HINT}`,
        `images/api.yaml:3:17: currentVersion contains "\${{", which Kargo and GitHub Actions evaluate as an expression (got "1.0.0\${{ secrets.X }}")\n${ERROR_HINT}`,
      ]);
    });

    it('warns, and still loads, where nothing generated reads them (metadata, updateHistory, the enrollment copy)', () => {
      const dir = stateDir({
        'images.yaml': `${managedEntry('api')}- name: python-3.12-slim\n`,
        'images/api.yaml': `name: api
enrollment:
  name: api
  registry: ghcr.io
  repository: acme/api
  source: {repo: acme/api, dockerfile: "\${{ x }}"}
`,
        'base-images/python-3.12-slim.yaml': `${BASE_STATE}metadata:
  notes: "\${{ secrets.X }}"
updateHistory:
  - digest: sha256:${'a'.repeat(64)}
    tag: "\${%y%}"
`,
      });
      const result = loadState(dir);
      expect(result.ok).toBe(true);
      expect(lines(result)).toEqual([
        `base-images/python-3.12-slim.yaml:5:10: warning: metadata.notes contains "\${{", which Kargo and GitHub Actions evaluate as an expression (got "\${{ secrets.X }}")\n${WARNING_HINT}`,
        `base-images/python-3.12-slim.yaml:8:10: warning: updateHistory[0].tag contains "\${%", which Kargo evaluates as an expression (got "\${%y%}")\n${WARNING_HINT}`,
        `images/api.yaml:6:40: warning: enrollment.source.dockerfile contains "\${{", which Kargo and GitHub Actions evaluate as an expression (got "\${{ x }}")\n${WARNING_HINT}`,
        // The enrollment copy is documentation: that it differs from images.yaml is a warning too.
        `images/api.yaml:6:40: warning: enrollment.source.dockerfile differs from images.yaml ("\${{ x }}" here, "Dockerfile" in images.yaml): the copy is out of date\n  hint: the enrollment copy is documentation, images.yaml is used: \`image-factory migrate\` (or generate-state) writes the copy again from images.yaml`,
      ]);
    });

    it('checks the legacy state/ layout the same way', () => {
      const dir = stateDir({
        'images.yaml': `${managedEntry('api')}- name: python-3.12-slim\n`,
        'state/base-images/python-3.12-slim.yaml': `name: python-3.12-slim
fullImage: python:3.12-slim
allowTags: \${{x}}
metadata:
  notes: \${{x}}
`,
      });
      const result = loadState(dir);
      expect(
        (result.ok ? [] : result.problems)
          .filter((p) => p.code === 'expression-delimiter')
          .map((p) => [p.line, p.severity]),
      ).toEqual([
        [3, 'error'],
        [5, 'warning'],
      ]);
    });
  });

  it('expressionDelimiterIn finds exactly the delimiters Kargo and GitHub evaluate', () => {
    expect(expressionDelimiterIn('a ${{ b }}')).toBe('${{');
    expect(expressionDelimiterIn('a ${% b %}')).toBe('${%');
    for (const literal of ['$ {{', '${x}', '{{ x }}', '$${', '%{{', '']) {
      expect(expressionDelimiterIn(literal)).toBeUndefined();
    }
  });
});
