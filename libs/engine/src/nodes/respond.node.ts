import type { RespondConfig } from '@callflow/flow';
import { compileTemplate, renderJson } from '../template';
import type { NodeExecutor } from '../runtime/executor';
import type { RespondOutput } from '../types';

const CONTENT_TYPES = { json: 'application/json', xml: 'application/xml', text: 'text/plain; charset=utf-8' } as const;

/** `respond`: renders the answer for a synchronous trigger; the first one reached is used. */
export const respondExecutor: NodeExecutor<RespondConfig> = {
  type: 'respond',
  prepare(node) {
    const { status, body } = node.config;
    const headers = node.config.headers.map((h) => ({ name: h.name, template: compileTemplate(h.value, 'header') }));
    const bodyTemplate = body.type === 'none' ? undefined : compileTemplate(body.template, body.type);
    return {
      run(ctx) {
        const out: RespondOutput = { status, headers: {}, body: undefined, raw: '' };
        for (const h of headers) out.headers[h.name] = h.template.render(ctx.scope);
        if (body.type === 'json') {
          const { text, value } = renderJson(bodyTemplate!, ctx.scope);
          out.raw = text;
          out.body = value;
        } else if (bodyTemplate) {
          out.raw = bodyTemplate.render(ctx.scope);
          out.body = out.raw;
        }
        if (body.type !== 'none') out.contentType = (body.type === 'text' && body.contentType) || CONTENT_TYPES[body.type];
        return { handle: 'next', output: { status, body: out.body }, respond: out };
      },
    };
  },
};
