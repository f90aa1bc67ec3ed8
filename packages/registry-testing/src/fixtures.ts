// The images every real-registry test pushes: one single-platform image and one multi-platform
// index (linux/amd64, linux/arm64/v8, and an attestation-like entry without a platform, which
// resolution must skip), built into an OCI layout.
import { join } from 'node:path';
import { type Descriptor, OciLayout } from './oci-layout.js';

export interface TestImages {
  readonly layoutDir: string;
  /** Tag `single`: an OCI manifest for linux/amd64. */
  readonly single: Descriptor;
  /** Tag `multi`: an OCI index. */
  readonly multi: Descriptor;
  readonly amd64: Descriptor;
  readonly arm64: Descriptor;
  /** Tag `next`: another single image (a tag that "moved" to new content). */
  readonly next: Descriptor;
}

export function buildTestImages(dir: string): TestImages {
  const layoutDir = join(dir, 'layout');
  const layout = new OciLayout(layoutDir);
  const single = layout.image({ os: 'linux', architecture: 'amd64' }, 'single');
  const next = layout.image({ os: 'linux', architecture: 'amd64' }, 'next');
  const amd64 = layout.image({ os: 'linux', architecture: 'amd64' }, 'multi amd64');
  const arm64 = layout.image({ os: 'linux', architecture: 'arm64', variant: 'v8' }, 'multi arm64');
  const attestation = layout.image({ os: 'unknown', architecture: 'unknown' }, 'attestation');
  const multi = layout.index([
    { manifest: attestation, platform: { os: 'unknown', architecture: 'unknown' } },
    { manifest: amd64, platform: { os: 'linux', architecture: 'amd64' } },
    { manifest: arm64, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
  ]);
  layout.tag('single', single);
  layout.tag('next', next);
  layout.tag('multi', multi);
  layout.save();
  return { layoutDir, single, multi, amd64, arm64, next };
}
