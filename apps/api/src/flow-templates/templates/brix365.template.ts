import { connectionPlaceholder, edges, node, type FlowTemplate } from '../flow-template.types';

/**
 * BRIX365 "Integration with IP telephony" (seed 002): telephony events arrive "via HTTP webhook
 * delivery"; the webhook URL "handles the GET and POST HTTP requests. It must also include a
 * required token parameter." VoipParseWebhookRequest turns the request into a result from which the
 * system shows incoming calls or saves the recording link ("Only call recording links are stored").
 * When a PBX cannot call BRIX365 directly, "you must create an intermediate service to convert the
 * provider's format into a request to the system" — this flow is that service.
 *
 * The flow's own URL is `GET|POST /api/v1/hooks/<key>?token=<API key>`.
 */
export const brix365PbxWebhook: FlowTemplate = {
  id: 'brix365-pbx-webhook',
  name: 'BRIX365: PBX call-event webhook (GET or POST, ?token=)',
  system: 'BRIX365',
  description:
    'A token-protected webhook the PBX calls with GET (query) or POST (JSON or form): event = incoming | hangup | record, call_id, from, to, record_url, duration. ' +
    'The flow parses it into {type, callId, srcPhone, dstPhone, recordUrl, durationSec}, forwards that to the CRM and answers the PBX {ok, type, callId}; an unknown event is a 400.',
  requires: {
    connections: [
      {
        purpose: 'crm',
        type: 'any',
        description: 'Where parsed call events go (the CRM / BRIX365 module endpoint). Field `baseUrl`; events are POSTed to {baseUrl}/voip/events.',
        fields: ['baseUrl'],
      },
    ],
  },
  definition: {
    schemaVersion: 1,
    nodes: [
      node('trigger', 'trigger.webhook', 'pbx', 0, 0, { methods: ['GET', 'POST'], deadlineMs: 10_000 }),
      node('parse', 'set', 'parse', 1, 0, {
        values: [
          { name: 'event', value: '{{lower (default request.body.event request.query.event)}}' },
          { name: 'callId', value: '{{default request.body.call_id request.query.call_id}}' },
          { name: 'srcPhone', value: '{{default request.body.from request.query.from}}' },
          { name: 'dstPhone', value: '{{default request.body.to request.query.to}}' },
          { name: 'recordUrl', value: '{{default request.body.record_url request.query.record_url}}' },
          { name: 'durationSec', value: '{{default request.body.duration request.query.duration}}' },
        ],
      }, 'GET parameters and POST fields (JSON or form) are read alike.'),
      node('known', 'condition', 'known_event', 2, 0, {
        rules: [{ handle: 'known', left: '{{vars.event}}', op: 'matches', right: '^(incoming|hangup|record)$' }],
      }),
      node('forward', 'http', 'forward', 3, 0, {
        method: 'POST',
        url: '{{{connection.baseUrl}}}/voip/events',
        connectionId: connectionPlaceholder('crm'),
        body: {
          type: 'json',
          template:
            '{"type": "{{vars.event}}", "callId": "{{vars.callId}}", "srcPhone": "{{vars.srcPhone}}", "dstPhone": "{{vars.dstPhone}}", ' +
            '"recordUrl": {{json (default vars.recordUrl null)}}, "durationSec": {{json (default vars.durationSec null)}}, "via": "{{request.method}}"}',
        },
        timeoutMs: 5000,
      }),
      node('ok', 'respond', 'ok', 4, 0, { status: 200, body: { type: 'json', template: '{"ok": true, "type": "{{vars.event}}", "callId": "{{vars.callId}}"}' } }),
      node('failed', 'respond', 'crm_failed', 4, 1, { status: 502, body: { type: 'json', template: '{"ok": false, "error": "the CRM did not accept the event"}' } }),
      node('unknown', 'respond', 'unknown_event', 3, 1, { status: 400, body: { type: 'json', template: '{"ok": false, "error": "unknown event", "event": "{{vars.event}}"}' } }),
    ],
    edges: edges(['trigger', 'parse'], ['parse', 'known'], ['known', 'forward', 'known'], ['known', 'unknown', 'default'], ['forward', 'ok', 'success'], ['forward', 'failed', 'error']),
  },
};

export const BRIX365_TEMPLATES = [brix365PbxWebhook];
