/** Renders an ordered name → value map as Kargo's `[{name, value}]` list (insertion order). */
export function renderVars(
  vars: Readonly<Record<string, string | undefined>> | undefined,
): { name: string; value?: string }[] | undefined {
  if (vars === undefined) return undefined;
  const entries = Object.entries(vars);
  if (entries.length === 0) return undefined;
  return entries.map(([name, value]) => (value === undefined ? { name } : { name, value }));
}

/**
 * A JSON-ready deep copy: drops `undefined` object members, turns objects with a `toJSON()`
 * (e.g. an `Expr`) into their JSON form, keeps key order.
 */
export function toPlainJson(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return toPlainJson(withToJson.toJSON());
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : toPlainJson(v)));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== undefined) out[k] = toPlainJson(v);
  }
  return out;
}

/** `T` with members that may be `undefined` turned into optional members without `undefined`. */
export type Compacted<T> = {
  [K in keyof T as undefined extends T[K] ? never : K]: T[K];
} & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/** Drops `undefined` members (one level), for building L1 props from optional inputs. */
export function compact<T extends Record<string, unknown>>(obj: T): Compacted<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v !== undefined) out[k] = v;
  }
  return out as Compacted<T>;
}

/** `undefined` for an empty array/object, else the value. */
export function nonEmpty<T>(value: readonly T[] | undefined): T[] | undefined {
  return value === undefined || value.length === 0 ? undefined : [...value];
}
