// Builds OCI image layouts (image-spec image-layout.md) by hand: blobs under blobs/sha256, an
// index.json naming each tag with `org.opencontainers.image.ref.name`, and `oci-layout`. The
// images are real (a gzipped tar layer, a config whose diff_ids match it), so skopeo copies them
// like any other image, and `--preserve-digests` keeps the digests computed here.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

/** A content descriptor (image-spec descriptor.md). */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
}

/** A platform in an index entry. */
export interface LayoutPlatform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

export function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** An OCI image layout in `dir`, written as blobs are added; {@link save} writes index.json. */
export class OciLayout {
  private readonly tags: Array<Descriptor & { annotations: Record<string, string> }> = [];

  constructor(readonly dir: string) {
    mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
    writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  }

  /** Stores `bytes` as a blob; returns its descriptor. */
  blob(mediaType: string, bytes: Uint8Array): Descriptor {
    const digest = sha256(bytes);
    writeFileSync(join(this.dir, 'blobs', 'sha256', digest.slice('sha256:'.length)), bytes);
    return { mediaType, digest, size: bytes.length };
  }

  /** A one-layer image whose layer holds `hello.txt` with `text`; returns the manifest's descriptor. */
  image(platform: LayoutPlatform, text: string): Descriptor {
    const tar = tarFile('hello.txt', text);
    const layer = this.blob('application/vnd.oci.image.layer.v1.tar+gzip', gzipSync(tar));
    const config = this.blob(
      'application/vnd.oci.image.config.v1+json',
      json({
        architecture: platform.architecture,
        os: platform.os,
        ...(platform.variant === undefined ? {} : { variant: platform.variant }),
        config: {},
        rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
      }),
    );
    return this.blob(
      OCI_MANIFEST,
      json({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] }),
    );
  }

  /** An index of `entries` (each with a platform, or none for an attestation-like entry). */
  index(
    entries: ReadonlyArray<{ readonly manifest: Descriptor; readonly platform?: LayoutPlatform }>,
  ): Descriptor {
    const manifests = entries.map(({ manifest, platform }) =>
      platform === undefined ? manifest : { ...manifest, platform },
    );
    return this.blob(OCI_INDEX, json({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }));
  }

  /** Names `descriptor` `tag` in index.json. */
  tag(tag: string, descriptor: Descriptor): void {
    this.tags.push({ ...descriptor, annotations: { 'org.opencontainers.image.ref.name': tag } });
  }

  save(): void {
    writeFileSync(join(this.dir, 'index.json'), json({ schemaVersion: 2, manifests: this.tags }));
  }
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

/** A POSIX ustar archive with one regular file (header, content padded to 512, two zero blocks). */
function tarFile(name: string, text: string): Buffer {
  const content = Buffer.from(text);
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write('0000644\0', 100); // mode
  header.write('0000000\0', 108); // uid
  header.write('0000000\0', 116); // gid
  header.write(`${content.length.toString(8).padStart(11, '0')}\0`, 124); // size
  header.write('00000000000\0', 136); // mtime: the epoch, for reproducible digests
  header.write('        ', 148); // checksum placeholder: spaces while summing
  header.write('0', 156); // regular file
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const padded = Buffer.alloc(Math.ceil(content.length / 512) * 512);
  content.copy(padded);
  return Buffer.concat([header, padded, Buffer.alloc(1024)]);
}
