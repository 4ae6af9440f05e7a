import { connectionPlaceholder, edges, node } from '../flow-template.types';
import type { TemplateConnectionRequirement } from '@callflow/flow';
import type { FlowTemplate } from '../flow-template.types';
import { RETAILCRM_CALLBACK_TEMPLATES } from './retailcrm-callbacks.template';
import { sampleCall, sampleContact, sampleEndedCall, sampleEvent, sampleRequest } from './sample-parts';

/**
 * RetailCRM "Порядок интеграции виртуальной АТС с системой" (seed 003, in
 * Russian), the PBX → CRM
 * half (the CRM → PBX callbacks and the module registration: retailcrm-callbacks.template.ts):
 * - call events: `POST /api/v5/telephony/call/event` "c параметром event, в качестве
 *   значения
 *   JSON" {phone, type, codes, externalPhone}; "три типа: входящий звонок, исходящий
 *   звонок и
 *   событие завершение звонка" (in / out / hangup);
 * - call history: `POST /api/v5/telephony/calls/upload`, "За один запрос можно сохранить до
 *   50
 *   звонков"; "Загрузка истории сразу же после звонка" (one record right after
 *   each call) or
 *   "Периодическая загрузка истории звонков … раз в 10 минут" (any
 *   number, in requests of 50);
 *   "В поле calls[][recordUrl] передается ссылка на запись звонка".
 * - access: "Запросить у пользователя API-ключ"; RetailCRM's API rules (not in the seed): the
 *   key
 *   in the `X-API-KEY` header (or the `apiKey` parameter), form bodies whose fields hold JSON.
 */

export const retailcrmConnection: TemplateConnectionRequirement = {
  purpose: 'retailcrm',
  type: 'api_key',
  description:
    'The RetailCRM account: an api_key connection with placement `header` and name `X-API-KEY` ' +
    '(or placement `query`, paramName `apiKey`); fields `baseUrl` (e.g. https://example.retailcrm.ru), ' +
    "optional `timezone` (the account's IANA zone for call dates, default UTC) and `recordHookUrl` " +
    '(the URL of your retailcrm-record flow, e.g. https://callflow.example.com/api/v1/hooks/rcrm-record).',
  fields: ['baseUrl', 'timezone', 'recordHookUrl'],
};

const isOut = '(or (eq call.direction "out") (eq call.direction "outbound"))';
/** The client's number (caller id when in, number dialled when out) and the company's. */
const phones = [
  { name: 'phone', value: `{{#if ${isOut}}}{{call.calledNumber}}{{else}}{{call.callerId}}{{/if}}` },
  { name: 'externalPhone', value: `{{#if ${isOut}}}{{call.callerId}}{{else}}{{call.calledNumber}}{{/if}}` },
];
const outOrIn = `{{#if ${isOut}}}out{{else}}in{{/if}}`;
const eventType = `{{#if (eq event.type "call.ended")}}hangup{{else}}${outOrIn}{{/if}}`;
/** RetailCRM's call results: answered | busy | failed | no answer | not allowed | unknown. */
const RESULT =
  '{{#if (eq call.disposition "answered")}}answered{{else}}' +
  '{{#if (eq call.disposition "busy")}}busy{{else}}' +
  '{{#if (eq call.disposition "failed")}}failed{{else}}' +
  '{{#if (or (eq call.disposition "no_answer") (eq call.disposition "cancelled") ' +
  '(eq call.disposition "abandoned"))}}no answer' +
  '{{else}}unknown{{/if}}{{/if}}{{/if}}{{/if}}';

/** The `event` JSON; externalPhone is left out when unknown (omitEmpty), never sent as "". */
const EVENT =
  '{"phone": {{json vars.phone}}, "type": {{json vars.type}}, ' +
  '"codes": {{#if call.agent.extension}}[{{json (concat call.agent.extension)}}]{{else}}[]{{/if}}, ' +
  '"callExternalId": {{json call.id}}, "externalPhone": {{json vars.externalPhone}}}';

/** Ringing → type in/out (the manager sees the call card); end of call → hangup. */
export const retailcrmCallEvents: FlowTemplate = {
  id: 'retailcrm-call-events',
  name: 'RetailCRM: call events (in / out / hangup)',
  system: 'RetailCRM',
  description:
    'On call.ringing (type in or out, by direction) and call.ended (type hangup) events: ' +
    'POST /api/v5/telephony/call/event with the form field `event` = JSON {phone, type, codes, callExternalId, ' +
    'externalPhone} (externalPhone left out when unknown), the API key in X-API-KEY. ' +
    "phone is the client's number, externalPhone the company's, codes the agent extension.",
  requires: { connections: [retailcrmConnection] },
  definition: {
    schemaVersion: 1,
    sampleInput: {
      call: { ...sampleCall, status: 'ringing' },
      contact: sampleContact,
      event: sampleEvent('call.ringing', 'evt-9301', '2026-01-15T09:30:00Z'),
    },
    nodes: [
      node('trigger', 'trigger.campaign', 'call_events', 0, 0, { events: ['call.ringing', 'call.ended'] }),
      node('classify', 'set', 'classify', 1, 0, { values: [{ name: 'type', value: eventType }, ...phones] }),
      node('event', 'http', 'callEvent', 2, 0, {
        method: 'POST',
        url: '{{{connection.baseUrl}}}/api/v5/telephony/call/event',
        connectionId: connectionPlaceholder('retailcrm'),
        body: { type: 'form', fields: [{ name: 'event', value: EVENT, json: true, omitEmpty: true }] },
        responseType: 'json',
        retry: { attempts: 2, backoffMs: 500 },
      }),
    ],
    edges: edges(['trigger', 'classify'], ['classify', 'event']),
  },
};

/** Where RetailCRM fetches the recording: the record flow's hook when set, else the PBX's own URL. */
const RECORD_URL =
  '{{#if call.recordingUrl}}{{#if connection.recordHookUrl}}{{connection.recordHookUrl}}?call={{urlencode call.id}}' +
  '{{else}}{{call.recordingUrl}}{{/if}}{{/if}}';
const CALL_DATE =
  '{{formatDate (default call.startedAt call.endedAt now) "YYYY-MM-DD HH:mm:ss" tz=connection.timezone}}';

/** One call record in RetailCRM's calls[] shape; empty fields (no agent, recording or number) are left out. */
const CALL_RECORD =
  `[{"date": "${CALL_DATE}", "type": {{json vars.type}}, "phone": {{json vars.phone}}, ` +
  '"code": {{json (concat call.agent.extension)}}, "result": {{json vars.result}}, ' +
  '"duration": {{json (default call.durationSec 0)}}, "externalId": {{json call.id}}, ' +
  `"externalPhone": {{json vars.externalPhone}}, "recordUrl": "${RECORD_URL}"}]`;

/**
 * Right after each call: one record per request
 * ("как правило, будет передаваться одна запись истории").
 */
export const retailcrmCallUpload: FlowTemplate = {
  id: 'retailcrm-call-upload',
  name: 'RetailCRM: upload each call right after it ends',
  system: 'RetailCRM',
  description:
    'On end of call: POST /api/v5/telephony/calls/upload with the form field `calls` = JSON [one record] ' +
    '{date, type, phone, code, result, duration, externalId, externalPhone, recordUrl}; empty fields are left out. ' +
    'recordUrl points at your retailcrm-record flow (connection field recordHookUrl) so RetailCRM fetches the ' +
    'recording through it, else at the PBX recording URL.',
  requires: { connections: [retailcrmConnection] },
  definition: {
    schemaVersion: 1,
    sampleInput: {
      call: sampleEndedCall,
      contact: sampleContact,
      event: sampleEvent('call.ended', 'evt-9302', '2026-01-15T09:34:41Z'),
    },
    nodes: [
      node('trigger', 'trigger.end_of_call', 'call_ended', 0, 0, { directions: ['in', 'out'] }),
      node('classify', 'set', 'classify', 1, 0, {
        values: [{ name: 'type', value: outOrIn }, ...phones, { name: 'result', value: RESULT }],
      }),
      node('upload', 'http', 'upload', 2, 0, {
        method: 'POST',
        url: '{{{connection.baseUrl}}}/api/v5/telephony/calls/upload',
        connectionId: connectionPlaceholder('retailcrm'),
        body: { type: 'form', fields: [{ name: 'calls', value: CALL_RECORD, json: true, omitEmpty: true }] },
        responseType: 'json',
        retry: { attempts: 3, backoffMs: 1000 },
      }),
    ],
    edges: edges(['trigger', 'classify'], ['classify', 'upload']),
  },
};

/** RetailCRM's limit per calls/upload request. */
export const RETAILCRM_UPLOAD_BATCH = 50;

const json = (template: string, status?: number) => ({
  ...(status ? { status } : {}),
  body: { type: 'json', template },
});
const batchError = '{"success": false, "error": {{json nodes.batches.error.message}}}';
const uploaded = '{"success": true, "calls": {{nodes.batches.total}}, "batches": {{nodes.batches.chunks}}}';
const noCalls = '{"success": false, "error": "calls must be a non-empty array"}';
const refused =
  '{"success": false, "error": "RetailCRM refused some batches; the others were uploaded", ' +
  '"calls": {{nodes.batches.total}}, "batches": {{nodes.batches.chunks}}, "failedBatches": {{nodes.batches.failed}}}';

/** A PBX pushes its call history (calls[]) of any size; a batch node uploads it 50 calls per request. */
export const retailcrmCallsUpload: FlowTemplate = {
  id: 'retailcrm-calls-upload',
  name: 'RetailCRM: upload call history of any size, 50 per request',
  system: 'RetailCRM',
  description:
    'The PBX POSTs {calls:[…]} (RetailCRM call records: date, type, phone, code, result, duration, externalId, ' +
    'recordUrl …) to this webhook, e.g. every 10 minutes; a batch node uploads them to ' +
    'POST /api/v5/telephony/calls/upload as the form field `calls` = JSON array, ' +
    `${RETAILCRM_UPLOAD_BATCH} calls per request, in order. It answers {success, calls, batches}; an empty push is a ` +
    '400; when RetailCRM refuses some batches the others are still uploaded and the answer is a 502 naming how many ' +
    'failed.',
  requires: { connections: [retailcrmConnection] },
  definition: {
    schemaVersion: 1,
    sampleInput: sampleRequest('POST', {
      body: {
        calls: [
          {
            date: '2026-01-15 09:30:00',
            type: 'in',
            phone: '+33612345678',
            code: '207',
            result: 'answered',
            duration: 273,
            externalId: 'call-1001',
            recordUrl: 'https://pbx.example.com/rec/call-1001.mp3',
          },
          {
            date: '2026-01-15 09:41:10',
            type: 'out',
            phone: '+33698765432',
            code: '208',
            result: 'no answer',
            duration: 0,
            externalId: 'call-1002',
          },
        ],
      },
    }),
    nodes: [
      node('trigger', 'trigger.webhook', 'pbx_history', 0, 0, { methods: ['POST'], deadlineMs: 30_000 }),
      node('check', 'condition', 'check', 1, 0, {
        rules: [{ handle: 'empty', left: '{{request.body.calls}}', op: 'empty' }],
      }),
      node(
        'batch',
        'batch',
        'batches',
        2,
        0,
        { items: '{{request.body.calls}}', size: RETAILCRM_UPLOAD_BATCH, concurrency: 1, onError: 'continue' },
        'Each chunk runs "upload"; every chunk runs even if one is refused.',
      ),
      node('upload', 'http', 'upload', 3, 1, {
        method: 'POST',
        url: '{{{connection.baseUrl}}}/api/v5/telephony/calls/upload',
        connectionId: connectionPlaceholder('retailcrm'),
        body: { type: 'form', fields: [{ name: 'calls', value: '{{json batch.items}}', json: true, omitEmpty: true }] },
        responseType: 'json',
        retry: { attempts: 2, backoffMs: 500 },
      }),
      node('failedAny', 'condition', 'refused', 3, 0, {
        rules: [{ handle: 'some', left: '{{nodes.batches.failed}}', op: 'gt', right: '0' }],
      }),
      node('done', 'respond', 'done', 4, 0, json(uploaded)),
      node('failed', 'respond', 'failed', 4, 1, json(refused, 502)),
      node('why', 'condition', 'why', 3, 2, {
        rules: [{ handle: 'too_many', left: '{{nodes.batches.error.code}}', op: 'eq', right: 'BATCH_TOO_LARGE' }],
      }),
      node('tooMany', 'respond', 'too_many', 4, 2, json(batchError, 413)),
      node('invalid', 'respond', 'not_a_list', 4, 3, json(batchError, 400)),
      node('empty', 'respond', 'no_calls', 2, 2, json(noCalls, 400)),
    ],
    edges: edges(
      ['trigger', 'check'],
      ['check', 'empty', 'empty'],
      ['check', 'batch', 'default'],
      ['batch', 'upload', 'each'],
      ['batch', 'failedAny', 'done'],
      ['batch', 'why', 'error'],
      ['why', 'tooMany', 'too_many'],
      ['why', 'invalid', 'default'],
      ['failedAny', 'failed', 'some'],
      ['failedAny', 'done', 'default'],
    ),
  },
};

export const RETAILCRM_TEMPLATES: FlowTemplate[] = [
  retailcrmCallEvents,
  retailcrmCallUpload,
  retailcrmCallsUpload,
  ...RETAILCRM_CALLBACK_TEMPLATES,
];
