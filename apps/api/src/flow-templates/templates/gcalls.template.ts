import { connectionPlaceholder, edges, node, type FlowTemplate } from '../flow-template.types';

/**
 * Gcalls integrations (seed 000): an integration template whose per-tenant Integrator holds the
 * fields (ID Callcenter, Host "without https prefix, e.g. app.gcalls.co"), and typed Endpoints —
 * Auth (its access token feeds the others), GetData, PostData, SendSMS — with parameters of type
 * Header, Body, Query, Path and "Md5: md5 encoded params are inserted in api header". The Callbox
 * runs saveLogCRM "when call end" and createSMSNote "when sending sms".
 *
 * The Auth endpoint is a `token_endpoint` connection (the Integrator): it fetches and caches the
 * token and applies it as `Authorization: Bearer …` to every node that uses the connection.
 */

const base = '{{{default connection.scheme "https"}}}://{{{connection.host}}}';

const auth = {
  purpose: 'gcalls',
  type: 'token_endpoint' as const,
  description:
    'The Gcalls Integrator with its Auth endpoint: a token_endpoint connection whose request is the Auth endpoint and whose token is applied as a bearer header. ' +
    'Fields `host` (no scheme, as in Gcalls), `callcenterId` (ID Callcenter) and optional `scheme` (default https).',
  fields: ['host', 'callcenterId', 'scheme'],
};

/** End of call: GetData (contact by phone, bearer + MD5-signed header) → PostData (call log). */
export const gcallsCallLog: FlowTemplate = {
  id: 'gcalls-call-log',
  name: 'Gcalls: save the call log at end of call',
  system: 'Gcalls',
  description:
    'At the end of a call (Gcalls saveLogCRM): GetData finds the contact by phone with the Auth endpoint\'s bearer token and an MD5 header parameter ' +
    '(x-signature = md5(callcenterId + phone)), then PostData saves the call log with the contact id found (null when none).',
  requires: { connections: [auth] },
  definition: {
    schemaVersion: 1,
    nodes: [
      node('trigger', 'trigger.end_of_call', 'end_of_call', 0, 0, {}),
      node('getData', 'http', 'getData', 1, 0, {
        method: 'GET',
        url: `${base}/api/contacts`,
        connectionId: connectionPlaceholder('gcalls'),
        query: [
          { name: 'phone', value: '{{call.callerId}}' },
          { name: 'callcenterId', value: '{{connection.callcenterId}}' },
        ],
        headers: [{ name: 'x-signature', value: '{{md5 (concat connection.callcenterId call.callerId)}}' }],
        responseType: 'json',
        timeoutMs: 5000,
      }, 'GetData endpoint: query params from the Integrator fields and the call; the Md5 parameter goes in a header.'),
      node('postData', 'http', 'postData', 2, 0, {
        method: 'POST',
        url: `${base}/api/calllogs`,
        connectionId: connectionPlaceholder('gcalls'),
        headers: [{ name: 'x-signature', value: '{{md5 (concat connection.callcenterId call.id)}}' }],
        body: {
          type: 'json',
          template: [
            '{',
            '  "callcenterId": "{{connection.callcenterId}}",',
            '  "callId": "{{call.id}}", "phone": "{{call.callerId}}", "calledNumber": "{{call.calledNumber}}",',
            '  "direction": "{{call.direction}}", "status": "{{default call.disposition call.status}}",',
            '  "startedAt": "{{call.startedAt}}", "endedAt": "{{call.endedAt}}", "durationSec": {{json (default call.durationSec 0)}},',
            '  "recordingUrl": "{{call.recordingUrl}}", "agentExtension": "{{call.agent.extension}}",',
            '  "contactId": {{json (default nodes.getData.body.id null)}}',
            '}',
          ].join('\n'),
        },
        retry: { attempts: 3, backoffMs: 1000 },
      }, 'PostData endpoint (saveLogCRM).'),
    ],
    // A failed GetData (e.g. 404: unknown phone) still saves the log, without a contact.
    edges: edges(['trigger', 'getData'], ['getData', 'postData', 'success'], ['getData', 'postData', 'error']),
  },
};

/** An `sms.sent` event → the SMS note (createSMSNote). */
export const gcallsSmsNote: FlowTemplate = {
  id: 'gcalls-sms-note',
  name: 'Gcalls: save an SMS note when an SMS is sent',
  system: 'Gcalls',
  description:
    'On each `sms.sent` event (Gcalls createSMSNote): POSTs the SMS note for the contact with the Auth endpoint\'s bearer token. ' +
    'The event carries the message as contact.custom.sms {text, from}.',
  requires: { connections: [auth] },
  definition: {
    schemaVersion: 1,
    nodes: [
      node('trigger', 'trigger.campaign', 'sms_sent', 0, 0, { events: ['sms.sent'] }),
      node('note', 'http', 'smsNote', 1, 0, {
        method: 'POST',
        url: `${base}/api/sms-notes`,
        connectionId: connectionPlaceholder('gcalls'),
        headers: [{ name: 'x-signature', value: '{{md5 (concat connection.callcenterId contact.phone)}}' }],
        body: {
          type: 'json',
          template:
            '{"callcenterId": "{{connection.callcenterId}}", "eventId": "{{event.id}}", "sentAt": "{{event.at}}", "contactId": "{{contact.id}}", ' +
            '"phone": "{{contact.phone}}", "from": "{{contact.custom.sms.from}}", "content": "{{contact.custom.sms.text}}"}',
        },
        retry: { attempts: 3, backoffMs: 1000 },
      }),
    ],
    edges: edges(['trigger', 'note']),
  },
};

export const GCALLS_TEMPLATES = [gcallsCallLog, gcallsSmsNote];
