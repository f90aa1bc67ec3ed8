import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderScalar, YamlTextEditor } from '../src/yaml-text-edit.js';

function edit(text: string, change: (editor: YamlTextEditor) => void): string {
  const editor = new YamlTextEditor(text);
  change(editor);
  return editor.result();
}

describe('YamlTextEditor', () => {
  it('removes a field with its lines and same-line comment, keeping every other byte', () => {
    const text = '# head\na: 1  # about a\nb:\n  nested: x  # about nested\n\n# about c\nc: 3\n';
    expect(edit(text, (e) => e.remove([], 'a'))).toBe(
      '# head\nb:\n  nested: x  # about nested\n\n# about c\nc: 3\n',
    );
    expect(edit(text, (e) => e.remove([], 'b'))).toBe('# head\na: 1  # about a\n\n# about c\nc: 3\n');
  });

  it('removes a paragraph whose fields all go, with its heading comment and a blank line', () => {
    const text =
      '# File header\nname: x\n\n# Current state\ncurrentDigest: None\nlastUpdated: None  # later\n\n# Rebuild eligibility\nrebuildEligibleAt:\n  default: null  # computed\n\n# Metadata\nmetadata: {}\n';
    expect(
      edit(text, (e) => {
        for (const key of ['currentDigest', 'lastUpdated', 'rebuildEligibleAt']) e.remove([], key);
      }),
    ).toBe('# File header\nname: x\n\n# Metadata\nmetadata: {}\n');
    // A paragraph that keeps a field keeps its comments.
    expect(edit(text, (e) => e.remove([], 'currentDigest'))).toBe(
      '# File header\nname: x\n\n# Current state\nlastUpdated: None  # later\n\n# Rebuild eligibility\nrebuildEligibleAt:\n  default: null  # computed\n\n# Metadata\nmetadata: {}\n',
    );
  });

  it('never cuts a value that runs past a blank line', () => {
    const text = 'a: 1\n\nb:\n  x: 1\n\n  y: 2\nc: 3\n';
    const result = edit(text, (e) => e.remove([], 'b'));
    expect(parse(result)).toEqual({ a: 1, c: 3 });
  });

  it('removes fields of entries in a list, the first field of an item and fields of flow maps', () => {
    const text =
      '- name: a\n  registry: r  # old\n  repository: p\n- registry: first\n  name: b\n- {name: c, registry: q, rest: 1}\n- {name: d, registry: q}\n';
    const result = edit(text, (e) => {
      e.remove([0], 'registry');
      e.remove([1], 'registry');
      e.remove([2], 'registry');
      e.remove([3], 'registry');
    });
    expect(result).toBe('- name: a\n  repository: p\n- name: b\n- {name: c, rest: 1}\n- {name: d}\n');
  });

  it('removes runs of fields from flow maps without leaving a comma, next to a replaced field', () => {
    const text =
      '- {name: pg, registry: docker.io, repository: library/postgres, rebuildDelay: 7d}\n- {a: 1, b: 2, c: 3}\n';
    const result = edit(text, (e) => {
      e.replaceField([0], 'registry', 'repoURL: docker.io/library/postgres');
      e.remove([0], 'repository');
      e.remove([0], 'rebuildDelay');
      e.remove([1], 'a');
      e.remove([1], 'b');
    });
    expect(result).toBe('- {name: pg, repoURL: docker.io/library/postgres}\n- {c: 3}\n');
    const trailing = edit('x: {a: 1, b: 2, c: 3}\n', (e) => {
      for (const key of ['b', 'c']) e.remove(['x'], key);
    });
    expect(trailing).toBe('x: {a: 1}\n');
  });

  it('replaces a field in place, keeping a comment after it', () => {
    const text = '- name: pg\n  registry: docker.io  # hub\n  repository: library/postgres\n';
    const result = edit(text, (e) => {
      e.replaceField([0], 'registry', 'repoURL: docker.io/library/postgres');
      e.remove([0], 'repository');
    });
    expect(result).toBe('- name: pg\n  repoURL: docker.io/library/postgres  # hub\n');
  });

  it('sets a scalar in its own style when it reads back the same, else quoted', () => {
    expect(edit('allowTags: ^3\\\\.12$\n', (e) => e.setScalar([], 'allowTags', '^3\\.12$'))).toBe(
      'allowTags: ^3\\.12$\n',
    );
    expect(edit("allowTags: '^3\\\\.12$'\n", (e) => e.setScalar([], 'allowTags', '^3\\.12$'))).toBe(
      "allowTags: '^3\\.12$'\n",
    );
    expect(edit('currentVersion: 2.10\n', (e) => e.setScalar([], 'currentVersion', '2.10'))).toBe(
      'currentVersion: "2.10"\n',
    );
    for (const value of ['yes', '1.0', '#x', 'a: b', ''])
      expect(parse(`k: ${renderScalar(value, 'PLAIN')}`).k).toBe(value);
  });

  it('keeps CRLF line endings', () => {
    const text = 'a: 1\r\nb: None\r\nc:\r\n  - x\r\n';
    expect(edit(text, (e) => e.remove([], 'b'))).toBe('a: 1\r\nc:\r\n  - x\r\n');
    expect(
      edit('- name: x\r\n  registry: r\r\n', (e) => e.replaceField([0], 'registry', 'repoURL: r/x')),
    ).toBe('- name: x\r\n  repoURL: r/x\r\n');
  });

  it('refuses text with YAML errors and leaves missing fields alone', () => {
    expect(() => new YamlTextEditor('a: [1\n')).toThrow(/YAML errors/);
    expect(edit('a: 1\n', (e) => e.remove([], 'missing'))).toBe('a: 1\n');
  });
});
