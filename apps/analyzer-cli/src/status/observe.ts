/**
 * Asks the registries what every watched tag of the state points to now: one resolver per run, so
 * that each unique reference is asked once (the resolver shares answers), requests are limited per
 * host and retried with backoff honouring `Retry-After`, and the whole run has one deadline.
 */

import {
  type DockerCredentials,
  isRegistryError,
  type RegistryEvent,
  RegistryResolver,
} from '@image-factory/registry';
import type { FactoryState } from '@image-factory/state-schema';
import { baseQuery, type RegistryObservation } from './compute.js';

export interface ObserveOptions {
  /** Credentials from the Docker config file (read by the CLI entry). */
  readonly credentials: DockerCredentials;
  /** Registries reached over plain HTTP (`host:port`), e.g. a registry on 127.0.0.1. */
  readonly plainHttpRegistries: readonly string[];
  /** The run's total deadline, in milliseconds. */
  readonly timeoutMs: number;
  /** Requests in flight at once per registry host. */
  readonly concurrencyPerHost: number;
  readonly onEvent?: ((event: RegistryEvent) => void) | undefined;
  /** For tests: the pause between attempts. */
  readonly sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
}

export interface Observations {
  /** By base name; a base that was not asked about (pinned, selected among tags) has no entry. */
  readonly byBase: ReadonlyMap<string, RegistryObservation>;
  readonly requests: ReadonlyArray<{ readonly host: string; readonly requests: number }>;
}

export async function observeBases(
  state: Pick<FactoryState, 'settings' | 'baseImages'>,
  options: ObserveOptions,
): Promise<Observations> {
  const resolver = new RegistryResolver({
    credentials: options.credentials,
    plainHttpRegistries: options.plainHttpRegistries,
    signal: AbortSignal.timeout(options.timeoutMs),
    concurrencyPerHost: options.concurrencyPerHost,
    userAgent: 'image-factory-status',
    onEvent: options.onEvent,
    ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
  });
  const asked = state.baseImages.flatMap((base) => {
    const query = baseQuery(base, state);
    return query.ask ? [{ name: base.name, query }] : [];
  });
  const answers = await Promise.all(
    asked.map(async ({ name, query }): Promise<[string, RegistryObservation]> => {
      try {
        const resolution = await resolver.resolve(query.reference, { platform: query.platform });
        return [
          name,
          {
            ok: true,
            digest: resolution.digest,
            tagDigest: resolution.indexDigest ?? resolution.digest,
            ...(resolution.platform === undefined ? {} : { platform: resolution.platform }),
          },
        ];
      } catch (error) {
        // RegistryError messages are safe to print (no credential, token, query or body).
        if (isRegistryError(error)) return [name, { ok: false, code: error.code, message: error.message }];
        throw error;
      }
    }),
  );
  return { byBase: new Map(answers), requests: resolver.requestCounts() };
}
