import { toPlainJson } from './private/render.js';

/** The value of a container environment variable. */
export class EnvValue {
  /** A literal value (may contain `{{args.x}}` references). */
  public static fromValue(value: string): EnvValue {
    return new EnvValue({ value });
  }

  /** A key of a Secret in the namespace of the job. */
  public static fromSecret(
    secretName: string,
    key: string,
    options: { readonly optional?: boolean } = {},
  ): EnvValue {
    return new EnvValue({
      valueFrom: {
        secretKeyRef: {
          name: secretName,
          key,
          ...(options.optional !== undefined ? { optional: options.optional } : {}),
        },
      },
    });
  }

  /** A key of a ConfigMap in the namespace of the job. */
  public static fromConfigMap(
    name: string,
    key: string,
    options: { readonly optional?: boolean } = {},
  ): EnvValue {
    return new EnvValue({
      valueFrom: {
        configMapKeyRef: {
          name,
          key,
          ...(options.optional !== undefined ? { optional: options.optional } : {}),
        },
      },
    });
  }

  /** A field of the pod, e.g. `metadata.namespace`. */
  public static fromFieldPath(fieldPath: string): EnvValue {
    return new EnvValue({ valueFrom: { fieldRef: { fieldPath } } });
  }

  private constructor(private readonly body: Record<string, unknown>) {}

  /** The `env[]` entry for `name`. */
  public toJson(name: string): Record<string, unknown> {
    return { name, ...structuredClone(this.body) };
  }
}

/** CPU/memory quantities, e.g. `{ cpu: '100m', memory: '256Mi' }`. */
export type ResourceQuantities = Readonly<Record<string, string>>;

/** The single container of an analysis Job. */
export interface JobContainer {
  /** Container image, e.g. `ghcr.io/acme/image-factory:1.2.3`. */
  readonly image: string;
  /**
   * Container name.
   *
   * @default 'analysis'
   */
  readonly name?: string;
  /**
   * Entrypoint as an argv array (no shell). `{{args.x}}` references are allowed in items.
   *
   * @default - the image's ENTRYPOINT
   */
  readonly command?: readonly string[];
  /**
   * Arguments as an argv array (no shell). `{{args.x}}` references are allowed in items.
   *
   * @default - the image's CMD
   */
  readonly args?: readonly string[];
  /**
   * Environment variables in order: a string is a literal value, an {@link EnvValue} can read
   * Secrets, ConfigMaps or pod fields.
   *
   * @default - none
   */
  readonly env?: Readonly<Record<string, string | EnvValue>>;
  /**
   * Image pull policy.
   *
   * @default - Kubernetes' default (IfNotPresent, or Always for `:latest`)
   */
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  /**
   * Working directory.
   *
   * @default - the image's WORKDIR
   */
  readonly workingDir?: string;
  /**
   * Resource requests and limits.
   *
   * @default - none
   */
  readonly resources?: { readonly requests?: ResourceQuantities; readonly limits?: ResourceQuantities };
  /**
   * Container security context (Kubernetes JSON shape), e.g. `{ runAsNonRoot: true }`.
   *
   * @default - none
   */
  readonly securityContext?: Readonly<Record<string, unknown>>;
  /**
   * Allow a shell (`sh -c …`) as command. Off by default: interpolating arguments into a shell
   * script lets argument values inject commands; pass argv arrays instead.
   *
   * @default false
   */
  readonly allowShell?: boolean;
}

/**
 * One rule of a Job's `podFailurePolicy` (Kubernetes ≥ 1.26, GA in 1.31): what a failed pod means for
 * the Job — `FailJob` at once, `Ignore` (not counted against `backoffLimit`), or `Count`.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#pod-failure-policy
 */
export type PodFailurePolicyRule =
  | {
      readonly action: 'FailJob' | 'Ignore' | 'Count';
      readonly onExitCodes: {
        readonly containerName?: string;
        readonly operator: 'In' | 'NotIn';
        readonly values: readonly number[];
      };
    }
  | {
      readonly action: 'FailJob' | 'Ignore' | 'Count';
      readonly onPodConditions: readonly {
        readonly type: string;
        readonly status: 'True' | 'False' | 'Unknown';
      }[];
    };

/** A Kubernetes Job that measures one metric (success = the job succeeds). */
export interface JobMetricProps {
  /** The container to run. */
  readonly container: JobContainer;
  /**
   * Retries of a failed pod before the job fails.
   *
   * @default 0
   */
  readonly backoffLimit?: number;
  /**
   * Which pod failures fail the Job at once or are not counted against {@link backoffLimit}
   * (requires `restartPolicy: Never`).
   *
   * @default - every failure counts
   */
  readonly podFailurePolicy?: readonly PodFailurePolicyRule[];
  /**
   * Seconds after which a running job is stopped.
   *
   * @default - no deadline
   */
  readonly activeDeadlineSeconds?: number;
  /**
   * Seconds after which a finished job is deleted.
   *
   * @default - kept (Argo Rollouts garbage-collects with the AnalysisRun)
   */
  readonly ttlSecondsAfterFinished?: number;
  /**
   * Pod restart policy (`Never` or `OnFailure`; Jobs do not allow `Always`).
   *
   * @default 'Never'
   */
  readonly restartPolicy?: 'Never' | 'OnFailure';
  /**
   * Service account of the pod.
   *
   * @default - the namespace's default service account
   */
  readonly serviceAccountName?: string;
  /**
   * Names of Secrets used to pull the image.
   *
   * @default - none
   */
  readonly imagePullSecrets?: readonly string[];
  /**
   * Labels and annotations of the pod template.
   *
   * @default - none
   */
  readonly podMetadata?: {
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  /**
   * Labels and annotations of the Job.
   *
   * @default - none
   */
  readonly jobMetadata?: {
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  /**
   * Node selector of the pod.
   *
   * @default - none
   */
  readonly nodeSelector?: Readonly<Record<string, string>>;
}

const SHELL_ALLOWED = new WeakSet<MetricProvider>();

/** Whether the provider was created with `allowShell: true` (used by validation; not exported from the package). */
export function isShellAllowed(provider: MetricProvider): boolean {
  return SHELL_ALLOWED.has(provider);
}

/** How a metric is measured (`spec.metrics[].provider`). */
export class MetricProvider {
  /** A Kubernetes Job from a typed container spec (argv arrays, env from Secrets). */
  public static job(props: JobMetricProps): MetricProvider {
    const c = props.container;
    const env = Object.entries(c.env ?? {}).map(([name, value]) =>
      typeof value === 'string' ? { name, value } : value.toJson(name),
    );
    const container = toPlainJson({
      name: c.name ?? 'analysis',
      image: c.image,
      command: c.command,
      args: c.args,
      env: env.length > 0 ? env : undefined,
      imagePullPolicy: c.imagePullPolicy,
      workingDir: c.workingDir,
      resources: c.resources,
      securityContext: c.securityContext,
    });
    const podSpec = toPlainJson({
      restartPolicy: props.restartPolicy ?? 'Never',
      serviceAccountName: props.serviceAccountName,
      imagePullSecrets: props.imagePullSecrets?.map((name) => ({ name })),
      nodeSelector: props.nodeSelector,
      containers: [container],
    });
    const job = toPlainJson({
      metadata: props.jobMetadata,
      spec: {
        backoffLimit: props.backoffLimit ?? 0,
        podFailurePolicy:
          props.podFailurePolicy === undefined ? undefined : { rules: props.podFailurePolicy },
        activeDeadlineSeconds: props.activeDeadlineSeconds,
        ttlSecondsAfterFinished: props.ttlSecondsAfterFinished,
        template: { metadata: props.podMetadata, spec: podSpec },
      },
    });
    const provider = new MetricProvider({ job });
    if (c.allowShell === true) SHELL_ALLOWED.add(provider);
    return provider;
  }

  /**
   * Any other Argo Rollouts provider as JSON, e.g. `{ web: { url: '…', jsonPath: '{$.ok}' } }` or
   * `{ prometheus: { address: '…', query: '…' } }` (validated against the CRD).
   */
  public static fromJson(provider: Readonly<Record<string, unknown>>): MetricProvider {
    return new MetricProvider(toPlainJson(provider) as Record<string, unknown>);
  }

  private constructor(private readonly body: Record<string, unknown>) {}

  /** The provider JSON. */
  public toJson(): Record<string, unknown> {
    return structuredClone(this.body);
  }
}
