import { describe, expect, it } from 'vitest';
import { parseDockerfile } from '../src/parser/parse.js';
import { extractBuilderFlags, parseWords } from '../src/parser/split.js';

const summary = (text: string) =>
  parseDockerfile(text).nodes.map(
    (n) => `${n.startLine}-${n.endLine} ${n.command} [${n.flags.join(' ')}] ${n.args}`,
  );

describe('line scanner (BuildKit parser.go)', () => {
  it('joins continuation lines without inserting blanks', () => {
    expect(summary('RUN a\\\nb \\\n  c\n')).toEqual(['1-3 run [] ab   c']);
  });

  it('skips comment and blank lines inside continuations and counts lines', () => {
    expect(summary('RUN a \\\n# c\n\n  b\nFROM x\n')).toEqual(['1-4 run [] a   b', '5-5 from [] x']);
  });

  it('treats lines of only blanks like empty lines, before, inside and after continuations', () => {
    const text = ' \t \nRUN a \\\n \t\n\t\n  b \\ \t\n \nFROM x\n\t\nFROM y\n';
    // Blank lines inside the continuation are skipped (with a warning) and it goes on to FROM x.
    expect(summary(text)).toEqual(['2-7 run [] a   b FROM x', '9-9 from [] y']);
    expect(parseDockerfile(text).problems.map((p) => `${p.line} ${p.code}`)).toEqual([
      '7 NoEmptyContinuation',
    ]);
    // A line of one blank, and one escape character after blanks, at the end of the file.
    expect(summary('FROM x\n \nFROM y \t\\')).toEqual(['1-1 from [] x', '3-3 from [] y']);
  });

  it('strips every trailing CR', () => {
    expect(summary('FROM x\r\r\nFROM y\r\n')).toEqual(['1-1 from [] x', '2-2 from [] y']);
  });

  it('keeps a lone CR inside a line (only LF ends a line)', () => {
    expect(summary('FROM a\rFROM b\n')).toEqual(['1-1 from [] a\rFROM b']);
  });

  it('a line that is only the escape character continues', () => {
    expect(summary('FROM \\\n\\\nx\n')).toEqual(['1-3 from [] x']);
  });

  it('includes heredoc bodies in the instruction’s lines', () => {
    expect(summary('RUN <<A <<-B\nx\nA\n\ty\n\tB\nFROM z\n')).toEqual([
      '1-5 run [] <<A <<-B',
      '6-6 from [] z',
    ]);
  });

  it('parses ONBUILD triggers', () => {
    const [node] = parseDockerfile('ONBUILD COPY --from=a /x /y\n').nodes;
    expect(node?.trigger).toMatchObject({ command: 'copy', flags: ['--from=a'], args: '/x /y' });
  });

  it('reports exec-form arrays with non-strings', () => {
    expect(parseDockerfile('RUN ["a", 1]\n').problems).toEqual([
      {
        line: 1,
        code: 'ParseError',
        message: 'when using JSON array syntax, arrays must be comprised of strings only',
      },
    ]);
  });
});

describe('extractBuilderFlags', () => {
  it.each([
    ['--a=1 --b rest of line', ['--a=1', '--b'], 'rest of line'],
    ['--from="a b" x', ['--from=a b'], 'x'],
    ["--from='a' x", ['--from=a'], 'x'],
    ['--x=a\\ b y', ['--x=a b'], 'y'],
    ['--x="" y', ['--x='], 'y'],
    ['-- --notaflag y', [], ' --notaflag y'],
    ['-x y', [], '-x y'],
    ['--x', ['--x'], ''],
    ['--from="unterminated x', ['--from=unterminated x'], ''],
    ['', [], ''],
    ['plain args', [], 'plain args'],
    ['  --a x', ['--a'], 'x'],
  ])('%j', (line, flags, rest) => {
    expect(extractBuilderFlags(line)).toEqual({ flags, rest });
  });
});

describe('parseWords (ARG)', () => {
  it.each([
    ['a=1 b=2', ['a=1', 'b=2']],
    ['a="x y" b', ['a="x y"', 'b']],
    ["a='x \\' y'", ["a='x \\'", "y'"]],
    ['a=x\\ y', ['a=x\\ y']],
    ['a="x\\"y"', ['a="x\\"y"']],
    ['a=""', ['a=""']],
  ])('%j', (rest, words) => {
    expect(parseWords(rest, '\\')).toEqual(words);
  });
});
