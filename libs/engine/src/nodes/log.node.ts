import { logNode } from '@callflow/flow';
import { defineExecutor } from '../runtime/executor';
import { compileTemplate } from '../template';

/** `log`: renders the message into the node's output. */
export const logExecutor = defineExecutor(logNode, {
  prepare(node) {
    // node.config is ConfigOf<'log'>: parsed by the spec's schema, defaults applied; no cast.
    const message = compileTemplate(node.config.message, 'text');
    return { run: (ctx) => ({ handle: 'next', output: { message: message.render(ctx.scope) } }) };
  },
});
