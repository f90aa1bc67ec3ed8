// Pushes tags of an OCI layout to a test registry with skopeo, as a user's CI would push images.
import { join } from 'node:path';
import { run } from './processes.js';
import { requireTool } from './tools.js';

export interface PushOptions {
  /** `user:password` for the destination (htpasswd registry, or the token server's account). */
  readonly creds?: string;
  /** Manifest format at the destination: `oci` keeps the layout's (default), `v2s2` converts to Docker's. */
  readonly format?: 'oci' | 'v2s2';
  /** A directory for skopeo's auth file and temporary files (nothing is read from the user's home). */
  readonly workDir: string;
}

/**
 * `skopeo copy --all oci:<layout>:<tag> docker://<host>/<repository>:<destTag>` over plain HTTP.
 * `--preserve-digests` (OCI format only) makes skopeo fail rather than change a digest, so the
 * digests the tests computed are the registry's.
 */
export async function pushTag(
  layoutDir: string,
  tag: string,
  destination: string,
  options: PushOptions,
): Promise<void> {
  const skopeo = requireTool('skopeo');
  const { creds, format = 'oci', workDir } = options;
  const args = [
    '--insecure-policy', // no /etc/containers/policy.json needed: the tests push their own images
    'copy',
    '--quiet',
    '--all',
    '--dest-tls-verify=false',
    ...(format === 'oci' ? ['--preserve-digests'] : ['--format', 'v2s2']),
    ...(creds === undefined ? ['--dest-no-creds'] : ['--dest-creds', creds]),
    `oci:${layoutDir}:${tag}`,
    `docker://${destination}`,
  ];
  await run(skopeo, args, {
    env: {
      // biome-ignore lint/style/noProcessEnv: skopeo gets the test's PATH and nothing else of its environment
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: workDir,
      TMPDIR: workDir,
      REGISTRY_AUTH_FILE: join(workDir, 'auth.json'),
    },
  });
}
