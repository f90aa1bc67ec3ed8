import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';

const created: string[] = [];

afterEach(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Creates a temporary state directory holding `files` (path -> content); removed after the test. */
export function stateDir(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'state-schema-'));
  created.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/** A minimal valid managed images.yaml entry. */
export function managedEntry(name: string, extra = ''): string {
  return `- name: ${name}
  registry: ghcr.io
  repository: acme/${name}
  source:
    repo: acme/${name}
    dockerfile: Dockerfile
${extra}`;
}

/**
 * `problems` without the reminder that `analysis.image` takes its default (code `default-value`),
 * for tests of states that have no `image-factory.yaml` on purpose (the old tool wrote none) and are
 * about something else. The reminder itself is pinned in settings-loader.test.ts.
 */
export function withoutDefaultImageReminder<T extends { readonly code: string }>(
  problems: readonly T[],
): T[] {
  return problems.filter((problem) => problem.code !== 'default-value');
}
