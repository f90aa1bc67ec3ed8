export { mayReceiveCredentials, TOKEN_RESPONSE_MAX_BYTES } from './auth.js';
export type { RegistryCredential } from './docker-config.js';
export {
  DOCKER_CONFIG_MAX_BYTES,
  DockerConfigError,
  DockerCredentials,
  dockerConfigPath,
  parseDockerConfig,
  readDockerConfig,
} from './docker-config.js';
export type { RegistryErrorCode, RegistryErrorContext } from './errors.js';
export { isRegistryError, REGISTRY_ERROR_CODES, RegistryError } from './errors.js';
export type { RegistryEvent } from './http-client.js';
export {
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  MANIFEST_ACCEPT,
  MANIFEST_MAX_BYTES,
  OCI_INDEX,
  OCI_MANIFEST,
} from './manifest.js';
export type { Platform } from './platform.js';
export { formatPlatform, parsePlatform } from './platform.js';
export { redactUrl } from './redact.js';
export type { RegistryResolverOptions, Resolution, ResolveOptions } from './resolver.js';
export { DOCKER_HUB_API_HOST, formatRequestCounts, RegistryResolver } from './resolver.js';
export type { BackoffOptions } from './retry.js';
export { backoffDelay, parseRetryAfter } from './retry.js';
export type { AuthChallenge } from './www-authenticate.js';
export { parseWwwAuthenticate } from './www-authenticate.js';
