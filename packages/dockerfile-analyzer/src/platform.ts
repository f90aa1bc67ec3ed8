// OCI platform specifiers (`linux/arm64`, `linux/arm/v7`, `amd64`), parsed and normalized like
// containerd's `platforms.Parse` / `platforms.Normalize`, which BuildKit uses for `--platform`.

/** A parsed platform. */
export interface Platform {
  /** Operating system, e.g. `linux`. */
  readonly os: string;
  /** CPU architecture, e.g. `amd64`, `arm64`. */
  readonly architecture: string;
  /** Architecture variant, e.g. `v7`; empty when none. */
  readonly variant: string;
  /** OS version (Windows), e.g. `10.0.17763`; empty when none. */
  readonly osVersion: string;
}

/** The result of {@link parsePlatform}. */
export type PlatformParseResult =
  | { readonly ok: true; readonly platform: Platform }
  | { readonly ok: false; readonly error: string };

const KNOWN_OS = new Set([
  'aix',
  'android',
  'darwin',
  'dragonfly',
  'freebsd',
  'hurd',
  'illumos',
  'ios',
  'js',
  'linux',
  'nacl',
  'netbsd',
  'openbsd',
  'plan9',
  'solaris',
  'wasip1',
  'windows',
  'zos',
]);

const KNOWN_ARCH = new Set([
  '386',
  'amd64',
  'amd64p32',
  'arm',
  'armbe',
  'arm64',
  'arm64be',
  'loong64',
  'mips',
  'mipsle',
  'mips64',
  'mips64le',
  'mips64p32',
  'mips64p32le',
  'ppc',
  'ppc64',
  'ppc64le',
  'riscv',
  'riscv64',
  's390',
  's390x',
  'sparc',
  'sparc64',
  'wasm',
]);

const COMPONENT = /^[A-Za-z0-9_.-]+$/;
const OS_WITH_VERSION = /^([A-Za-z0-9_.-]+)\(([A-Za-z0-9_.-]*)\)$/;

/**
 * Parses a platform specifier like containerd: `os[(osversion)][/arch[/variant]]`, or a bare OS
 * or architecture (the other half defaulting to `defaults`). Never throws.
 */
export function parsePlatform(specifier: string, defaults: Platform = LINUX_AMD64): PlatformParseResult {
  if (specifier.includes('*')) return fail(specifier, 'wildcards not yet supported');
  const parts = specifier.split('/');
  if (parts.length > 3) return fail(specifier, 'cannot parse platform specifier');
  const versioned = OS_WITH_VERSION.exec(parts[0] ?? '');
  const osPart = versioned ? (versioned[1] ?? '') : (parts[0] ?? '');
  const osVersion = versioned ? (versioned[2] ?? '') : '';
  for (const part of [osPart, ...parts.slice(1)]) {
    if (!COMPONENT.test(part)) return fail(specifier, `invalid platform component "${part}"`);
  }
  const os = normalizeOS(osPart);
  const [, archPart = '', variantPart = ''] = parts;
  if (parts.length === 1) {
    if (KNOWN_OS.has(os)) {
      return ok({ os, architecture: defaults.architecture, variant: defaults.variant, osVersion });
    }
    // A bare architecture: `arm` means `arm` with no variant here, like containerd's Parse.
    const { architecture, variant } = withoutDefaultArmVariant(normalizeArch(osPart, ''));
    if (KNOWN_ARCH.has(architecture)) return ok({ os: defaults.os, architecture, variant, osVersion: '' });
    return fail(specifier, 'unknown operating system or architecture');
  }
  if (parts.length === 2) {
    return ok({ os, ...withoutDefaultArmVariant(normalizeArch(archPart, '')), osVersion });
  }
  const { architecture, variant } = normalizeArch(archPart, variantPart);
  // containerd keeps an explicit arm64 variant, defaulting it to v8 when given empty.
  return ok({
    os,
    architecture,
    variant: architecture === 'arm64' && variant === '' ? 'v8' : variant,
    osVersion,
  });
}

/** containerd's Parse drops the `v7` variant that Normalize gives a bare `arm`. */
function withoutDefaultArmVariant(arch: Arch): Arch {
  return arch.architecture === 'arm' && arch.variant === 'v7' ? { ...arch, variant: '' } : arch;
}

/** containerd's `platforms.Normalize`: the canonical variant (`arm` -> `arm/v7`, `arm64/v8` -> `arm64`). */
export function normalizePlatform(platform: Platform): Platform {
  return {
    os: normalizeOS(platform.os),
    ...normalizeArch(platform.architecture, platform.variant),
    osVersion: platform.osVersion,
  };
}

/** `os/arch[/variant]`, like containerd's `platforms.Format`. */
export function formatPlatform(platform: Platform): string {
  const base = `${platform.os}/${platform.architecture}`;
  return platform.variant === '' ? base : `${base}/${platform.variant}`;
}

/** The canonical string for a platform: {@link formatPlatform} of {@link normalizePlatform}. */
export function canonicalPlatform(platform: Platform): string {
  return formatPlatform(normalizePlatform(platform));
}

/** `linux/amd64`: the default target and build platform. */
export const LINUX_AMD64: Platform = { os: 'linux', architecture: 'amd64', variant: '', osVersion: '' };

function normalizeOS(os: string): string {
  const lower = os.toLowerCase();
  return lower === 'macos' ? 'darwin' : lower;
}

interface Arch {
  readonly architecture: string;
  readonly variant: string;
}

/** containerd's `normalizeArch`: canonical architecture names and variants. */
function normalizeArch(arch: string, variant: string): Arch {
  const a = arch.toLowerCase();
  const v = variant.toLowerCase();
  switch (a) {
    case 'i386':
      return { architecture: '386', variant: '' };
    case 'x86_64':
    case 'x86-64':
    case 'amd64':
      return { architecture: 'amd64', variant: v === 'v1' ? '' : v };
    case 'aarch64':
    case 'arm64':
      return { architecture: 'arm64', variant: v === '8' || v === 'v8' || v === 'v8.0' ? '' : v };
    case 'armhf':
      return { architecture: 'arm', variant: 'v7' };
    case 'armel':
      return { architecture: 'arm', variant: 'v6' };
    case 'arm':
      if (v === '' || v === '7') return { architecture: 'arm', variant: 'v7' };
      if (v === '5' || v === '6' || v === '8') return { architecture: 'arm', variant: `v${v}` };
      return { architecture: 'arm', variant: v };
    default:
      return { architecture: a, variant: v };
  }
}

function ok(platform: Platform): PlatformParseResult {
  return { ok: true, platform };
}

function fail(specifier: string, reason: string): PlatformParseResult {
  return { ok: false, error: `"${specifier}": ${reason}` };
}
