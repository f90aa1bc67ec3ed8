// Access to the vendored Kargo / Argo Rollouts data shipped in the package's `crds/` folder. The folder sits
// two levels above this module both in `src/validation/` (tests) and in `dist/validation/` (published code).
// Files are read lazily, once, and cached; nothing here runs at import time.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const dataRoot = new URL('../../crds/', import.meta.url);
const cache = new Map<string, unknown>();

function read(relative: string, parseText: (text: string) => unknown): unknown {
  let value = cache.get(relative);
  if (value === undefined) {
    const url = new URL(relative, dataRoot);
    let text: string;
    try {
      text = readFileSync(url, 'utf8');
    } catch (error) {
      throw new Error(
        `@image-factory/kargo-constructs: cannot read vendored file ${url.pathname} (${(error as Error).message}); ` +
          'the package installation is incomplete (the "crds" folder must be shipped next to "dist")',
      );
    }
    value = parseText(text);
    cache.set(relative, value);
  }
  return value;
}

/** A vendored JSON file under `crds/` (e.g. `step-schemas/git-clone-config.json`), parsed once. */
export function loadJson(relative: string): unknown {
  return read(relative, (text) => JSON.parse(text));
}

/** A vendored YAML file under `crds/` (e.g. `crds/kargo.akuity.io_stages.yaml`), parsed once. */
export function loadYaml(relative: string): unknown {
  return read(relative, (text) => parse(text));
}
