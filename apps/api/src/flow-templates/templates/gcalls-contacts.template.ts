import { edges, node, type FlowTemplate } from '../flow-template.types';
import { agentHook, auth, base, gcalls, json, sign } from './gcalls-parts';
import { sampleContact, sampleEvent, sampleRequest } from './sample-parts';

// Gcalls: the iframe's contact form and the Callbox's SMS (see gcalls.template.ts).

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
    sampleInput: sampleRequest('POST', {
      body: { name: 'Jeanne Dupont', phone: '+33612345678', email: 'jeanne.dupont@example.com' },
    }),
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
    sampleInput: sampleRequest('POST', {
      body: { phone: '+33612345678', text: 'Your parcel ships today.', from: 'CallFlow', contactId: 'c-42' },
    }),
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
    sampleInput: {
      contact: { ...sampleContact, custom: { sms: { text: 'Your parcel ships today.', from: 'CallFlow' } } },
      event: sampleEvent('sms.sent', 'evt-9201', '2026-01-15T10:02:00Z'),
    },
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
