/**
 * Helpers that render Kargo promotion expressions (`${{ … }}`, expr-lang inside).
 *
 * Two layers: {@link Expr} holds expr-lang *code* and composes safely (literals are always quoted);
 * the string helpers (`imageFrom(url).tag`, `vars.x`, `outputs('alias').x`, `ctx.stage`,
 * `secret('name').key` …) return finished `${{ … }}` strings for step configs and vars.
 */
export {
  configMap,
  ctx,
  type ExpressionAccessor,
  outputs,
  secret,
  sharedConfigMap,
  sharedSecret,
  taskOutputs,
  vars,
} from './expressions/accessors.js';
export {
  always,
  analysisArg,
  containsExpression,
  Expr,
  type Expression,
  type ExprValue,
  expr,
  failure,
  quote,
  stepStatus,
  success,
} from './expressions/expr.js';
export {
  type ChartFromRef,
  type CommitFromRef,
  chartFrom,
  commitFrom,
  type FreightOriginRef,
  type ImageFromRef,
  imageFrom,
} from './expressions/freight.js';
