// Turning `base-images` flags into analyzer options, with usage errors for malformed values.

import { type AnalyzeOptions, parsePlatform } from '@image-factory/dockerfile-analyzer';
import type { BaseImagesOptions } from '../commands/base-images.js';
import { UsageError } from '../errors.js';

/**
 * `--build-arg NAME=value` pairs (repeatable). Like `docker build`, a bare `NAME` takes its value
 * from the environment and is skipped when the environment has none.
 */
export function parseBuildArgs(
  values: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    const name = eq === -1 ? value : value.slice(0, eq);
    if (name.trim() === '' || /\s/.test(name)) {
      throw new UsageError(
        `--build-arg "${value}": ${name.trim() === '' ? 'missing the name' : 'the name contains blanks'}`,
        'write --build-arg NAME=value (repeat the flag for several build args)',
      );
    }
    if (eq !== -1) out[name] = value.slice(eq + 1);
    else if (env[name] !== undefined) out[name] = env[name];
  }
  return out;
}

/** Analyzer options from the flags; throws {@link UsageError} for an invalid platform. */
export function analyzeOptions(
  flags: BaseImagesOptions,
  env: Readonly<Record<string, string | undefined>>,
): AnalyzeOptions {
  for (const [flag, value] of [
    ['--platform', flags.platform],
    ['--build-platform', flags.buildPlatform],
  ] as const) {
    if (value === undefined) continue;
    const parsed = parsePlatform(value);
    if (!parsed.ok)
      throw new UsageError(`${flag} ${parsed.error}`, 'write os/arch[/variant], e.g. linux/arm64');
  }
  if (flags.target !== undefined && flags.target.trim() === '') {
    throw new UsageError(
      '--target needs a stage name',
      'write --target <stage>, a name from FROM ... AS <stage>',
    );
  }
  return {
    buildArgs: parseBuildArgs(flags.buildArg ?? [], env),
    ...(flags.target === undefined ? {} : { target: flags.target }),
    ...(flags.platform === undefined ? {} : { platform: flags.platform }),
    ...(flags.buildPlatform === undefined ? {} : { buildPlatform: flags.buildPlatform }),
  };
}
