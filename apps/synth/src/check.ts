import { parseAllDocuments } from 'yaml';
import { HEADER_START, leadingComment } from './header.js';

/** What differs between the manifest on disk and the synthesized one. */
export interface ManifestDiff {
  /** `Kind/name` of objects only in the new manifest. */
  readonly added: readonly string[];
  /** `Kind/name` of objects only in the file on disk. */
  readonly removed: readonly string[];
  /** `Kind/name` of objects in both, with different content. */
  readonly changed: readonly string[];
  /**
   * The comment the file starts with, against the synthesized one: `missing` when the file has no
   * header written by synth (an older version wrote none), `different` when it names another version
   * or state repository.
   */
  readonly header: 'same' | 'missing' | 'different';
  /** Same objects, contents and header, but different bytes (order, formatting, other comments). */
  readonly formattingOnly: boolean;
  /** The file on disk is not YAML. */
  readonly unreadable: boolean;
}

function objectsOf(text: string): Map<string, string> | undefined {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return undefined;
  const out = new Map<string, string>();
  for (const doc of docs) {
    if (doc.errors.length > 0) return undefined;
    const value = doc.toJS() as { kind?: unknown; metadata?: { name?: unknown } } | null;
    if (value === null || typeof value !== 'object') continue;
    out.set(`${String(value.kind)}/${String(value.metadata?.name)}`, JSON.stringify(canonical(value)));
  }
  return out;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** Compares the text on disk with the synthesized text, object by object. */
export function diffManifests(onDisk: string, synthesized: string): ManifestDiff {
  const before = objectsOf(onDisk);
  const after = objectsOf(synthesized) ?? new Map<string, string>();
  const oldHeader = leadingComment(onDisk);
  const header = !oldHeader.startsWith(HEADER_START)
    ? 'missing'
    : oldHeader === leadingComment(synthesized)
      ? 'same'
      : 'different';
  if (before === undefined) {
    const all = [...after.keys()];
    return { added: all, removed: [], changed: [], header, formattingOnly: false, unreadable: true };
  }
  const added = [...after.keys()].filter((k) => !before.has(k)).sort();
  const removed = [...before.keys()].filter((k) => !after.has(k)).sort();
  const changed = [...after.keys()].filter((k) => before.has(k) && before.get(k) !== after.get(k)).sort();
  return {
    added,
    removed,
    changed,
    header,
    formattingOnly:
      added.length + removed.length + changed.length === 0 && header === 'same' && onDisk !== synthesized,
    unreadable: false,
  };
}

/** At most this many objects are listed by {@link formatDiff}; the rest is counted. */
export const DIFF_LIST_LIMIT = 20;

/** The diff as indented lines for the `--check` report (at most {@link DIFF_LIST_LIMIT} objects listed). */
export function formatDiff(diff: ManifestDiff): string[] {
  if (diff.unreadable) return ['  the file on disk is not valid YAML; it would be replaced entirely'];
  const lines: string[] = [
    ...diff.added.map((k) => `  + ${k} (new)`),
    ...diff.removed.map((k) => `  - ${k} (no longer generated)`),
    ...diff.changed.map((k) => `  ~ ${k} (changed)`),
  ];
  const shown = lines.slice(0, DIFF_LIST_LIMIT);
  if (lines.length > DIFF_LIST_LIMIT) shown.push(`  ... and ${lines.length - DIFF_LIST_LIMIT} more`);
  if (diff.header === 'missing') {
    shown.push(
      '  the file does not start with the generated-file comment (it was written by an older synth or by hand)',
    );
  } else if (diff.header === 'different') {
    shown.push('  the generated-file comment differs (another synth version or state repository)');
  }
  if (diff.formattingOnly) shown.push('  same objects, but the order or formatting differs');
  const objects = diff.added.length + diff.removed.length + diff.changed.length;
  const summary = `  (${diff.added.length} new, ${diff.removed.length} removed, ${diff.changed.length} changed)`;
  return objects > 0 || (!diff.formattingOnly && diff.header === 'same') ? [...shown, summary] : shown;
}
