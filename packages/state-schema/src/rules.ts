/**
 * Rules that span fields or files: tag regexes (Kargo evaluates them with Go's RE2), doubled
 * backslashes of old files, references between images, cycles.
 */

/** Why a tag regex is unusable, or undefined when Kargo and we can both compile it. */
export function allowTagsProblem(pattern: string): { message: string; hint: string } | undefined {
  if (/\(\?<?[=!]/.test(pattern)) {
    return {
      message: 'uses a lookaround, which Kargo (Go regular expressions) does not support',
      hint: 'rewrite the expression without (?=...), (?!...), (?<=...) or (?<!...)',
    };
  }
  if (/\\[1-9]/.test(pattern)) {
    return {
      message: 'uses a backreference, which Kargo (Go regular expressions) does not support',
      hint: 'rewrite the expression without \\1 ... \\9',
    };
  }
  // Go accepts leading inline flags such as (?i); JavaScript does not: compile the rest.
  const flags = /^\(\?([imsU]+)\)/.exec(pattern);
  const body = flags ? pattern.slice(flags[0].length) : pattern;
  try {
    new RegExp(body, flags?.[1]?.includes('i') ? 'i' : '');
  } catch (error) {
    const reason =
      error instanceof Error
        ? error.message.replace(/^Invalid regular expression: /, '').replace(/^\/.*\/[a-z]*: /s, '')
        : 'invalid';
    return {
      message: `is not a valid regular expression (${reason})`,
      hint: 'in YAML, write the regex unquoted or in single quotes, e.g. ^3\\.12-slim$',
    };
  }
  return undefined;
}

/**
 * The old tool wrote every backslash of `allowTags` twice (`^3\\.12-slim$` meaning `^3\.12-slim$`):
 * halve them so the regex selects the tags it was written for.
 */
export function undoubleBackslashes(pattern: string): string {
  return pattern.replaceAll('\\\\', '\\');
}

/** True when a pattern (not from an old file) looks like it has a doubled backslash before a regex character. */
export function looksDoubled(pattern: string): boolean {
  return /\\\\[.dDwWsSbB+*?()[\]{}^$|-]/.test(pattern);
}

/**
 * Finds the cycles in a graph given as adjacency lists; each cycle is reported once, as the list
 * of its nodes starting with the smallest name, in edge order.
 */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles = new Map<string, string[]>();
  const state = new Map<string, 'visiting' | 'done'>();
  // Depth-first search with an explicit stack (a chain of 20,000 images must not overflow the call
  // stack): each frame is a node on the current path and the edges of it still to follow.
  const path: string[] = [];
  const frames: { node: string; edges: Iterator<string> }[] = [];
  const enter = (node: string) => {
    state.set(node, 'visiting');
    path.push(node);
    frames.push({ node, edges: (graph.get(node) ?? []).values() });
  };
  for (const root of [...graph.keys()].sort()) {
    if (state.has(root)) continue;
    enter(root);
    for (let frame = frames.at(-1); frame !== undefined; frame = frames.at(-1)) {
      const edge = frame.edges.next();
      if (edge.done) {
        frames.pop();
        path.pop();
        state.set(frame.node, 'done');
        continue;
      }
      const next = edge.value;
      if (!graph.has(next)) continue;
      const s = state.get(next);
      if (s === 'visiting') {
        // One key per cycle whatever node it was entered from: rotated to start at its smallest name.
        const cycle = path.slice(path.indexOf(next));
        const [smallest = next] = [...cycle].sort();
        const start = cycle.indexOf(smallest);
        const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
        cycles.set(rotated.join('\0'), rotated);
      } else if (s === undefined) {
        enter(next);
      }
    }
  }
  return [...cycles.values()].sort((a, b) => a.join('\0').localeCompare(b.join('\0')));
}
