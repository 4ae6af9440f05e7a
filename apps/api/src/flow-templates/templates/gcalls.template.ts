import { connectionPlaceholder, edges, node, type FlowTemplate, type TemplateNode } from '../flow-template.types';

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

const base = '{{{default connection.scheme "https"}}}://{{{connection.host}}}{{{connection.basePath}}}';
const sign = (key: string) => [
  { name: 'x-signature', value: `{{md5 (concat connection.callcenterId ${key} secrets.apiSecret)}}` },
];
const gcalls = connectionPlaceholder('gcalls');

const auth = {
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
function getData(id: string, col: number, phone: string): TemplateNode {
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

/** A webhook the agent's browser calls (the Callbox or its iframe): CORS for its origin. */
/**
 * A hook the agent's browser (the Callbox, its iframe) calls: the URL is seen by every agent, so it
 * carries the flow's own secret (`?secret=`, opens this flow only, rotatable), never an API key.
 */
function agentHook(name: string, notes: string): TemplateNode {
  const config = { methods: ['POST'], allowedOrigins: ['*'], deadlineMs: 5000, auth: { in: 'query', name: 'secret' } };
  const setup = 'Set the flow\'s webhook secret in this panel; replace "*" with the Callbox origin.';
  return node('trigger', 'trigger.webhook', name, 0, 0, config, `${notes} ${setup}`);
}

const json = (status: number, template: string) => ({ status, body: { type: 'json', template } });

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
              '{"callcenterId": "{{connection.callcenterId}}", "callId": "{{call.id}}", "phone": "{{call.callerId}}", ' +
              '"calledNumber": "{{call.calledNumber}}", ' +
              '"direction": "{{call.direction}}", "status": "connected", "startedAt": "{{call.startedAt}}", ' +
              '"answeredAt": "{{default call.answeredAt event.at}}", ' +
              '"agentExtension": "{{call.agent.extension}}", "contactId": {{json (default nodes.getData.body.id null)}}}',
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
            '"iframeUrl": {{json (default nodes.getData.body.url null)}}, "callId": {{json (default request.body.callId ' +
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

/** The iframe's "create contact" (handleCreateContact): PostData /api/contacts; an existing phone gives its contact. */
export const gcallsCreateContact: FlowTemplate = {
  id: 'gcalls-create-contact',
  name: 'Gcalls: create a contact from the agent iframe',
  system: 'Gcalls',
  description:
    "The agent's iframe POSTs {name, phone, email} (Gcalls handleCreateContact): PostData creates the contact; the " +
    'flow answers {ok:true, contactId, created:true}, ' +
    '{ok:true, contactId, created:false} when the phone already has a contact (409), or 502 {ok:false, status} when ' +
    'the contact is refused.',
  requires: { connections: [auth] },
  definition: {
    schemaVersion: 1,
    nodes: [
      agentHook('create_contact', 'The iframe calls POST /api/v1/hooks/<key>?secret=<its webhook secret>.'),
      node('contact', 'http', 'createContact', 1, 0, {
        method: 'POST',
        url: `${base}/api/contacts`,
        connectionId: gcalls,
        headers: sign('request.body.phone'),
        body: {
          type: 'json',
          template:
            '{"callcenterId": "{{connection.callcenterId}}", "name": "{{request.body.name}}", ' +
            '"phone": "{{request.body.phone}}", "email": "{{request.body.email}}"}',
        },
        responseType: 'json',
        timeoutMs: 4000,
      }),
      node('exists', 'condition', 'already_exists', 2, 1, {
        rules: [{ handle: 'exists', left: '{{nodes.createContact.status}}', op: 'eq', right: '409' }],
      }),
      node(
        'created',
        'respond',
        'created',
        2,
        0,
        json(200, '{"ok": true, "contactId": {{json nodes.createContact.body.id}}, "created": true}'),
      ),
      node(
        'existing',
        'respond',
        'existing',
        3,
        1,
        json(200, '{"ok": true, "contactId": {{json nodes.createContact.body.id}}, "created": false}'),
      ),
      node(
        'failed',
        'respond',
        'refused',
        3,
        2,
        json(502, '{"ok": false, "status": {{json (default nodes.createContact.status null)}}}'),
      ),
    ],
    edges: edges(
      ['trigger', 'contact'],
      ['contact', 'created', 'success'],
      ['contact', 'exists', 'error'],
      ['exists', 'existing', 'exists'],
      ['exists', 'failed', 'default'],
    ),
  },
};

/** SendSMS: the SendSMS endpoint (a form post), then the SMS note (createSMSNote). */
export const gcallsSendSms: FlowTemplate = {
  id: 'gcalls-send-sms',
  name: 'Gcalls: send an SMS and save its note',
  system: 'Gcalls',
  description:
    'The agent (or any system) POSTs {phone, text, from, contactId}: the SendSMS endpoint sends it (form fields ' +
    'callcenterId, to, from, text), then PostData saves the SMS note ' +
    '(createSMSNote) with the message id; the answer is {sent:true, messageId, noted}. A refused SMS answers 502 ' +
    '{sent:false, status} and saves no note.',
  requires: { connections: [auth] },
  definition: {
    schemaVersion: 1,
    nodes: [
      agentHook(
        'send_sms',
        'POST /api/v1/hooks/<key>?secret=<its webhook secret> with {phone, text, from, contactId}.',
      ),
      node(
        'send',
        'http',
        'sendSms',
        1,
        0,
        {
          method: 'POST',
          url: `${base}/api/sms/send`,
          connectionId: gcalls,
          headers: sign('request.body.phone'),
          body: {
            type: 'form',
            fields: [
              { name: 'callcenterId', value: '{{connection.callcenterId}}' },
              { name: 'to', value: '{{request.body.phone}}' },
              { name: 'from', value: '{{request.body.from}}' },
              { name: 'text', value: '{{request.body.text}}' },
            ],
          },
          responseType: 'json',
          timeoutMs: 5000,
        },
        'SendSMS endpoint.',
      ),
      node(
        'note',
        'http',
        'smsNote',
        2,
        0,
        {
          method: 'POST',
          url: `${base}/api/sms-notes`,
          connectionId: gcalls,
          headers: sign('request.body.phone'),
          body: {
            type: 'json',
            template:
              '{"callcenterId": "{{connection.callcenterId}}", "eventId": "{{nodes.sendSms.body.messageId}}", ' +
              '"sentAt": "{{now}}", "contactId": {{json (default request.body.contactId null)}}, ' +
              '"phone": "{{request.body.phone}}", "from": "{{request.body.from}}", "content": "{{request.body.text}}"}',
          },
          retry: { attempts: 2, backoffMs: 500 },
        },
        'PostData endpoint (createSMSNote).',
      ),
      node(
        'sent',
        'respond',
        'sent',
        3,
        0,
        json(200, '{"sent": true, "messageId": {{json nodes.sendSms.body.messageId}}, "noted": true}'),
      ),
      node(
        'unnoted',
        'respond',
        'sent_without_note',
        3,
        1,
        json(200, '{"sent": true, "messageId": {{json nodes.sendSms.body.messageId}}, "noted": false}'),
      ),
      node(
        'failed',
        'respond',
        'not_sent',
        2,
        2,
        json(502, '{"sent": false, "status": {{json (default nodes.sendSms.status null)}}}'),
      ),
    ],
    edges: edges(
      ['trigger', 'send'],
      ['send', 'note', 'success'],
      ['send', 'failed', 'error'],
      ['note', 'sent', 'success'],
      ['note', 'unnoted', 'error'],
    ),
  },
};

/** An `sms.sent` event → the SMS note (createSMSNote). */
export const gcallsSmsNote: FlowTemplate = {
  id: 'gcalls-sms-note',
  name: 'Gcalls: save an SMS note when an SMS is sent',
  system: 'Gcalls',
  description:
    "On each `sms.sent` event (Gcalls createSMSNote): POSTs the SMS note for the contact with the Auth endpoint's " +
    'token and the Md5 header. ' +
    'The event carries the message as contact.custom.sms {text, from}.',
  requires: { connections: [auth] },
  definition: {
    schemaVersion: 1,
    nodes: [
      node('trigger', 'trigger.campaign', 'sms_sent', 0, 0, { events: ['sms.sent'] }),
      node('note', 'http', 'smsNote', 1, 0, {
        method: 'POST',
        url: `${base}/api/sms-notes`,
        connectionId: gcalls,
        headers: sign('contact.phone'),
        body: {
          type: 'json',
          template:
            '{"callcenterId": "{{connection.callcenterId}}", "eventId": "{{event.id}}", "sentAt": "{{event.at}}", ' +
            '"contactId": "{{contact.id}}", ' +
            '"phone": "{{contact.phone}}", "from": "{{contact.custom.sms.from}}", "content": ' +
            '"{{contact.custom.sms.text}}"}',
        },
        retry: { attempts: 3, backoffMs: 1000 },
      }),
    ],
    edges: edges(['trigger', 'note']),
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
