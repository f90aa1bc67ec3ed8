import { type AnalyzeOptions, analyzeDockerfile, type DockerfileAnalysis } from '../src/index.js';

/** Sha256 digests used by the Renovate cases (reference doc §1.3). */
export const D1 = 'sha256:eb85fc5b1198f5e1ec025ea07586bdbbf397e7d82df66c90d7511f533517e063';
export const D2 = 'sha256:d743b4141b02fcfb8beb68f92b4cd164f60ee457bf2d053f36785bf86de16b0d';
export const D3 = 'sha256:ab37242e81cbc031b2600eef4440fe87055a05c14b40686df85078cc5086c98f';
export const D4 = 'sha256:ca9fac83c6c89a09424279de522214e865e322187b22a1a29b12747a4287b7bd';
export const D5 = 'sha256:ba9c961513b853210ae0ca1524274eafa5fd94e20b856343887ca7274c8450e4';

export function analyze(text: string, options?: AnalyzeOptions): DockerfileAnalysis {
  return analyzeDockerfile(text, options);
}

/** `reference` of every image, in order. */
export function refs(text: string, options?: AnalyzeOptions): string[] {
  return analyze(text, options).images.map((image) => image.reference);
}

/** `line:code` of every problem, in order. */
export function codes(text: string, options?: AnalyzeOptions): string[] {
  return analyze(text, options).problems.map((problem) => `${problem.line}:${problem.code}`);
}

/** `line:code` of the error problems only. */
export function errors(text: string, options?: AnalyzeOptions): string[] {
  return analyze(text, options)
    .problems.filter((problem) => problem.severity === 'error')
    .map((problem) => `${problem.line}:${problem.code}`);
}
