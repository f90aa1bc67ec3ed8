import { expect } from 'vitest';

/** The `files` of a `base-images --json` document, after checking its shape and version. */
export function filesOf(stdout: string): unknown[] {
  const document = JSON.parse(stdout) as { version: number; files: unknown[] };
  expect(Object.keys(document)).toEqual(['version', 'files']);
  expect(document.version).toBe(1);
  return document.files;
}

/** The one entry of a `base-images --json` document for a single file. */
export function onlyFile(stdout: string): unknown {
  const files = filesOf(stdout);
  expect(files).toHaveLength(1);
  return files[0];
}
