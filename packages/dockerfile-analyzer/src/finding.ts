// The public result types of the analyzer, and the catalogue of problem codes.

/** Where an image is referenced. */
export type ImageSource = 'from' | 'copy' | 'mount';

/** An image the Dockerfile depends on, as BuildKit resolves it. */
export interface DockerfileImage {
  /**
   * Fully normalized reference BuildKit pulls, with `:latest` added when neither tag nor digest is
   * written (distribution's `TagNameOnly`); tag and digest are both kept when both are written.
   * E.g. `docker.io/library/node:22-bookworm-slim`. Use it as the identity of the image.
   */
  readonly reference: string;
  /** Short form as `docker` prints it, e.g. `node:22-bookworm-slim`, `ghcr.io/acme/x:1`. */
  readonly familiar: string;
  /** `registry/repository`, e.g. `docker.io/library/node`: the graph key without tag or digest. */
  readonly name: string;
  /** Registry host (with port), `docker.io` for Docker Hub. */
  readonly registry: string;
  /** Path within the registry, e.g. `library/node`. */
  readonly repository: string;
  /** Tag; `latest` when neither tag nor digest is written. Absent when only a digest is written. */
  readonly tag?: string | undefined;
  /** Digest `algorithm:hex`, when pinned. */
  readonly digest?: string | undefined;
  /** The reference text after ARG expansion and quote removal, as BuildKit read it. */
  readonly raw: string;
  /** `from` (base of a stage), `copy` (`COPY --from=`) or `mount` (`RUN --mount=from=`). */
  readonly source: ImageSource;
  /** The stage of the first occurrence: its name, or `stage-<index>` when unnamed (BuildKit's naming). */
  readonly stage: string;
  /** 0-based index of that stage. */
  readonly stageIndex: number;
  /** Platform the image is pulled for, e.g. `linux/amd64` (the FROM `--platform`, else the target platform). */
  readonly platform: string;
  /**
   * True when the reference comes from an `ONBUILD` trigger: it is a dependency of images built
   * FROM that stage (and of this build when a later stage of this file is based on it).
   */
  readonly onbuild: boolean;
  /** True when building the target stage (default: the last) pulls the image. */
  readonly reachable: boolean;
  /** 1-based line of the first occurrence (the instruction's first line). */
  readonly line: number;
  /** All lines where the same image is referenced with the same source, platform and ONBUILD-ness. */
  readonly lines: readonly number[];
}

/** What a stage is built on. */
export type StageBase =
  | { readonly kind: 'image'; readonly raw: string; readonly reference: string }
  | { readonly kind: 'stage'; readonly raw: string; readonly stageIndex: number }
  | { readonly kind: 'scratch'; readonly raw: string }
  | { readonly kind: 'unresolved'; readonly raw?: string | undefined };

/** An `ONBUILD` instruction of a stage. */
export interface OnbuildInstruction {
  readonly line: number;
  /** The trigger instruction, e.g. `COPY --from=tools:1 /a /b`. */
  readonly instruction: string;
}

/** A build stage (one FROM instruction). */
export interface DockerfileStage {
  /** 0-based index, usable in `COPY --from=<index>`. */
  readonly index: number;
  /** The stage name (`AS name`), lowercased as BuildKit stores it. */
  readonly name?: string | undefined;
  /** 1-based line of the FROM instruction. */
  readonly line: number;
  readonly base: StageBase;
  /** The FROM `--platform` value after expansion, normalized (e.g. `linux/arm64`). */
  readonly platform?: string | undefined;
  /** True when building the target stage builds this stage. */
  readonly reachable: boolean;
  /** ONBUILD instructions recorded in this stage. */
  readonly onbuild: readonly OnbuildInstruction[];
}

/** `error`: BuildKit would fail (or the reference cannot be resolved); `warning`: a build check. */
export type Severity = 'error' | 'warning';

/** Every problem code the analyzer reports. */
export type ProblemCode = keyof typeof PROBLEM_CODES;

/** A problem with the Dockerfile or the options. */
export interface DockerfileProblem {
  /** 1-based line of the instruction; 0 when the problem is not about a line (options, empty file). */
  readonly line: number;
  readonly code: ProblemCode;
  readonly severity: Severity;
  readonly message: string;
  /** How to fix it, when there is more to say than the message. */
  readonly hint?: string | undefined;
}

/** The `# syntax=` frontend image, when the file names one. */
export interface SyntaxDirective {
  readonly raw: string;
  /** Normalized reference (with `:latest` when untagged). */
  readonly reference: string;
  readonly line: number;
}

/** The result of {@link analyzeDockerfile}. */
export interface DockerfileAnalysis {
  /** Images the Dockerfile depends on, each once, ordered by first line. */
  readonly images: readonly DockerfileImage[];
  /** Build stages in file order. */
  readonly stages: readonly DockerfileStage[];
  /** Problems ordered by line. */
  readonly problems: readonly DockerfileProblem[];
  /** The `# syntax=` frontend image, if any (not a base image: not in `images`). */
  readonly syntax?: SyntaxDirective | undefined;
  /** Index of the target stage (the `target` option, else the last stage); -1 without stages. */
  readonly targetStage: number;
  /** The target platform used, normalized. */
  readonly platform: string;
}

/** Options of {@link analyzeDockerfile}. */
export interface AnalyzeOptions {
  /**
   * `--build-arg` values. They override the defaults of ARGs declared before the first FROM and
   * the automatic platform ARGs (`TARGETARCH`, ...); other names have no effect on images.
   * @default {}
   */
  readonly buildArgs?: Readonly<Record<string, string>> | undefined;
  /** The stage to build (`--target`), matched case-insensitively. @default - the last stage */
  readonly target?: string | undefined;
  /** Target platform (`--platform`), e.g. `linux/arm64`. @default 'linux/amd64' */
  readonly platform?: string | undefined;
  /** Platform of the build machine (`BUILDPLATFORM`). @default 'linux/amd64' */
  readonly buildPlatform?: string | undefined;
}

/**
 * Every problem code with its severity and meaning. Build checks named like BuildKit's
 * (`docker build --check`) are warnings; anything that makes BuildKit fail, or leaves an image
 * reference unresolved or invalid, is an error.
 */
export const PROBLEM_CODES = {
  // Errors: BuildKit would fail, or an image reference cannot be resolved.
  EmptyDockerfile: { severity: 'error', description: 'The file is empty.' },
  NoInstructions: { severity: 'error', description: 'The file holds only comments and blank lines.' },
  NoStages: { severity: 'error', description: 'There is no FROM instruction.' },
  LineTooLong: { severity: 'error', description: 'A line exceeds 65535 bytes (BuildKit stops reading).' },
  InvalidDirective: {
    severity: 'error',
    description: 'A parser directive is repeated or has an invalid value.',
  },
  UnterminatedHeredoc: { severity: 'error', description: 'A heredoc has no terminator line.' },
  ParseError: {
    severity: 'error',
    description: 'An instruction cannot be parsed (e.g. a JSON array of non-strings).',
  },
  UnknownInstruction: {
    severity: 'error',
    description: 'The instruction keyword is not a Dockerfile instruction.',
  },
  InstructionBeforeFrom: {
    severity: 'error',
    description: 'An instruction other than ARG comes before the first FROM.',
  },
  InvalidFrom: { severity: 'error', description: 'FROM has neither one argument nor `<image> AS <name>`.' },
  InvalidStageName: { severity: 'error', description: 'A stage name does not match `^[a-z][a-z0-9-_.]*$`.' },
  InvalidFlag: {
    severity: 'error',
    description: 'An unknown, repeated or valueless flag on FROM, COPY --from or RUN --mount.',
  },
  InvalidArg: { severity: 'error', description: 'An ARG without a name.' },
  ExpansionError: {
    severity: 'error',
    description: 'Variable expansion failed (bad substitution, `${V:?message}`, open quote).',
  },
  ExpansionTooLarge: {
    severity: 'error',
    description:
      "An expansion exceeds 65535 characters (the longest line BuildKit reads), or all of a file's exceed 4 Mi characters; reported once per file.",
  },
  EmptyBaseName: { severity: 'error', description: 'The FROM image expands to an empty string.' },
  InvalidReference: { severity: 'error', description: 'An image reference is invalid after expansion.' },
  InvalidPlatform: {
    severity: 'error',
    description: 'A FROM --platform value is empty or invalid after expansion.',
  },
  UnsupportedVariable: {
    severity: 'error',
    description: 'COPY --from / RUN --mount from= uses a variable (BuildKit does not expand them).',
  },
  InvalidStageIndex: { severity: 'error', description: 'COPY --from=<index> names no stage.' },
  StageDefinedLater: {
    severity: 'error',
    description:
      'COPY --from / RUN --mount from= names the current or a later stage (a warning when that stage is not built for the target).',
  },
  InvalidMount: {
    severity: 'error',
    description: 'A RUN --mount value cannot be parsed, or is a secret mount with from=.',
  },
  InvalidOnbuild: {
    severity: 'error',
    description: 'ONBUILD without a trigger, or with ONBUILD, FROM or MAINTAINER.',
  },
  TargetNotFound: { severity: 'error', description: 'The `target` option names no stage.' },
  InvalidOption: { severity: 'error', description: 'An option (platform) is invalid.' },
  InternalError: {
    severity: 'error',
    description: 'The analyzer failed unexpectedly (a bug: please report it).',
  },
  TooManyProblems: {
    severity: 'error',
    description: 'Further problems were omitted (severity of the worst omitted one).',
  },
  // Warnings: BuildKit build checks (`docker build --check`).
  UndefinedArgInFrom: {
    severity: 'warning',
    description: 'FROM or --platform uses a variable that is not declared.',
  },
  InvalidDefaultArgInFrom: {
    severity: 'warning',
    description: 'With default ARG values only, a FROM image is invalid.',
  },
  FromAsCasing: { severity: 'warning', description: 'The `AS` keyword casing does not match `FROM`.' },
  StageNameCasing: { severity: 'warning', description: 'A stage name is not lowercase.' },
  DuplicateStageName: { severity: 'warning', description: 'Two stages have the same name.' },
  ReservedStageName: { severity: 'warning', description: 'A stage is named `scratch` or `context`.' },
  RedundantTargetPlatform: {
    severity: 'warning',
    description: '`--platform=$TARGETPLATFORM` is the default.',
  },
  NoEmptyContinuation: { severity: 'warning', description: 'A blank line inside a continuation.' },
  // Warnings: the analyzer's own checks.
  UntaggedImage: {
    severity: 'warning',
    description: 'An image has neither tag nor digest: BuildKit pulls `:latest`.',
  },
  LatestTag: { severity: 'warning', description: 'An image uses the mutable `latest` tag without a digest.' },
  NumericMountFrom: {
    severity: 'warning',
    description:
      'RUN --mount from=<number>: BuildKit has no stage indexes for mounts, so it is an image name.',
  },
} as const satisfies Record<string, { readonly severity: Severity; readonly description: string }>;

/** Codes of BuildKit's own build checks, affected by `# check=skip=...;error=true`. */
export const BUILDKIT_CHECKS: ReadonlySet<ProblemCode> = new Set<ProblemCode>([
  'UndefinedArgInFrom',
  'InvalidDefaultArgInFrom',
  'FromAsCasing',
  'StageNameCasing',
  'DuplicateStageName',
  'ReservedStageName',
  'RedundantTargetPlatform',
  'NoEmptyContinuation',
]);
