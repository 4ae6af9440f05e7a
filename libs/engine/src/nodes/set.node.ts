import { setNode } from '@callflow/flow';
import { compileTemplate } from '../template';
import { defineExecutor } from '../runtime/executor';

/** `set`: evaluates each value in order (later ones see earlier ones) into `vars.<name>`. */
export const setExecutor = defineExecutor(setNode, {
  prepare(node) {
    const values = node.config.values.map((v) => ({ name: v.name, template: compileTemplate(v.value, 'value') }));
    return {
      run(ctx) {
        const vars: Record<string, unknown> = {};
        for (const v of values) {
          const value = v.template.evaluate(ctx.scope);
          vars[v.name] = value;
          ctx.scope.vars[v.name] = value;
        }
        return { handle: 'next', output: vars, vars };
      },
    };
  },
});
