import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diffLines, unifiedDiff } from '../src/migrate/diff.js';
import { git, tempDir } from './helpers/git-repos.js';

const scratch = tempDir('if-diff');
afterAll(() => scratch.cleanup());

/** A deterministic pseudo-random generator (mulberry32). */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(lines: string[], next: () => number): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const r = next();
    if (r < 0.1) continue;
    if (r < 0.2) out.push(`changed ${line}`);
    else out.push(line);
    if (next() < 0.08) out.push(`inserted ${out.length}`);
  }
  return out;
}

describe('diffLines', () => {
  it('gives an edit script from a to b: kept and removed lines are a, kept and added lines are b', () => {
    const next = random(7);
    for (let round = 0; round < 200; round++) {
      const a = Array.from({ length: Math.floor(next() * 40) }, (_, i) => `line ${i % 7}`);
      const b = mutate(a, next);
      const ops = diffLines(a, b);
      expect(ops.filter((op) => op.kind !== '+').map((op) => op.line)).toEqual(a);
      expect(ops.filter((op) => op.kind !== '-').map((op) => op.line)).toEqual(b);
    }
  });

  it('finds a shortest script', () => {
    const ops = diffLines(['a', 'b', 'c', 'a', 'b', 'b', 'a'], ['c', 'b', 'a', 'b', 'a', 'c']);
    expect(ops.filter((op) => op.kind !== ' ').length).toBe(5);
  });
});

describe('unifiedDiff', () => {
  it('is a patch git apply accepts, for edits, renames, new and removed files', () => {
    const next = random(11);
    const repo = join(scratch.dir, 'repo');
    mkdirSync(repo, { recursive: true });
    git(repo, 'init', '-q');
    const patches: string[] = [];
    const expected = new Map<string, string>();
    for (let i = 0; i < 20; i++) {
      const a = Array.from({ length: 5 + Math.floor(next() * 60) }, (_, j) => `file ${i} line ${j % 9}`);
      const b = mutate(a, next);
      const before = `${a.join('\n')}\n`;
      const after = b.length === 0 ? '' : `${b.join('\n')}\n`;
      writeFileSync(join(repo, `f${i}.txt`), before);
      const to = i % 3 === 0 ? `moved-${i}.txt` : `f${i}.txt`;
      patches.push(unifiedDiff(`f${i}.txt`, to, before, after));
      expected.set(to, after);
    }
    patches.push(unifiedDiff(undefined, 'new.txt', '', 'one\ntwo\n'));
    expected.set('new.txt', 'one\ntwo\n');
    writeFileSync(join(repo, 'gone.txt'), 'bye\n');
    patches.push(unifiedDiff('gone.txt', undefined, 'bye\n', ''));
    writeFileSync(join(scratch.dir, 'all.patch'), patches.join(''));
    git(repo, 'apply', join(scratch.dir, 'all.patch'));
    for (const [file, text] of expected) expect(readFileSync(join(repo, file), 'utf8'), file).toBe(text);
    expect(() => readFileSync(join(repo, 'gone.txt'))).toThrow();
  });

  it('says a pure rename as git does, and nothing else', () => {
    expect(unifiedDiff('state/images/a.yaml', 'images/a.yaml', 'x\n', 'x\n')).toBe(
      'diff --git a/state/images/a.yaml b/images/a.yaml\nsimilarity index 100%\nrename from state/images/a.yaml\nrename to images/a.yaml\n',
    );
  });
});
