// Seeded pseudo-random numbers so every generated input is the same on every run and machine.

/**
 * A deterministic random source (mulberry32) with the helpers the generators need.
 * @param {number} seed
 */
export function createRng(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng = {
    /** Uniform in [0, 1). */
    next,
    /** Integer in [min, max] (inclusive). */
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    /** True with probability p. */
    chance: (p) => next() < p,
    /** One element, uniformly. */
    pick: (items) => items[Math.floor(next() * items.length)],
    /** One element, weighted: `[[item, weight], ...]`. */
    weighted: (pairs) => {
      const total = pairs.reduce((sum, [, w]) => sum + w, 0);
      let r = next() * total;
      for (const [item, w] of pairs) {
        r -= w;
        if (r < 0) return item;
      }
      return pairs[pairs.length - 1][0];
    },
    /** Index in [0, n) drawn from a Zipf-like distribution (a few popular, a long tail). */
    zipf: (n, s = 1.1) => {
      // Inverse-CDF over precomputed weights would need a cache per n; rejection is cheap enough.
      for (;;) {
        const i = Math.floor(next() * n);
        if (next() < 1 / (i + 1) ** s) return i;
      }
    },
    /** A new array, shuffled (Fisher-Yates). */
    shuffle: (items) => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    },
    /** `n` lowercase hex characters. */
    hex: (n) => {
      let s = '';
      while (s.length < n)
        s += Math.floor(next() * 4294967296)
          .toString(16)
          .padStart(8, '0');
      return s.slice(0, n);
    },
  };
  return rng;
}

/** A sha256 digest string from the random source. */
export function digestFrom(rng) {
  return `sha256:${rng.hex(64)}`;
}

/** An ISO 8601 UTC timestamp (second precision) `days` (fractional) after 2024-01-01. */
export function timestampAt(days) {
  const ms = Date.UTC(2024, 0, 1) + Math.round(days * 86400) * 1000;
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
