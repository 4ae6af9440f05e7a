import { connectionPlaceholder, node, type TemplateNode } from '../flow-template.types';

// What the Gcalls templates share: the Integrator connection, signatures, GetData and the agent's hooks.

export const base = '{{{default connection.scheme "https"}}}://{{{connection.host}}}{{{connection.basePath}}}';
export const sign = (key: string) => [
  { name: 'x-signature', value: `{{md5 (concat connection.callcenterId ${key} secrets.apiSecret)}}` },
];
export const gcalls = connectionPlaceholder('gcalls');

export const auth = {
  purpose: 'gcalls',
  type: 'token_endpoint' as const,
  description:
    'The Gcalls Integrator with its Auth endpoint: a token_endpoint connection whose request is the Auth endpoint; ' +
    'its token goes where `apply` says ' +
    '(header, query, body field, or {token} in the path: put it in `basePath`, e.g. /rest/{token}). Fields `host` ' +
    '(no scheme, as in Gcalls), ' +
    '`callcenterId` (ID Callcenter), optional `scheme` (default https) and `basePath`; secrets `password` (Auth) ' +
    'and `apiSecret` (the Md5 parameter).',
  fields: ['host', 'callcenterId', 'scheme', 'basePath'],
};

/** GetData: the contact by phone (`phone` is a template for the number). */
export function getData(id: string, col: number, phone: string): TemplateNode {
  return node(
    id,
    'http',
    id,
    col,
    0,
    {
      method: 'GET',
      url: `${base}/api/contacts`,
      connectionId: gcalls,
      query: [
        { name: 'phone', value: `{{${phone}}}` },
        { name: 'callcenterId', value: '{{connection.callcenterId}}' },
      ],
      headers: sign(phone),
      responseType: 'json',
      timeoutMs: 5000,
    },
    'GetData endpoint: query params from the Integrator fields and the call; the Md5 parameter goes in a header.',
  );
}

/**
 * A hook the agent's browser (the Callbox, its iframe) calls: the URL is seen by every agent, so it
 * carries the flow's own secret (`?secret=`, opens this flow only, rotatable), never an API key.
 */
export function agentHook(name: string, notes: string): TemplateNode {
  const config = { methods: ['POST'], allowedOrigins: ['*'], deadlineMs: 5000, auth: { in: 'query', name: 'secret' } };
  const setup = 'Set the flow\'s webhook secret in this panel; replace "*" with the Callbox origin.';
  return node('trigger', 'trigger.webhook', name, 0, 0, config, `${notes} ${setup}`);
}

export const json = (status: number, template: string) => ({ status, body: { type: 'json', template } });
