// Why the analyzer does not lex with dockerfile-ast (a dev dependency kept for this comparison):
// its parser splits instructions differently from BuildKit in ways that lose or invent images.
// Where BuildKit's rules and dockerfile-ast agree, the two find the same FROM instructions.

import { DockerfileParser } from 'dockerfile-ast';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeDockerfile } from '../src/index.js';

const astFroms = (text: string) =>
  DockerfileParser.parse(text)
    .getFROMs()
    .map((from) => from.getImage());
const ourFroms = (text: string) => analyzeDockerfile(text).stages.map((stage) => stage.base.raw ?? null);

describe('dockerfile-ast diverges from BuildKit', () => {
  it('an escaped escape character at the end of a line does not continue (dockerfile-ast merges the lines)', () => {
    const text = 'FROM alpine:3\nRUN echo \\\\\nFROM busybox:1\n';
    expect(astFroms(text)).toEqual(['alpine:3']);
    expect(ourFroms(text)).toEqual(['alpine:3', 'busybox:1']);
  });

  it('an unknown directive ends the directive block (dockerfile-ast still applies a later escape)', () => {
    const text = '# foo=bar\n# escape=`\nFROM alpine:3 `\n  AS b\n';
    expect(DockerfileParser.parse(text).getEscapeCharacter()).toBe('`');
    expect(analyzeDockerfile(text).problems.map((p) => p.code)).toEqual([
      'InvalidFrom',
      'UnknownInstruction',
    ]);
  });

  it('a lone CR does not end a line (dockerfile-ast splits on it)', () => {
    const text = 'FROM a:1\rFROM b:1\n';
    expect(astFroms(text)).toEqual(['a:1', 'b:1']);
    expect(analyzeDockerfile(text).images).toEqual([]);
  });

  it('quotes are removed from FROM (dockerfile-ast keeps them)', () => {
    expect(astFroms('FROM "alpine:3"\n')).toEqual(['"alpine:3"']);
    expect(analyzeDockerfile('FROM "alpine:3"\n').images[0]?.raw).toBe('alpine:3');
  });
});

describe('dockerfile-ast agrees on plain Dockerfiles', () => {
  const word = fc.stringMatching(/^[a-z][a-z0-9]{0,6}(:[0-9]{1,3})?$/);
  const line = fc.oneof(
    word.map((image) => `FROM ${image}`),
    fc.tuple(word, word).map(([image, name]) => `FROM ${image} AS ${name.split(':')[0]}`),
    word.map((image) => `FROM \\\n  ${image}`),
    fc.constant('RUN echo hi \\\n  && echo there'),
    fc.constant('# a comment'),
    fc.constant(''),
    fc.constant('RUN <<EOF\nFROM not-an-instruction\nEOF'),
    word.map((image) => `COPY --from=${image} /a /b`),
  );

  it('finds the same FROM image words', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), (lines) => {
        const text = `${lines.join('\n')}\n`;
        expect(ourFroms(text)).toEqual(astFroms(text));
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});
