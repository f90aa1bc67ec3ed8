import type { l1 as kargo } from '@image-factory/kargo-constructs';
import {
  problem,
  type Settings,
  type StateProblem,
  sortProblems,
  type WebhookReceiverSettings,
} from '@image-factory/state-schema';
import { normalizeGitUrl, providerUrl } from './git.js';
import { compactDuration } from './names.js';
import type { BaseStagePlan, FactoryPlan, RebuildStagePlan, WarehousePlan } from './plan/plan.js';

/** The webhook receivers the settings can turn on (`webhooks.<provider>` in image-factory.yaml). */
export type WebhookProvider = 'github' | 'gitlab' | 'dockerhub' | 'quay';

/** What Kargo v1.11.2 does with each receiver (pkg/webhook/external/<provider>.go). */
export interface WebhookProviderFacts {
  /** The field of `WebhookReceiverConfig` (and the receiver type in the URL path). */
  readonly field: 'github' | 'gitlab' | 'dockerhub' | 'quay';
  /** The key of the Secret the receiver reads (`getSecretValues`). */
  readonly secretKey: string;
  /** Whether the provider sends the key with each request (signature or token) or it only seeds the URL. */
  readonly keySentByProvider: boolean;
  /** Events the receiver accepts. */
  readonly events: readonly string[];
}

/**
 * Per provider, from Kargo v1.11.2:
 * - GitHub (pkg/webhook/external/github.go): Secret key `secret`, the HMAC key of the
 *   `X-Hub-Signature-256` header; events `push` (refreshes Warehouses subscribed to the repository's
 *   clone or SSH URL whose branch and include paths match), `package` / `registry_package` with action
 *   `published` or `updated` of a container package (refreshes Warehouses subscribed to the package's
 *   image repository, e.g. `ghcr.io/acme/app`, whose selector accepts the pushed tag), `pull_request`
 *   (closed: refreshes waiting Promotions) and `ping`.
 * - GitLab (pkg/webhook/external/gitlab.go): Secret key `secret-token`, compared with the
 *   `X-Gitlab-Token` header; events Push Hook, Tag Push Hook, Merge Request Hook. No container registry
 *   events: images on registry.gitlab.com are never refreshed by it.
 * - Docker Hub (pkg/webhook/external/dockerhub.go): Secret key `secret`, never sent by Docker Hub: it only
 *   makes the URL hard to guess; every push (`push_data.tag` of `repository.repo_name`).
 * - Quay (pkg/webhook/external/quay.go): Secret key `secret`, URL-only like Docker Hub; "Push to
 *   Repository" notifications (`docker_url`, `updated_tags`).
 *
 * Kargo reads the Secret by name from the Project namespace (pkg/controller/management/projectconfigs/
 * project_configs.go: "Secret namespace is the same as the Project name/namespace"), without any label,
 * and publishes the receiver's URL in `status.webhookReceivers[].url` of the ProjectConfig: the external
 * webhook server's base URL + `/<type>/<sha256 of project, receiver name and secret>`
 * (pkg/webhook/external/receiver.go buildWebhookPath).
 */
export const WEBHOOK_PROVIDERS: Readonly<Record<WebhookProvider, WebhookProviderFacts>> = {
  github: {
    field: 'github',
    secretKey: 'secret',
    keySentByProvider: true,
    events: ['push', 'package', 'registry_package', 'pull_request', 'ping'],
  },
  gitlab: {
    field: 'gitlab',
    secretKey: 'secret-token',
    keySentByProvider: true,
    events: ['Push Hook', 'Tag Push Hook', 'Merge Request Hook'],
  },
  dockerhub: { field: 'dockerhub', secretKey: 'secret', keySentByProvider: false, events: ['push'] },
  quay: { field: 'quay', secretKey: 'secret', keySentByProvider: false, events: ['Push to Repository'] },
};

const PROVIDER_ORDER: readonly WebhookProvider[] = ['github', 'gitlab', 'dockerhub', 'quay'];

/** The registry hosts whose pushes a provider's receiver hears about (GitHub: only with `packageEvents`). */
export function registryHostsOf(provider: WebhookProvider, settings: Settings): readonly string[] {
  switch (provider) {
    case 'github':
      return settings.webhooks.github.packageEvents ? ['ghcr.io'] : [];
    case 'dockerhub':
      return ['docker.io'];
    case 'quay':
      return ['quay.io'];
    case 'gitlab':
      return [];
  }
}

/** One generated receiver. */
export interface WebhookReceiverPlan {
  readonly provider: WebhookProvider;
  /** `spec.webhookReceivers[].name` (also `status.webhookReceivers[].name`). */
  readonly name: string;
  /** The Secret (in the Project namespace) and the key Kargo reads from it. */
  readonly secretName: string;
  readonly secretKey: string;
}

/** What the webhook settings change in the generated objects. */
export interface WebhookPlan {
  /** The enabled receivers, in provider order. */
  readonly receivers: readonly WebhookReceiverPlan[];
  /** Discovery interval (seconds) of each Warehouse, by name, after the webhook settings. */
  readonly intervals: ReadonlyMap<string, number>;
  /** Names of the managed-image Warehouses that poll at `managedIntervalWithWebhooks` instead. */
  readonly rarelyPolled: readonly string[];
  /** Warnings (positioned on the images concerned). */
  readonly warnings: readonly StateProblem[];
}

/** The receiver name: the provider's name (a stable name keeps the receiver's URL stable). */
function receiverName(provider: WebhookProvider): string {
  return provider;
}

function enabledReceivers(settings: Settings): WebhookReceiverPlan[] {
  const out: WebhookReceiverPlan[] = [];
  for (const provider of PROVIDER_ORDER) {
    const receiver: WebhookReceiverSettings = settings.webhooks[provider];
    if (!receiver.enabled) continue;
    out.push({
      provider,
      name: receiverName(provider),
      secretName: receiver.secretName,
      secretKey: WEBHOOK_PROVIDERS[provider].secretKey,
    });
  }
  return out;
}

/** `ProjectConfig.spec.webhookReceivers` for the enabled receivers (empty when none is). */
export function webhookReceiverConfigs(
  receivers: readonly WebhookReceiverPlan[],
): kargo.ProjectConfigSpecWebhookReceivers[] {
  return receivers.map(({ provider, name, secretName }) => ({
    name,
    [WEBHOOK_PROVIDERS[provider].field]: { secretRef: { name: secretName } },
  }));
}

/** The host of an image repository URL (`ghcr.io/acme/app` → `ghcr.io`). */
export function imageHost(repoURL: string): string {
  return repoURL.split('/')[0]?.toLowerCase() ?? '';
}

/** Which enabled receiver hears about pushes to an image repository, if any. */
function registryReceiver(
  repoURL: string,
  receivers: readonly WebhookReceiverPlan[],
  settings: Settings,
): WebhookReceiverPlan | undefined {
  const host = imageHost(repoURL);
  return receivers.find((r) => registryHostsOf(r.provider, settings).includes(host));
}

/** Which enabled receiver hears about pushes to a git repository (GitHub on `github.url`, GitLab on `gitlab.url`). */
function gitReceiver(
  repoURL: string,
  receivers: readonly WebhookReceiverPlan[],
  settings: Settings,
): WebhookReceiverPlan | undefined {
  const url = normalizeGitUrl(repoURL);
  return receivers.find(
    (r) =>
      (r.provider === 'github' || r.provider === 'gitlab') &&
      url.startsWith(`${normalizeGitUrl(providerUrl(settings, r.provider))}/`),
  );
}

/**
 * Applies the webhook settings to a plan.
 *
 * **Intervals.** A managed image's Warehouse (`image-<name>`) polls at `managedIntervalWithWebhooks`
 * only when an enabled receiver hears about every repository it subscribes to: its image registry
 * (ghcr.io with GitHub package events, docker.io, quay.io) and each git repository (on `github.url` or
 * `gitlab.url`). Otherwise a push to the uncovered repository would wait for the rare poll, so it keeps
 * `managedInterval` (images on registry.gitlab.com, for one: Kargo's GitLab receiver handles no registry
 * events). The rare poll stays as a safety net for lost deliveries (the webhook server unreachable, a
 * Secret rotated without registering the new URL).
 *
 * **Sampling Warehouses are never touched.** The per-(base, soak) Warehouses `base-<name>` and
 * `base-<name>-soak-<d>` keep the interval the plan gives them: the rebuild semantics rest on it (at
 * most one new Freight per interval enters the base Stage, so each one stays there at least the soak).
 * But a receiver cannot be aimed: Kargo refreshes *every* Warehouse of the Project subscribed to the
 * pushed repository whose selector accepts the pushed tag (pkg/webhook/external/refresh.go
 * refreshWarehouses, shouldRefresh), and a refresh discovers at once (pkg/controller/warehouses/
 * warehouses.go shouldDiscoverArtifacts). So when a managed image is also a base of images with a
 * `rebuildDelay` and its registry has a receiver on, each push makes new Freight in its sampling
 * Warehouse at once: pushes closer together than the delay replace each other in the base Stage before
 * they have soaked, and the dependents are not rebuilt until the pushes slow down. Each such image gets a
 * warning.
 */
export function planWebhooks(plan: FactoryPlan): WebhookPlan {
  const { settings } = plan;
  const receivers = enabledReceivers(settings);
  const intervals = new Map<string, number>();
  const rarelyPolled: string[] = [];
  for (const warehouse of plan.warehouses) {
    const rare =
      receivers.length > 0 && warehouse.role === 'image' && covered(warehouse, receivers, settings);
    // Never below the plan's interval: a sampling Warehouse keeps polling no faster than its soak
    // allows (samplingIntervalSeconds), receivers or not.
    const interval = rare
      ? Math.max(settings.warehouses.managedIntervalWithWebhooksSeconds, warehouse.intervalSeconds)
      : warehouse.intervalSeconds;
    intervals.set(warehouse.name, interval);
    if (rare) rarelyPolled.push(warehouse.name);
  }
  return { receivers, intervals, rarelyPolled, warnings: samplingWarnings(plan, receivers) };
}

function covered(
  warehouse: WarehousePlan,
  receivers: readonly WebhookReceiverPlan[],
  settings: Settings,
): boolean {
  return (
    registryReceiver(warehouse.image.repoURL, receivers, settings) !== undefined &&
    warehouse.git.every((g) => gitReceiver(g.repoURL, receivers, settings) !== undefined)
  );
}

function samplingWarnings(plan: FactoryPlan, receivers: readonly WebhookReceiverPlan[]): StateProblem[] {
  const out: StateProblem[] = [];
  for (const [name, image] of plan.images) {
    const receiver = registryReceiver(image.reference.name, receivers, plan.settings);
    if (receiver === undefined) continue;
    const sampled = plan.stages.filter(
      (s): s is BaseStagePlan => s.role === 'base' && s.subject === name && s.soakSeconds > 0,
    );
    if (sampled.length === 0) continue;
    const dependents = plan.stages
      .filter(
        (s): s is RebuildStagePlan =>
          s.role === 'rebuild' && s.soakSeconds > 0 && s.sources.some((src) => src.base === name),
      )
      .map((s) => `${s.image} (rebuildDelay ${compactDuration(s.soakSeconds)})`);
    const warehouses = sampled.map((s) => s.warehouse).join(', ');
    out.push(
      problem(
        'warning',
        'webhook-sampling',
        image.origin,
        [],
        `image "${name}" is the base of ${dependents.join(', ')}, and the ${receiver.provider} webhook receiver hears about pushes to ${image.reference.name}: Kargo refreshes every Warehouse subscribed to the pushed repository, so its sampling Warehouse${sampled.length > 1 ? 's' : ''} ${warehouses} discover${sampled.length > 1 ? '' : 's'} each push at once instead of at most once per interval; pushes closer together than the rebuild delay replace each other before they have soaked, and the dependents are rebuilt only once the pushes slow down`,
        receiver.provider === 'github'
          ? 'accept it, or register the GitHub webhooks without "Packages" events and set webhooks.github.packageEvents: false (the images on ghcr.io then keep polling at warehouses.managedInterval), or drop the rebuildDelay of the dependents; see docs/webhooks.md'
          : `accept it, or do not register the ${receiver.provider} webhook on ${image.reference.name} (its Warehouse image-${name} then learns of pushes only every warehouses.managedIntervalWithWebhooks), or drop the rebuildDelay of the dependents; see docs/webhooks.md`,
      ),
    );
  }
  return sortProblems(out);
}
