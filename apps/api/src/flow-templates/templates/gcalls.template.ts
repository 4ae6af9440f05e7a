import { edges, node, type FlowTemplate } from '../flow-template.types';

/**
 * Gcalls integrations (seed 000): an integration template whose per-tenant Integrator holds the
 * fields (ID Callcenter, Host "without https prefix, e.g. app.gcalls.co"), and typed Endpoints —
 * Auth (its access token feeds the others), GetData, PostData, SendSMS — with parameters of type
 * Header, Body, Query, Path and "Md5: md5 encoded params are inserted in api header". The Callbox
 * runs getDataIframe "when call starts", savePreLogCRM "when call connected", saveLogCRM "when
 * call end", createSMSNote "when sending sms"; its iframe runs handleCreateTicket and
 * handleCreateContact.
 *
 * The Integrator + its Auth endpoint is a `token_endpoint` connection: it fetches and caches the
 * token, applies it where the connection says (header, query, body field, or `{token}` in the
 * path: the connection's `basePath`) and refreshes it on a 401. The Md5 parameter is the header
 * `x-signature` = md5(callcenterId + the request's key value + the Integrator's secret `apiSecret`),
 * computed at send time: the secret is never sent, recorded or answered as itself.
 */
import { gcallsCreateContact, gcallsSendSms, gcallsSmsNote } from './gcalls-contacts.template';
import { agentHook, auth, base, gcalls, getData, json, sign } from './gcalls-parts';
import { sampleCall, sampleContact, sampleEndedCall, sampleEvent, sampleRequest } from './sample-parts';

/** Call connected (savePreLogCRM): GetData → the call log created with status "connected". */
export const gcallsCallConnected: FlowTemplate = {
  id: 'gcalls-call-connected',
  name: 'Gcalls: create the call log when the call connects',
  system: 'Gcalls',
  description:
    'When a call is answered (call.answered event; Gcalls savePreLogCRM): GetData finds the contact by phone, then ' +
    'PostData creates the call log ' +
    'with status "connected", the answer time and the contact id (null when none). The end-of-call template ' +
    'completes the same log.',
  requires: { connections: [auth] },
  definition: {
    schemaVersion: 1,
    sampleInput: {
      call: sampleCall,
      contact: sampleContact,
      event: sampleEvent('call.answered', 'evt-9101', '2026-01-15T09:30:08Z'),
    },
    nodes: [
      node(
        'trigger',
        'trigger.campaign',
        'call_answered',
        0,
        0,
        { events: ['call.answered'] },
        'Runs on call.answered events (POST /events).',
      ),
      getData('getData', 1, 'call.callerId'),
      node(
        'preLog',
        'http',
        'preLog',
        2,
        0,
        {
          method: 'POST',
          url: `${base}/api/calllogs`,
          connectionId: gcalls,
          headers: sign('call.id'),
          body: {
            type: 'json',
            template:
              '{"callcenterId": "{{connection.callcenterId}}", ' +
              '"callId": "{{call.id}}", "phone": "{{call.callerId}}", ' +
              '"calledNumber": "{{call.calledNumber}}", ' +
              '"direction": "{{call.direction}}", "status": "connected", "startedAt": "{{call.startedAt}}", ' +
              '"answeredAt": "{{default call.answeredAt event.at}}", ' +
              '"agentExtension": "{{call.agent.extension}}", "contactId": ' +
              '{{json (default nodes.getData.body.id null)}}}',
          },
          retry: { attempts: 3, backoffMs: 1000 },
        },
        'PostData endpoint (savePreLogCRM).',
      ),
    ],
    edges: edges(['trigger', 'getData'], ['getData', 'preLog', 'success'], ['getData', 'preLog', 'error']),
  },
};

/** End of call (saveLogCRM): GetData → PostData (call log). */
export const gcallsCallLog: FlowTemplate = {
  id: 'gcalls-call-log',
  name: 'Gcalls: save the call log at end of call',
  system: 'Gcalls',
  description:
    "At the end of a call (Gcalls saveLogCRM): GetData finds the contact by phone with the Auth endpoint's token " +
    'and the Md5 header parameter ' +
    '(x-signature = md5(callcenterId + phone + apiSecret)), then PostData saves the call log with the contact id ' +
    'found (null when none).',
  requires: { connections: [auth] },
  definition: {
    schemaVersion: 1,
    sampleInput: {
      call: sampleEndedCall,
      contact: sampleContact,
      event: sampleEvent('call.ended', 'evt-9102', '2026-01-15T09:34:41Z'),
    },
    nodes: [
      node('trigger', 'trigger.end_of_call', 'end_of_call', 0, 0, {}),
      getData('getData', 1, 'call.callerId'),
      node(
        'postData',
        'http',
        'postData',
        2,
        0,
        {
          method: 'POST',
          url: `${base}/api/calllogs`,
          connectionId: gcalls,
          headers: sign('call.id'),
          body: {
            type: 'json',
            template: [
              '{',
              '  "callcenterId": "{{connection.callcenterId}}",',
              '  "callId": "{{call.id}}", "phone": "{{call.callerId}}", "calledNumber": "{{call.calledNumber}}",',
              '  "direction": "{{call.direction}}", "status": "{{default call.disposition call.status}}",',
              '  "startedAt": "{{call.startedAt}}", "endedAt": "{{call.endedAt}}", "durationSec": {{json (default ' +
                'call.durationSec 0)}},',
              '  "recordingUrl": "{{call.recordingUrl}}", "agentExtension": "{{call.agent.extension}}",',
              '  "contactId": {{json (default nodes.getData.body.id null)}}',
              '}',
            ].join('\n'),
          },
          retry: { attempts: 3, backoffMs: 1000 },
        },
        'PostData endpoint (saveLogCRM).',
      ),
    ],
    // A failed GetData (e.g. 404: unknown phone) still saves the log, without a contact.
    edges: edges(['trigger', 'getData'], ['getData', 'postData', 'success'], ['getData', 'postData', 'error']),
  },
};

/** When a call starts (getDataIframe): the Callbox asks, GetData finds the contact, the answer fills the iframe. */
export const gcallsIframeData: FlowTemplate = {
  id: 'gcalls-iframe-data',
  name: "Gcalls: the agent iframe's data when a call starts",
  system: 'Gcalls',
  description:
    'The Callbox POSTs {callId, phone, direction, agentExtension} when a call starts (Gcalls getDataIframe) and ' +
    'waits: GetData finds the contact and the flow answers ' +
    "{found:true, contact:{id, name, phone, email}, iframeUrl (the contact's page GetData gives as `url`), callId} " +
    "for the agent's iframe, " +
    'or {found:false, phone, callId} (the iframe offers to create the contact) for an unknown caller or a failed ' +
    'lookup.',
  requires: { connections: [auth] },
  definition: {
    schemaVersion: 1,
    sampleInput: sampleRequest('POST', {
      body: { callId: 'call-1001', phone: '+33612345678', direction: 'in', agentExtension: '207' },
    }),
    nodes: [
      agentHook(
        'call_started',
        'The Callbox calls POST /api/v1/hooks/<key>?secret=<its webhook secret> with the call as JSON.',
      ),
      getData('getData', 1, 'request.body.phone'),
      node(
        'found',
        'respond',
        'contact_found',
        2,
        0,
        json(
          200,
          '{"found": true, "contact": {"id": {{json nodes.getData.body.id}}, "name": {{json (default ' +
            'nodes.getData.body.name "")}}, ' +
            '"phone": {{json (default nodes.getData.body.phone request.body.phone)}}, "email": {{json (default ' +
            'nodes.getData.body.email "")}}}, ' +
            '"iframeUrl": {{json (default nodes.getData.body.url null)}}, ' +
            '"callId": {{json (default request.body.callId ' +
            'null)}}}',
        ),
      ),
      node(
        'unknown',
        'respond',
        'unknown_caller',
        2,
        1,
        json(
          200,
          '{"found": false, "phone": {{json (default request.body.phone "")}}, "callId": {{json (default ' +
            'request.body.callId null)}}}',
        ),
      ),
    ],
    edges: edges(['trigger', 'getData'], ['getData', 'found', 'success'], ['getData', 'unknown', 'error']),
  },
};

/** The iframe's "create ticket" (handleCreateTicket): PostData /api/tickets. */
export const gcallsCreateTicket: FlowTemplate = {
  id: 'gcalls-create-ticket',
  name: 'Gcalls: create a ticket from the agent iframe',
  system: 'Gcalls',
  description:
    "The agent's iframe POSTs {callId, phone, contactId, subject, description, priority} (Gcalls " +
    'handleCreateTicket): PostData creates the ticket ' +
    '(priority low | normal | high, default normal) and the flow answers {ok:true, ticketId}; a refused ticket ' +
    'answers 502 {ok:false, status, error}.',
  requires: { connections: [auth] },
  definition: {
    schemaVersion: 1,
    sampleInput: sampleRequest('POST', {
      body: {
        callId: 'call-1001',
        phone: '+33612345678',
        contactId: 'c-42',
        subject: 'Parcel not delivered',
        description: 'Order 5812: the parcel was due on Monday.',
        priority: 'high',
      },
    }),
    nodes: [
      agentHook('create_ticket', 'The iframe calls POST /api/v1/hooks/<key>?secret=<its webhook secret>.'),
      node('ticket', 'http', 'createTicket', 1, 0, {
        method: 'POST',
        url: `${base}/api/tickets`,
        connectionId: gcalls,
        headers: sign('request.body.phone'),
        body: {
          type: 'json',
          template:
            '{"callcenterId": "{{connection.callcenterId}}", "contactId": {{json (default request.body.contactId ' +
            'null)}}, "phone": "{{request.body.phone}}", ' +
            '"callId": {{json (default request.body.callId null)}}, "subject": "{{request.body.subject}}", ' +
            '"description": "{{request.body.description}}", ' +
            '"priority": "{{default request.body.priority "normal"}}"}',
        },
        responseType: 'json',
        timeoutMs: 4000,
      }),
      node(
        'ok',
        'respond',
        'created',
        2,
        0,
        json(200, '{"ok": true, "ticketId": {{json nodes.createTicket.body.id}}}'),
      ),
      node(
        'failed',
        'respond',
        'refused',
        2,
        1,
        json(
          502,
          '{"ok": false, "status": {{json (default nodes.createTicket.status null)}}, "error": {{json ' +
            '(default nodes.createTicket.body.errors nodes.createTicket.error.message)}}}',
        ),
      ),
    ],
    edges: edges(['trigger', 'ticket'], ['ticket', 'ok', 'success'], ['ticket', 'failed', 'error']),
  },
};

export const GCALLS_TEMPLATES = [
  gcallsIframeData,
  gcallsCallConnected,
  gcallsCallLog,
  gcallsCreateTicket,
  gcallsCreateContact,
  gcallsSendSms,
  gcallsSmsNote,
];
