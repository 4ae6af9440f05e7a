import { respondNode } from '@callflow/flow';
import { EngineError } from '../errors';
import { compileTemplate, renderJson } from '../template';
import { omitEmptyMembers } from '../template/omit-empty';
import { defineExecutor, type NodeResult, type NodeRunContext } from '../runtime/executor';
import type { RespondOutput } from '../types';
import { RESPONSE_BYTES, type KeptResponse } from './response-bytes';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const CONTENT_TYPES = { json: 'application/json', xml: 'application/xml', text: 'text/plain; charset=utf-8' } as const;

/**
 * A redirect's rendered location: an absolute http(s) URL or a path here (never `//host` or
 * `javascript:`), as a header can carry it: a line break or another control character (a raw
 * `{{{token}}}` given caller input) fails the run, and a path's other non-ASCII characters are
 * percent-encoded (UTF-8) as the URL parser does for absolute ones.
 */
function location(rendered: string): string {
  const text = rendered.trim();
  const control = /[\x00-\x1F\x7F]/.exec(text);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    const message = `the redirect location contains a line break or another control character (U+${code})`;
    throw new EngineError('URL_INVALID', message);
  }
  if (text.startsWith('/') && !text.startsWith('//') && !text.startsWith('/\\')) {
    return text.replace(/[^\x21-\x7E]+/g, (s) => encodeURI(s.replace(LONE_SURROGATE, '\uFFFD')));
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    const shown = text.slice(0, 200);
    throw new EngineError('URL_INVALID', `the redirect location "${shown}" is not an absolute URL or a path`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EngineError('URL_INVALID', `a redirect goes to http or https, not ${url.protocol}`);
  }
  return url.toString();
}

/** The bytes an earlier http node kept (responseType binary), or RESPOND_SOURCE_MISSING. */
function kept(ctx: NodeRunContext, name: string): KeptResponse {
  const output = ctx.scope.nodes[name] as { [RESPONSE_BYTES]?: KeptResponse } | undefined;
  const bytes = output?.[RESPONSE_BYTES];
  if (!bytes) {
    const message = `node "${name}" did not run on this path or kept no response bytes`;
    throw new EngineError('RESPOND_SOURCE_MISSING', message);
  }
  return bytes;
}

/** `respond`: renders the answer for a synchronous trigger; the first one reached is used. */
export const respondExecutor = defineExecutor(respondNode, {
  prepare(node) {
    const { status, body } = node.config;
    const headers = node.config.headers.map((h) => ({ name: h.name, template: compileTemplate(h.value, 'header') }));
    const templated = body.type === 'json' || body.type === 'xml' || body.type === 'text';
    const bodyTemplate = templated ? compileTemplate(body.template, body.type) : undefined;
    const locationTemplate = body.type === 'redirect' ? compileTemplate(body.location, 'url') : undefined;
    const omitEmpty = body.type === 'json' && body.omitEmpty === true;
    return {
      run(ctx): NodeResult {
        const out: RespondOutput = { status, headers: {}, body: undefined, raw: '' };
        for (const h of headers) out.headers[h.name] = h.template.render(ctx.scope);
        if (body.type === 'json') {
          const { text, value } = renderJson(bodyTemplate!, ctx.scope);
          out.body = omitEmpty ? omitEmptyMembers(value) : value;
          out.raw = omitEmpty ? JSON.stringify(out.body) : text;
        } else if (bodyTemplate) {
          out.raw = bodyTemplate.render(ctx.scope);
          out.body = out.raw;
        } else if (locationTemplate) {
          out.headers.location = location(locationTemplate.render(ctx.scope));
          return { handle: 'next', output: { status, location: out.headers.location }, respond: out };
        } else if (body.type === 'passthrough') {
          const source = kept(ctx, body.node);
          out.bytes = source.bytes;
          out.contentType = source.contentType;
          out.body = { size: source.bytes.length, contentType: source.contentType };
          return { handle: 'next', output: { status, body: out.body }, respond: out };
        }
        if (templated) out.contentType = (body.type === 'text' && body.contentType) || CONTENT_TYPES[body.type];
        return { handle: 'next', output: { status, body: out.body }, respond: out };
      },
    };
  },
});
