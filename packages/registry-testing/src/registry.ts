// Starts Debian's docker-registry (distribution 2.8) on 127.0.0.1 with filesystem storage in a
// temporary directory, optionally with htpasswd or token authentication. The config file format is
// distribution's (docs/configuration.md; /etc/docker/registry/config.yml is an example); YAML
// accepts JSON, so the config is written as JSON.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { requireTool } from './tools.js';

export type RegistryAuth =
  | { readonly htpasswd: { readonly path: string } }
  | {
      readonly token: {
        readonly realm: string;
        readonly service: string;
        readonly issuer: string;
        readonly rootCertBundle: string;
      };
    };

export interface RunningRegistry {
  /** `127.0.0.1:<port>`: the registry part of references. */
  readonly host: string;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** What the registry printed (for failing tests). */
  output(): string;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (free when asked; the caller retries if another process takes it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts a registry storing under `dir` (created). Retries on a port taken in between. */
export async function startRegistry(dir: string, auth?: RegistryAuth): Promise<RunningRegistry> {
  const binary = requireTool('docker-registry');
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(binary, dir, auth, await freePort());
    } catch (error) {
      lastError = error;
      if (!String(error).includes('address already in use')) throw error;
    }
  }
  throw lastError;
}

async function startOnce(
  binary: string,
  dir: string,
  auth: RegistryAuth | undefined,
  port: number,
): Promise<RunningRegistry> {
  mkdirSync(join(dir, 'storage'), { recursive: true });
  const config = {
    version: '0.1',
    log: { level: 'warn', accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: join(dir, 'storage') }, delete: { enabled: true } },
    http: { addr: `127.0.0.1:${port}`, secret: randomBytes(16).toString('hex') },
    ...(auth === undefined ? {} : { auth: registryAuthConfig(auth) }),
  };
  const configPath = join(dir, `config-${port}.yml`);
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const child = spawn(binary, ['serve', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer): void => {
    if (output.length < 200_000) output += chunk.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    await terminate(child, exited);
  };
  try {
    await waitUntilServing(url, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { host: `127.0.0.1:${port}`, url, output: () => output, stop };
}

function registryAuthConfig(auth: RegistryAuth): Record<string, unknown> {
  if ('htpasswd' in auth) return { htpasswd: { realm: 'test-registry', path: auth.htpasswd.path } };
  const { realm, service, issuer, rootCertBundle } = auth.token;
  return { token: { realm, service, issuer, rootcertbundle: rootCertBundle } };
}

async function waitUntilServing(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`docker-registry exited at start:\n${output()}`);
    }
    try {
      const response = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1000) });
      await response.body?.cancel();
      return; // any HTTP answer (200, or 401 with auth) means it serves
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  throw new Error(`docker-registry did not answer on ${url} within 15 s:\n${output()}`);
}

async function terminate(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
