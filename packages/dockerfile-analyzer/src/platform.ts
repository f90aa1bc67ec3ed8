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
  let osPart = parts[0] ?? '';
  let osVersion = '';
  const versioned = OS_WITH_VERSION.exec(osPart);
  if (versioned) {
    osPart = versioned[1] ?? '';
    osVersion = versioned[2] ?? '';
  }
  // Index loop over the parts (no spread: it costs microseconds per call before optimisation).
  for (let i = 0; i < parts.length; i++) {
    const part = i === 0 ? osPart : (parts[i] ?? '');
    if (!COMPONENT.test(part)) return fail(specifier, `invalid platform component "${part}"`);
  }
  const os = normalizeOS(osPart);
  if (parts.length === 1) {
    if (KNOWN_OS.has(os)) {
      return ok({ os, architecture: defaults.architecture, variant: defaults.variant, osVersion });
    }
    const arch = normalizeArch(osPart, '');
    const architecture = arch[0];
    let variant = arch[1];
    if (architecture === 'arm' && variant === 'v7') variant = '';
    if (KNOWN_ARCH.has(architecture)) return ok({ os: defaults.os, architecture, variant, osVersion: '' });
    return fail(specifier, 'unknown operating system or architecture');
  }
  if (parts.length === 2) {
    const arch = normalizeArch(parts[1] ?? '', '');
    const architecture = arch[0];
    let variant = arch[1];
    if (architecture === 'arm' && variant === 'v7') variant = '';
    return ok({ os, architecture, variant, osVersion });
  }
  const arch = normalizeArch(parts[1] ?? '', parts[2] ?? '');
  const architecture = arch[0];
  let variant = arch[1];
  if (architecture === 'arm64' && variant === '') variant = 'v8';
  return ok({ os, architecture, variant, osVersion });
}

/** containerd's `platforms.Normalize`: the canonical variant (`arm` -> `arm/v7`, `arm64/v8` -> `arm64`). */
export function normalizePlatform(platform: Platform): Platform {
  const arch = normalizeArch(platform.architecture, platform.variant);
  return {
    os: normalizeOS(platform.os),
    architecture: arch[0],
    variant: arch[1],
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

/**
 * Returns `[architecture, variant]`. Callers index the pair instead of destructuring it: array
 * destructuring runs the iterator protocol, about a microsecond per call before optimisation.
 */
function normalizeArch(arch: string, variant: string): [string, string] {
  const a = arch.toLowerCase();
  const v = variant.toLowerCase();
  switch (a) {
    case 'i386':
      return ['386', ''];
    case 'x86_64':
    case 'x86-64':
    case 'amd64':
      return ['amd64', v === 'v1' ? '' : v];
    case 'aarch64':
    case 'arm64':
      return ['arm64', v === '8' || v === 'v8' || v === 'v8.0' ? '' : v];
    case 'armhf':
      return ['arm', 'v7'];
    case 'armel':
      return ['arm', 'v6'];
    case 'arm':
      if (v === '' || v === '7') return ['arm', 'v7'];
      if (v === '5' || v === '6' || v === '8') return ['arm', `v${v}`];
      return ['arm', v];
    default:
      return [a, v];
  }
}

function ok(platform: Platform): PlatformParseResult {
  return { ok: true, platform };
}

function fail(specifier: string, reason: string): PlatformParseResult {
  return { ok: false, error: `"${specifier}": ${reason}` };
}
