// Test helpers for packages that talk to a real OCI registry: Debian's docker-registry started on
// 127.0.0.1 (htpasswd or token auth), a token server for the bearer flow, OCI image layouts built
// by hand and pushed with skopeo. Imported as TypeScript source by vitest (never built).
export type { TestImages } from './fixtures.js';
export { buildTestImages } from './fixtures.js';
export { writeHtpasswd } from './htpasswd.js';
export type { Handler, RecordedRequest, TestServer } from './http-server.js';
export { startServer } from './http-server.js';
export type { Descriptor, LayoutPlatform } from './oci-layout.js';
export { OCI_INDEX, OCI_MANIFEST, OciLayout, sha256 } from './oci-layout.js';
export type { RunResult } from './processes.js';
export { run } from './processes.js';
export type { RegistryAuth, RunningRegistry } from './registry.js';
export { freePort, startRegistry } from './registry.js';
export * from './skopeo.js';
export type { TokenRequest, TokenServer, TokenServerOptions } from './token-server.js';
export { startTokenServer } from './token-server.js';
export { requireTool } from './tools.js';
