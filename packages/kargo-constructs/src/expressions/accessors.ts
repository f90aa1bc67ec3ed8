import { Expr, type Expression } from './expr.js';

/** Reads string-keyed members of a base expression: `accessor.key` or `accessor('a', 'b')`. */
export type ExpressionAccessor = ((...path: readonly (string | number)[]) => Expression) & {
  readonly [key: string]: Expression;
};

function accessor(base: Expr): ExpressionAccessor {
  const fn = (...path: readonly (string | number)[]) => base.get(...path).render();
  return new Proxy(fn, {
    get(target, key, receiver) {
      if (typeof key === 'symbol') return Reflect.get(target, key, receiver);
      return base.get(key).render();
    },
  }) as ExpressionAccessor;
}

/**
 * Promotion variables: `vars.imageRepo` → `'${{ vars.imageRepo }}'` (also `vars('imageRepo')`).
 */
export const vars: ExpressionAccessor = new Proxy(
  (...path: readonly (string | number)[]) => {
    const [name, ...rest] = path;
    if (typeof name !== 'string') throw new Error('vars(): the first argument must be a variable name');
    return Expr.vars(name)
      .get(...rest)
      .render();
  },
  {
    get(target, key, receiver) {
      if (typeof key === 'symbol') return Reflect.get(target, key, receiver);
      return Expr.vars(key).render();
    },
  },
) as ExpressionAccessor;

/**
 * Outputs of an earlier step (by its `as` alias): `outputs('open-pr').pr` →
 * `'${{ outputs["open-pr"].pr }}'`, `outputs('open-pr')('pr', 'id')` → `'${{ outputs["open-pr"].pr.id }}'`.
 */
export function outputs(alias: string): ExpressionAccessor {
  return accessor(Expr.outputs(alias));
}

/** Outputs of an earlier step inside a PromotionTask: `task.outputs["alias"]…`. */
export function taskOutputs(alias: string): ExpressionAccessor {
  return accessor(Expr.taskOutputs(alias));
}

/** A key of a Secret in the project namespace: `secret('gh').token` → `'${{ secret("gh").token }}'`. */
export function secret(name: string): ExpressionAccessor {
  return accessor(Expr.call('secret', name));
}

/** A key of a shared Secret (Kargo's shared resources namespace). */
export function sharedSecret(name: string): ExpressionAccessor {
  return accessor(Expr.call('sharedSecret', name));
}

/** A key of a ConfigMap in the project namespace: `configMap('settings').region`. */
export function configMap(name: string): ExpressionAccessor {
  return accessor(Expr.call('configMap', name));
}

/** A key of a shared ConfigMap. */
export function sharedConfigMap(name: string): ExpressionAccessor {
  return accessor(Expr.call('sharedConfigMap', name));
}

/** The promotion context (`ctx`), as rendered expressions. */
export const ctx = {
  /** `${{ ctx.project }}`: the Project (namespace) name. */
  project: Expr.ctx('project').render(),
  /** `${{ ctx.stage }}`: the Stage being promoted. */
  stage: Expr.ctx('stage').render(),
  /** `${{ ctx.promotion }}`: the Promotion name. */
  promotion: Expr.ctx('promotion').render(),
  /** `${{ ctx.uiBaseUrl }}`: base URL of the Kargo UI. */
  uiBaseUrl: Expr.ctx('uiBaseUrl').render(),
  targetFreight: {
    /** `${{ ctx.targetFreight.name }}` */
    name: Expr.ctx('targetFreight', 'name').render(),
    /** `${{ ctx.targetFreight.alias }}` */
    alias: Expr.ctx('targetFreight', 'alias').render(),
    origin: {
      /** `${{ ctx.targetFreight.origin.name }}`: the Warehouse the Freight came from. */
      name: Expr.ctx('targetFreight', 'origin', 'name').render(),
    },
  },
  meta: {
    promotion: {
      /** `${{ ctx.meta.promotion.actor }}` */
      actor: Expr.ctx('meta', 'promotion', 'actor').render(),
      /** `${{ ctx.meta.promotion.rollback }}` */
      rollback: Expr.ctx('meta', 'promotion', 'rollback').render(),
    },
    step: {
      /** `${{ ctx.meta.step.alias }}` */
      alias: Expr.ctx('meta', 'step', 'alias').render(),
    },
  },
} as const;
