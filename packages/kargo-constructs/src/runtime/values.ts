// Values of the evaluation model. Expressions produce Go values; they are represented as:
//
// | Go                                      | TypeScript                       |
// | --------------------------------------- | -------------------------------- |
// | string                                  | string                           |
// | int, float64                            | number                           |
// | bool                                    | boolean                          |
// | nil                                     | null                             |
// | []any                                   | array                            |
// | map[string]any, map[string]string       | plain object                     |
// | a struct (kargoapi.Image, GitCommit …)  | {@link GoStruct}                 |
// | a value the model cannot know           | {@link Unknown}                  |

/** A field of a {@link GoStruct}: its Go name (used by expressions) and its JSON name (used by json.Marshal). */
export interface GoStructField {
  /** The Go field name, e.g. `Tag`; expressions read `imageFrom(...).Tag`. */
  readonly name: string;
  /** The JSON name from the struct tag, e.g. `tag`. */
  readonly json: string;
  /** `omitempty` in the struct tag. */
  readonly omitEmpty: boolean;
}

/**
 * A Go struct value, e.g. a `kargoapi.Image` returned by `imageFrom()`: expressions access its fields by Go
 * name (`.Tag`), `json.Marshal` writes them under their JSON names in declaration order.
 */
export class GoStruct {
  public constructor(
    /** The Go type, e.g. `kargoapi.Image` (for messages). */
    public readonly type: string,
    /** The fields in declaration order. */
    public readonly fields: readonly GoStructField[],
    /** Field values by Go name. */
    public readonly values: Readonly<Record<string, unknown>>,
  ) {}

  /** Whether the struct has a field of that Go name. */
  public has(name: string): boolean {
    return this.fields.some((f) => f.name === name);
  }
}

/**
 * A value the model cannot know at synth time (a step output, the content of a ConfigMap, an annotation of
 * an image, the result of syntax the model does not evaluate). A template containing one is left as
 * written: the check cannot see what Kargo will make of it.
 */
export class Unknown {
  public constructor(
    /** Why the value is unknown, e.g. `outputs of earlier steps`. */
    public readonly reason: string,
    /**
     * What is known about it: `any` nothing; `quoted` it is a text enclosed in double quotes (the result of
     * `quote()` of an unknown value), so a template made of it alone evaluates to a string; `string` it is
     * a string (a template's final value).
     */
    public readonly kind: 'any' | 'quoted' | 'string' = 'any',
  ) {}
}

/**
 * A Go map read by key whose content is not enumerable at synth time, e.g. the data of a Secret: `get(key)` is
 * the (representative) value of a key. Marshalling it as a whole gives an unknown value.
 */
export class LookupMap {
  public constructor(
    /** What the map is, for messages (e.g. `Secret "github-workflow-token"`). */
    public readonly description: string,
    /** The value of a key. */
    public readonly get: (key: string) => unknown,
  ) {}
}

/** Whether `value` is an {@link Unknown}. */
export function isUnknown(value: unknown): value is Unknown {
  return value instanceof Unknown;
}

/**
 * The first value inside `value` (itself, an array item, a map or struct value, at any depth) that the
 * model cannot know: an {@link Unknown}, or a {@link LookupMap} (whose whole content is unknown). Kargo would
 * marshal such a value to JSON without complaint (a map of annotations is a plain `map[string]string`), so a
 * map holding one is a value of unknown JSON text, not a failure. `undefined` when everything is known.
 */
export function findUnknown(value: unknown): Unknown | undefined {
  if (isUnknown(value)) return value;
  if (value instanceof LookupMap) return new Unknown(`the content of ${value.description}`);
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findUnknown(item);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value instanceof GoStruct) return findUnknown(Object.values(value.values));
  if (value !== null && typeof value === 'object') return findUnknown(Object.values(value));
  return undefined;
}

/** The JSON type of an evaluated value: `string`, `number`, `boolean`, `null`, `array` or `object`. */
export function valueType(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (isUnknown(value)) return 'unknown';
  if (typeof value === 'object') return 'object';
  return typeof value;
}
