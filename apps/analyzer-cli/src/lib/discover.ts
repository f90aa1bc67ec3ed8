/** Dockerfile analysis as the CLI needs it: the base images, or a clear error. */
import { analyzeDockerfile } from '@image-factory/dockerfile-analyzer';
import { type ImageReference, parseImageReference, referenceKey } from '@image-factory/state-schema';
import { CliError } from '../errors.js';

/** One image a Dockerfile depends on. */
export interface DiscoveredImage {
  readonly reference: ImageReference;
  /** `from`, `copy` or `mount`. */
  readonly source: string;
  /** 1-based line of the instruction. */
  readonly line: number;
}

/** What {@link discoverBaseImages} found. */
export interface Discovery {
  /** Distinct images (by normalized reference), in order of first appearance. */
  readonly images: readonly DiscoveredImage[];
  /** Non-fatal problems, as `file:line: message`. */
  readonly warnings: readonly string[];
  /**
   * The image the target stage is built on (following `FROM <stage>` chains), when it is an image
   * without a digest: the base a pinned build names in `org.opencontainers.image.base.name`.
   */
  readonly finalBase?: ImageReference | undefined;
}

/**
 * Analyses a Dockerfile (`file` names it in messages) and returns the images building its default
 * target pulls (FROM, COPY --from, RUN --mount from=, ONBUILD triggers that apply). Throws a {@link CliError} listing every
 * error the analyzer reports (an unresolvable reference, a syntax error ...).
 */
export function discoverBaseImages(
  text: string,
  file: string,
  buildArgs: Readonly<Record<string, string>> = {},
): Discovery {
  const result = analyzeDockerfile(text, { buildArgs: { ...buildArgs } });
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const problem of result.problems) {
    const where = problem.line > 0 ? `${file}:${problem.line}` : file;
    const line = `${where}: ${problem.message}${problem.hint ? ` (hint: ${problem.hint})` : ''}`;
    (problem.severity === 'error' ? errors : warnings).push(line);
  }
  if (errors.length > 0) {
    throw new CliError(`analysing ${file} failed:\n  ${errors.join('\n  ')}`);
  }
  const seen = new Set<string>();
  const images: DiscoveredImage[] = [];
  for (const image of result.images) {
    // Images of stages the default target does not build are not pulled: they do not make the image.
    if (!image.reachable) continue;
    const reference = parseImageReference(image.reference);
    const key = referenceKey(reference);
    if (seen.has(key)) continue;
    seen.add(key);
    images.push({ reference, source: image.source, line: image.line });
  }
  const finalBase = targetBase(result.stages, result.targetStage);
  return { images, warnings, ...(finalBase === undefined ? {} : { finalBase }) };
}

/** The image stage `index` is built on, through `FROM <stage>` links (bounded by the stage count). */
function targetBase(
  stages: ReturnType<typeof analyzeDockerfile>['stages'],
  index: number,
): ImageReference | undefined {
  let current = stages[index];
  for (let hops = 0; current !== undefined && hops <= stages.length; hops++) {
    const { base } = current;
    if (base.kind === 'image') {
      const reference = parseImageReference(base.reference);
      return reference.digest === undefined ? reference : undefined;
    }
    if (base.kind !== 'stage') return undefined;
    current = stages[base.stageIndex];
  }
  return undefined;
}
