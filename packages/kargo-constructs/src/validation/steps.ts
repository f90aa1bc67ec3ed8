import { BUILTIN_STEP_NAMES } from '../generated/step-configs.js';
import { closest, isObject, show, type ValidationIssue } from './issues.js';
import { compiled, runValidator } from './json-schema.js';

/** The `uses` names of the built-in (open-source) promotion steps of Kargo v1.11.2. */
export const KNOWN_STEP_NAMES: readonly string[] = BUILTIN_STEP_NAMES;

/** Options of {@link validateStepConfig}. */
export interface ValidateStepConfigOptions {
  /** Field path of the step's `config`, prefixed to every issue path (e.g. `spec.steps[0].config`). @default '' */
  readonly path?: string;
  /** Field path reported for an unknown `uses`. @default 'uses' */
  readonly usesPath?: string;
}

/**
 * Validates the `config` of a promotion step against the JSON schema of the built-in step named by `uses`,
 * the way Kargo does at promotion time — except that Kargo evaluates expressions first, so a string holding
 * a `${{ ... }}` expression is accepted wherever the schema expects another type (boolean, integer, object,
 * array), an enum value, a pattern or a format. Unknown fields, missing required fields, mutually exclusive
 * fields (`oneOf`) and every other schema constraint are reported.
 *
 * An unknown `uses` is one issue naming the closest known step and the list of known steps. A missing
 * `config` is validated as `{}` (steps with required fields then report them).
 */
export function validateStepConfig(
  uses: string,
  config: unknown,
  options: ValidateStepConfigOptions = {},
): ValidationIssue[] {
  const path = options.path ?? '';
  if (!KNOWN_STEP_NAMES.includes(uses)) {
    const near = closest(uses, KNOWN_STEP_NAMES);
    return [
      {
        path: options.usesPath ?? 'uses',
        message:
          `unknown step ${show(uses)}${near === undefined ? '' : ` (did you mean "${near}"?)`}; ` +
          `the built-in steps of Kargo v1.11 are: ${KNOWN_STEP_NAMES.join(', ')}`,
        rule: 'step-uses',
      },
    ];
  }
  const data = config === undefined ? {} : config;
  if (!isObject(data)) {
    return [
      {
        path,
        message: `expected an object (the config of step "${uses}"), got ${show(config)}`,
        rule: 'type',
      },
    ];
  }
  const validate = compiled(`step-schemas/${uses}-config.json`, { expressions: true });
  return runValidator(validate, data, path).map((issue) =>
    issue.rule === 'oneOf' || issue.rule === 'anyOf'
      ? { ...issue, rule: `step-config.${issue.rule}` }
      : issue,
  );
}
