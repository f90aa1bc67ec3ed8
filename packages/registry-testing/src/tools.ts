// The external programs the registry tests run. A missing one fails the test file with the command
// that installs it: these tests are never skipped.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const INSTALL_HINT: Readonly<Record<string, string>> = {
  'docker-registry': 'apt-get install docker-registry',
  skopeo: 'apt-get install skopeo',
  openssl: 'apt-get install openssl',
};

/** The absolute path of `name` on PATH. @throws Error naming the package to install. */
export function requireTool(name: string): string {
  // biome-ignore lint/style/noProcessEnv: a test helper finding the real tools on the test's PATH
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  const hint = INSTALL_HINT[name] ?? `install ${name}`;
  throw new Error(
    `${name} is not installed, and registry tests run it for real: ${hint} (.ci/run installs it)`,
  );
}
