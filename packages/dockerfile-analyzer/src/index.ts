export { analyzeDockerfile, MAX_PROBLEMS } from './analyze.js';
export type {
  AnalyzeOptions,
  DockerfileAnalysis,
  DockerfileImage,
  DockerfileProblem,
  DockerfileStage,
  ImageSource,
  OnbuildInstruction,
  ProblemCode,
  Severity,
  StageBase,
  SyntaxDirective,
} from './finding.js';
export { BUILDKIT_CHECKS, PROBLEM_CODES } from './finding.js';
export type { Platform, PlatformParseResult } from './platform.js';
export { canonicalPlatform, formatPlatform, normalizePlatform, parsePlatform } from './platform.js';
