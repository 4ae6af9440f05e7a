import { connectionPlaceholder, edges, node, type FlowTemplate } from '../flow-template.types';

/**
 * XiVO CC Agent "Third Party Integration" (seed 004): when a call rings, the agent's browser POSTs
 * `application/json` {user, callee, caller, userData, callDataCallId, queue} to THIRD_PARTY_URL;
 * the answer, `application/json`, is {action: open|popup|run|none, event: EventRinging |
 * EventEstablished | EventReleased, url, autopause, autopauseReason, multitab, title}. The call is
 * made from the browser, so the service must answer the OPTIONS preflight with
 * Access-Control-Allow-Origin / -Methods (POST, OPTIONS) / -Headers (Content-Type …).
 *
 * THIRD_PARTY_URL = https://<this server>/api/v1/hooks/<key>?token=<API key>.
 */
export const xivoAgentThirdParty: FlowTemplate = {
  id: 'xivo-agent-third-party',
  name: 'XiVO: open the CRM page in the agent UI',
  system: 'XiVO',
  description:
    'The XiVO CC Agent application POSTs the ringing call (user, callee, caller, userData, callDataCallId, queue); the flow looks the caller up in the CRM ' +
    'and answers {action:"open", event:"EventEstablished", url, autopause:true, autopauseReason, title}, or {action:"none"} when the caller is unknown or the CRM fails. ' +
    'CORS: set allowedOrigins to the XucMgt origin (the template allows any origin until you do).',
  requires: {
    connections: [
      {
        purpose: 'crm',
        type: 'any',
        description:
          'The CRM lookup API. Field `baseUrl`; GET {baseUrl}/contacts/lookup?phone=&queue=&callId= must answer 200 {id, name, url} for a known caller (any non-2xx = unknown).',
        fields: ['baseUrl'],
      },
    ],
  },
  definition: {
    schemaVersion: 1,
    nodes: [
      node('trigger', 'trigger.webhook', 'agent', 0, 0, { methods: ['POST'], allowedOrigins: ['*'], deadlineMs: 5000 }, 'Replace "*" with the XucMgt origin, e.g. https://xivo.example.com.'),
      node('lookup', 'http', 'crmLookup', 1, 0, {
        method: 'GET',
        url: '{{{connection.baseUrl}}}/contacts/lookup',
        connectionId: connectionPlaceholder('crm'),
        query: [
          { name: 'phone', value: '{{request.body.caller}}' },
          { name: 'queue', value: '{{request.body.queue.name}}' },
          { name: 'callId', value: '{{request.body.callDataCallId}}' },
          { name: 'agent', value: '{{request.body.user.agentId}}' },
        ],
        responseType: 'json',
        timeoutMs: 3000,
      }),
      node('found', 'condition', 'found', 2, 0, { rules: [{ handle: 'found', left: '{{nodes.crmLookup.body.url}}', op: 'exists' }] }),
      node('open', 'respond', 'open_crm', 3, 0, {
        body: {
          type: 'json',
          template:
            '{"action": "open", "event": "EventEstablished", "url": "{{nodes.crmLookup.body.url}}", "autopause": true, "autopauseReason": "crm", ' +
            '"title": "{{default nodes.crmLookup.body.name request.body.caller}} ({{default request.body.queue.displayName request.body.callee}})"}',
        },
      }),
      node('none', 'respond', 'no_action', 3, 1, { body: { type: 'json', template: '{"action": "none"}' } }),
    ],
    edges: edges(['trigger', 'lookup'], ['lookup', 'found', 'success'], ['lookup', 'none', 'error'], ['found', 'open', 'found'], ['found', 'none', 'default']),
  },
};

export const XIVO_TEMPLATES = [xivoAgentThirdParty];
