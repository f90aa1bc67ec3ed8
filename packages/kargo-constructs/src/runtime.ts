/**
 * A model of Kargo v1.11.2's runtime evaluation of expressions, for checking manifests at synth time (and
 * for simulations that need to know what Kargo makes of a template):
 *
 * - `evaluateTemplate(template, resolve)`: Kargo's `EvaluateTemplate` — delimiters, text around
 *   expressions, and the re-typing of the result (quoted string, ParseFloat, ParseBool, JSON);
 * - `evaluateExpression(code, env)`: a model of expr-lang evaluating one expression;
 * - `representativeEnvironment(scope, world)`: an environment in which every Kargo function and context
 *   value yields a representative value of its type.
 *
 * See docs/evaluation.md.
 */
export {
  type EvaluationScope,
  type ExpressionVariable,
  REPRESENTATIVE_COMMIT,
  REPRESENTATIVE_DIGEST,
  REPRESENTATIVE_SECRET_VALUE,
  REPRESENTATIVE_WORLDS,
  type RepresentativeWorld,
  representativeEnvironment,
  TEMPLATE_FUNCTIONS,
} from './runtime/environment.js';
export {
  type ExprEnvironment,
  ExprError,
  type ExprFunction,
  type ExprNode,
  evaluateExpression,
  parseExpression,
} from './runtime/expr-lang.js';
export {
  GoMarshalError,
  goQuote,
  marshalGoJson,
  parseGoBool,
  parseGoFloat,
  unmarshalGoJson,
} from './runtime/go.js';
export {
  type ExpressionResolver,
  evaluateJsonTemplate,
  evaluateTemplate,
  isTemplate,
  type RetypingRule,
  renderTemplate,
  retypeTemplateResult,
  retypingRule,
  splitTemplate,
  TEMPLATE_DELIMITERS,
  TemplateError,
  type TemplatePart,
} from './runtime/template.js';
export {
  findUnknown,
  GoStruct,
  type GoStructField,
  isUnknown,
  LookupMap,
  Unknown,
  valueType,
} from './runtime/values.js';
export {
  dockerhubDelivery,
  type GitSubscriptionSpec,
  githubPackageDelivery,
  gitPushDelivery,
  type ImageSubscriptionSpec,
  imageMatchesTag,
  normalizeGitRepoUrl,
  normalizeImageUrl,
  quayDelivery,
  refreshedWarehouses,
  type WarehouseSubscriptions,
  type WebhookDelivery,
  webhookReceiverPath,
} from './runtime/webhooks.js';
