import { connectionPlaceholder, edges, node, type FlowTemplate } from '../flow-template.types';
import { sampleCall, sampleCampaign, sampleContact, sampleEndedCall, sampleEvent } from './sample-parts';

/**
 * ICTBroadcast integration add-on (seed 001, in Italian): "Integrazione come stato di chiamata
 * push" (end of call → HTTP request to a remote URL built with call and contact tokens, headers one
 * `Name: value` per line) and "Integrazione con IVR" with a "Richiesta API WSDL SOAP" (URL WSDL,
 * Azione SOAP, Parametri di sapone as name/value pairs whose values are tokens).
 */

/** End of call → HTTP POST of the call status (JSON) with call and contact tokens. */
export const ictbroadcastEndOfCallPush: FlowTemplate = {
  id: 'ictbroadcast-end-of-call-push',
  name: 'ICTBroadcast: push call status at end of call',
  system: 'ICTBroadcast',
  description:
    'When a call ends, POSTs its status to the remote application as JSON built from call, ' +
    'contact and campaign tokens (ICTBroadcast "push call status" integration). ' +
    "Raw ICTBroadcast-style headers carry the call id; the connection adds the remote's authentication.",
  requires: {
    connections: [
      {
        purpose: 'remote',
        type: 'any',
        description:
          'The remote application receiving the call status. Field `baseUrl` ' +
          '(e.g. https://crm.example.com/ictbroadcast); its auth (basic, bearer, api_key …) ' +
          'is applied to the request.',
        fields: ['baseUrl'],
      },
    ],
  },
  definition: {
    schemaVersion: 1,
    sampleInput: {
      call: sampleEndedCall,
      contact: sampleContact,
      campaign: sampleCampaign,
      event: sampleEvent('call.ended', 'evt-9001', '2026-01-15T09:34:41Z'),
    },
    nodes: [
      node('trigger', 'trigger.end_of_call', 'end_of_call', 0, 0, {}),
      node(
        'push',
        'http',
        'push_status',
        1,
        0,
        {
          method: 'POST',
          url: '{{{connection.baseUrl}}}/call-status?call_id={{call.id}}',
          connectionId: connectionPlaceholder('remote'),
          rawHeaders: 'X-Integration: ICTBroadcast\nX-Call-Id: {{call.id}}',
          body: {
            type: 'json',
            template: [
              '{',
              '  "event": "call_status",',
              '  "call": {',
              '    "id": "{{call.id}}", "callerId": "{{call.callerId}}", "calledNumber": "{{call.calledNumber}}",',
              '    "direction": "{{call.direction}}", "status": ' +
                '"{{call.status}}", "disposition": "{{call.disposition}}",',
              '    "startedAt": "{{call.startedAt}}", "answeredAt": ' +
                '"{{call.answeredAt}}", "endedAt": "{{call.endedAt}}",',
              '    "durationSec": {{json (default call.durationSec 0)}}, "recordingUrl": "{{call.recordingUrl}}",',
              '    "queue": "{{call.queue}}", "agentExtension": "{{call.agent.extension}}"',
              '  },',
              '  "contact": {',
              '    "id": "{{contact.id}}", "phone": "{{contact.phone}}", "firstName": "{{contact.firstName}}",',
              '    "lastName": "{{contact.lastName}}", "email": "{{contact.email}}"',
              '  },',
              '  "campaign": { "id": "{{campaign.id}}", "name": "{{campaign.name}}" }',
              '}',
            ].join('\n'),
          },
          retry: { attempts: 3, backoffMs: 1000 },
        },
        "Edit the path and the JSON to the remote's format; every {{token}} is escaped for JSON.",
      ),
    ],
    edges: edges(['trigger', 'push']),
  },
};

/** IVR → SOAP lookup (WSDL) → Respond with the routing the IVR needs; the fallback on failure. */
export const ictbroadcastIvrSoapLookup: FlowTemplate = {
  id: 'ictbroadcast-ivr-soap-lookup',
  name: 'ICTBroadcast: IVR customer lookup over SOAP',
  system: 'ICTBroadcast',
  description:
    'Mid-call, the IVR asks which queue the caller goes to: ' +
    'the flow calls a SOAP operation (WSDL) with the caller id and the digits entered, ' +
    'and answers {queue, vip, customerName}; on a SOAP fault, ' +
    'timeout or error the IVR gets {queue:"default", vip:false}.',
  requires: {
    connections: [
      {
        purpose: 'soap_service',
        type: 'any',
        description:
          'The SOAP service. Field `wsdlUrl` (the WSDL address); ' +
          'use a soap_ws_security connection for WS-Security, or `none`.',
        fields: ['wsdlUrl'],
      },
    ],
  },
  definition: {
    schemaVersion: 1,
    sampleInput: {
      call: { ...sampleCall, status: 'ringing' },
      contact: sampleContact,
      ivr: { digits: '1', node: 'main-menu' },
    },
    nodes: [
      node('trigger', 'trigger.ivr', 'ivr', 0, 0, { deadlineMs: 3000, fallback: { queue: 'default', vip: false } }),
      node(
        'lookup',
        'soap',
        'lookup',
        1,
        0,
        {
          wsdlUrl: '{{{connection.wsdlUrl}}}',
          operation: 'GetCustomerInfo',
          connectionId: connectionPlaceholder('soap_service'),
          args: { callerId: '{{call.callerId}}', digits: '{{ivr.digits}}', callId: '{{call.id}}' },
          timeoutMs: 2500,
        },
        'Pick the operation and its parameters with POST /soap/describe; values are tokens (XML-escaped).',
      ),
      node('answer', 'respond', 'answer', 2, 0, {
        body: {
          type: 'json',
          template:
            '{"queue": "{{default nodes.lookup.result.queue "default"}}", ' +
            '"vip": {{json (eq nodes.lookup.result.vip "true")}}, ' +
            '"customerName": "{{nodes.lookup.result.name}}"}',
        },
      }),
      node('fallback', 'respond', 'fallback', 2, 1, {
        body: { type: 'json', template: '{"queue": "default", "vip": false}' },
      }),
    ],
    edges: edges(['trigger', 'lookup'], ['lookup', 'answer', 'success'], ['lookup', 'fallback', 'error']),
  },
};

export const ICTBROADCAST_TEMPLATES = [ictbroadcastEndOfCallPush, ictbroadcastIvrSoapLookup];
