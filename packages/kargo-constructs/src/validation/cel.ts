// Evaluation of CRD `x-kubernetes-validations` rules with @marcbachmann/cel-js.
//
// Kubernetes binds the value of the schema node carrying the rule to `self`; objects become CEL maps/objects
// (`has(self.field)`, `self.field`), arrays become lists (`self.size()`, `self[0]`), integers are CEL `int`.
// Values are converted with their schema so `integer` fields reach CEL as `int` (BigInt) rather than `double`.
// Rules are parsed once and cached by source text.
import { Environment } from '@marcbachmann/cel-js';
import { isObject } from './issues.js';
import type { StructuralSchema } from './structural-schema.js';

type Program = (context: Record<string, unknown>) => unknown;

const environment = new Environment({ unlistedVariablesAreDyn: false }).registerVariable('self', 'dyn');
const programs = new Map<string, Program | Error>();

/** Parses a rule (cached); returns the parse error instead of throwing. */
export function compileRule(rule: string): Program | Error {
  let program = programs.get(rule);
  if (program === undefined) {
    try {
      program = environment.parse(rule) as unknown as Program;
    } catch (error) {
      program = error instanceof Error ? error : new Error(String(error));
    }
    programs.set(rule, program);
  }
  return program;
}

/** Converts a JSON value to the CEL value Kubernetes would bind (integers as `int`). */
export function toCel(value: unknown, schema: StructuralSchema | undefined): unknown {
  if (typeof value === 'number') {
    const integer = schema?.type === 'integer' || schema?.['x-kubernetes-int-or-string'] === true;
    return integer && Number.isInteger(value) ? BigInt(value) : value;
  }
  if (Array.isArray(value)) return value.map((item) => toCel(item, schema?.items));
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const childSchema =
        schema?.properties?.[key] ??
        (typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      out[key] = toCel(child, childSchema);
    }
    return out;
  }
  return value;
}

/** Result of one rule: `true` (holds), `false` (violated) or an evaluation error. */
export function evaluateRule(rule: string, self: unknown, schema: StructuralSchema): boolean | Error {
  const program = compileRule(rule);
  if (program instanceof Error) return program;
  try {
    const result = program({ self: toCel(self, schema) });
    if (typeof result !== 'boolean') return new Error(`rule returned ${typeof result}, not bool`);
    return result;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}
