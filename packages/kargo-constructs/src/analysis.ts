import type { Duration } from 'cdk8s';
import { renderDuration } from './duration.js';
import type { MetricProvider } from './metric-provider.js';
import { toPlainJson } from './private/render.js';

export {
  EnvValue,
  isShellAllowed,
  type JobContainer,
  type JobMetricProps,
  MetricProvider,
  type PodFailurePolicyRule,
  type ResourceQuantities,
} from './metric-provider.js';

/**
 * An argument of an AnalysisTemplate (`spec.args[]`). Without `value`/`valueFrom` it is required:
 * every Stage using the template must pass it.
 */
export interface AnalysisArgument {
  /** Argument name, referenced as `{{args.<name>}}` (see `analysisArg()`). */
  readonly name: string;
  /**
   * Default value.
   *
   * @default - none (a required argument, unless valueFrom is set)
   */
  readonly value?: string;
  /**
   * Take the value from a Secret key or a field of the AnalysisRun.
   *
   * @default - none
   */
  readonly valueFrom?: {
    /** A key of a Secret in the namespace of the AnalysisRun. */
    readonly secretKeyRef?: { readonly name: string; readonly key: string };
    /** A field of the AnalysisRun, e.g. `metadata.labels['kargo.akuity.io/stage']`. */
    readonly fieldRef?: { readonly fieldPath: string };
  };
}

/**
 * One metric of an AnalysisTemplate.
 *
 * @see https://argo-rollouts.readthedocs.io/en/stable/features/analysis/
 */
export interface AnalysisMetric {
  /** Metric name (unique in the template). */
  readonly name: string;
  /** How the metric is measured. */
  readonly provider: MetricProvider;
  /**
   * Time between measurements (Argo duration, e.g. `30s`, `5m`).
   *
   * @default - measured once
   */
  readonly interval?: Duration | string;
  /**
   * Delay before the first measurement.
   *
   * @default - none
   */
  readonly initialDelay?: Duration | string;
  /**
   * Number of measurements.
   *
   * @default - 1 (or unlimited with an interval)
   */
  readonly count?: number | string;
  /**
   * Failed measurements tolerated before the analysis fails.
   *
   * @default 0
   */
  readonly failureLimit?: number | string;
  /**
   * Inconclusive measurements tolerated.
   *
   * @default 0
   */
  readonly inconclusiveLimit?: number | string;
  /**
   * Consecutive errors tolerated.
   *
   * @default 4
   */
  readonly consecutiveErrorLimit?: number | string;
  /**
   * Consecutive successes required.
   *
   * @default - not used
   */
  readonly consecutiveSuccessLimit?: number | string;
  /**
   * Expression over `result` that marks a measurement successful (not for job metrics).
   *
   * @default - none
   */
  readonly successCondition?: string;
  /**
   * Expression over `result` that marks a measurement failed.
   *
   * @default - none
   */
  readonly failureCondition?: string;
}

const INT_OR_STRING = [
  'count',
  'failureLimit',
  'inconclusiveLimit',
  'consecutiveErrorLimit',
  'consecutiveSuccessLimit',
] as const;

/** The `spec` of an (Cluster)AnalysisTemplate, in the L1 props shape (int-or-string as `{value}`). */
export function renderAnalysisSpec(
  args: readonly AnalysisArgument[],
  metrics: readonly AnalysisMetric[],
  dryRun: readonly string[] | undefined,
): Record<string, unknown> {
  return toPlainJson({
    args: args.length > 0 ? args : undefined,
    metrics: metrics.map((m) => {
      const out: Record<string, unknown> = {
        name: m.name,
        provider: m.provider.toJson(),
        interval: renderDuration(m.interval),
        initialDelay: renderDuration(m.initialDelay),
        successCondition: m.successCondition,
        failureCondition: m.failureCondition,
      };
      for (const key of INT_OR_STRING) {
        const value = m[key];
        if (value !== undefined) out[key] = { value };
      }
      return out;
    }),
    dryRun:
      dryRun !== undefined && dryRun.length > 0 ? dryRun.map((metricName) => ({ metricName })) : undefined,
  }) as Record<string, unknown>;
}
