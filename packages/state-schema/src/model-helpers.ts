import { compareStrings } from './compare.js';
import { IMAGES_FILE } from './layout.js';
import type { BaseImageState, ImageEntry, ImageSelectionStrategy, Origin, StateProblem } from './model.js';
import { problem } from './problems.js';
import type { ImageReference } from './reference.js';
import { undoubleBackslashes } from './rules.js';
import type { YamlSource } from './yaml-source.js';

export interface EntryInfo<T> {
  readonly index: number;
  readonly value: T;
  readonly raw: ImageEntry;
  readonly origin: Origin;
  /** Base entries: the fields of managed entries the old tool wrote on them, as written (see entries.ts). */
  readonly oldFields?: Readonly<Record<string, unknown>>;
}

export interface BaseFileInfo {
  readonly name: string;
  readonly file: string;
  readonly reference: ImageReference;
  readonly allowTags?: string | undefined;
  readonly strategy?: ImageSelectionStrategy | undefined;
  readonly state: BaseImageState;
  readonly origin: Origin;
}

export function defined<K extends string, V>(key: K, value: V | null | undefined): { [P in K]?: V } {
  return value === undefined || value === null ? {} : ({ [key]: value } as { [P in K]: V });
}

export function stripDotSlash(path: string): string {
  return path.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
}

export function sortRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => compareStrings(a, b)));
}

export function duplicateFile(file: string, previous: string, name: string): StateProblem {
  return problem(
    'error',
    'duplicate-name',
    { file, line: 0, col: 0 },
    [],
    `"${name}" has state in both ${previous} and ${file}`,
    'the state/ layout is deprecated: keep the file in images/ or base-images/ and delete the other',
  );
}

export function nameMismatch(
  source: YamlSource,
  file: string,
  written: string,
  expected: string,
): StateProblem {
  return problem(
    'error',
    'name-mismatch',
    source.locate(['name']),
    ['name'],
    `name "${written}" does not match the file name (${expected})`,
    `set name: ${expected}, or rename the file to ${file.replace(/[^/]+\.yaml$/, `${written}.yaml`)}`,
  );
}

export function doubledWarning(
  source: YamlSource | undefined,
  path: (string | number)[],
  value: string,
  fallback?: Origin,
  subject = '',
): StateProblem {
  return problem(
    'warning',
    'doubled-backslash',
    source ? source.locate(path) : (fallback ?? { file: IMAGES_FILE, line: 0, col: 0 }),
    path,
    `${subject}allowTags ${JSON.stringify(value)} has a doubled backslash, which matches a literal "\\"`,
    `did you mean ${undoubleBackslashes(value)}?`,
  );
}
