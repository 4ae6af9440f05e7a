import { connectionPlaceholder, edges, node, type FlowTemplate, type TemplateNode } from '../flow-template.types';

/**
 * RetailCRM "Порядок интеграции виртуальной АТС с системой" (seed 003, in Russian):
 * - call events: `POST /api/v5/telephony/call/event` "c параметром event, в качестве значения JSON"
 *   {phone, type, codes, externalPhone}; "три типа: входящий звонок, исходящий звонок и событие
 *   завершение звонка" (in / out / hangup);
 * - call history: `POST /api/v5/telephony/calls/upload`, "За один запрос можно сохранить до 50
 *   звонков" — at most 50 calls per request; either right after each call or periodically
 *   ("Периодическая загрузка истории звонков … раз в 10 минут");
 * - access: "Запросить у пользователя API-ключ", requests follow RetailCRM's API rules, i.e. the
 *   key is the `apiKey` parameter (an api_key connection, placement query, paramName apiKey).
 */

const apiKeyConnection = {
  purpose: 'retailcrm',
  type: 'api_key' as const,
  description: 'The RetailCRM account: an api_key connection with placement `query` and paramName `apiKey`; field `baseUrl` (e.g. https://example.retailcrm.ru).',
  fields: ['baseUrl'],
};

const isOut = '(or (eq call.direction "out") (eq call.direction "outbound"))';

/** Ringing → type in/out (the manager sees the call card); end of call → hangup. */
export const retailcrmCallEvents: FlowTemplate = {
  id: 'retailcrm-call-events',
  name: 'RetailCRM: call events (in / out / hangup)',
  system: 'RetailCRM',
  description:
    'On call.ringing (type in or out, by direction) and call.ended (type hangup) events: POST /api/v5/telephony/call/event with the form field `event` = JSON ' +
    '{phone, type, codes, callExternalId, externalPhone} and the API key as ?apiKey=. phone is the client\'s number, externalPhone the company\'s, codes the agent extension.',
  requires: { connections: [apiKeyConnection] },
  definition: {
    schemaVersion: 1,
    nodes: [
      node('trigger', 'trigger.campaign', 'call_events', 0, 0, { events: ['call.ringing', 'call.ended'] }, 'Runs on call.ringing and call.ended events (POST /events).'),
      node('classify', 'set', 'classify', 1, 0, {
        values: [
          { name: 'type', value: `{{#if (eq event.type "call.ended")}}hangup{{else}}{{#if ${isOut}}}out{{else}}in{{/if}}{{/if}}` },
          { name: 'phone', value: `{{#if ${isOut}}}{{call.calledNumber}}{{else}}{{call.callerId}}{{/if}}` },
          { name: 'externalPhone', value: `{{#if ${isOut}}}{{call.callerId}}{{else}}{{call.calledNumber}}{{/if}}` },
        ],
      }),
      node('event', 'http', 'callEvent', 2, 0, {
        method: 'POST',
        url: '{{{connection.baseUrl}}}/api/v5/telephony/call/event',
        connectionId: connectionPlaceholder('retailcrm'),
        body: {
          type: 'form',
          fields: [
            {
              name: 'event',
              value:
                '{"phone":{{json vars.phone}},"type":{{json vars.type}},"codes":{{#if call.agent.extension}}[{{json (concat call.agent.extension)}}]{{else}}[]{{/if}},' +
                '"callExternalId":{{json call.id}},"externalPhone":{{json vars.externalPhone}}}',
            },
          ],
        },
        responseType: 'json',
        retry: { attempts: 2, backoffMs: 500 },
      }),
    ],
    edges: edges(['trigger', 'classify'], ['classify', 'event']),
  },
};

/** Batches this template uploads per run: up to 4 × 50 = 200 calls per push. */
export const RETAILCRM_UPLOAD_BATCH = 50;
export const RETAILCRM_UPLOAD_BATCHES = 4;

function uploadNode(i: number): TemplateNode {
  return node(`upload${i + 1}`, 'http', `upload${i + 1}`, 2 + i, 0, {
    method: 'POST',
    url: '{{{connection.baseUrl}}}/api/v5/telephony/calls/upload',
    connectionId: connectionPlaceholder('retailcrm'),
    body: { type: 'form', fields: [{ name: 'calls', value: `{{json (chunk request.body.calls ${RETAILCRM_UPLOAD_BATCH} ${i})}}` }] },
    responseType: 'json',
    retry: { attempts: 2, backoffMs: 500 },
  }, `Calls ${i * RETAILCRM_UPLOAD_BATCH + 1}–${(i + 1) * RETAILCRM_UPLOAD_BATCH} of the push.`);
}

function moreNode(i: number) {
  // Before upload i+1 (0-based i ≥ 1): are there more than i × 50 calls?
  return node(`more${i + 1}`, 'condition', `more${i + 1}`, 2 + i, 1, {
    rules: [{ handle: 'more', left: '{{length request.body.calls}}', op: 'gt', right: String(i * RETAILCRM_UPLOAD_BATCH) }],
  });
}

const uploads = Array.from({ length: RETAILCRM_UPLOAD_BATCHES }, (_, i) => uploadNode(i));
const mores = Array.from({ length: RETAILCRM_UPLOAD_BATCHES - 1 }, (_, i) => moreNode(i + 1));
const max = RETAILCRM_UPLOAD_BATCH * RETAILCRM_UPLOAD_BATCHES;

/** A PBX pushes its call history (calls[]); the flow uploads it in batches of at most 50. */
export const retailcrmCallsUpload: FlowTemplate = {
  id: 'retailcrm-calls-upload',
  name: 'RetailCRM: upload call history in batches of 50',
  system: 'RetailCRM',
  description:
    `The PBX POSTs {calls:[…]} (RetailCRM call records: date, type, phone, code, result, duration, externalId, recordUrl …, up to ${max}) to this webhook, ` +
    `e.g. every 10 minutes; the flow uploads them to POST /api/v5/telephony/calls/upload as form field \`calls\` = JSON array, ${RETAILCRM_UPLOAD_BATCH} calls per request, ` +
    'in order, and answers {success, calls, batches}. More than ' + max + ' calls is a 413 (nothing uploaded); an upload failure is a 502 naming the batches sent.',
  requires: { connections: [apiKeyConnection] },
  definition: {
    schemaVersion: 1,
    nodes: [
      node('trigger', 'trigger.webhook', 'pbx_history', 0, 0, { methods: ['POST'], deadlineMs: 30_000 }),
      node('check', 'condition', 'check', 1, 0, {
        rules: [
          { handle: 'empty', left: '{{request.body.calls}}', op: 'empty' },
          { handle: 'too_many', left: '{{length request.body.calls}}', op: 'gt', right: String(max) },
        ],
      }),
      ...uploads,
      ...mores,
      node('done', 'respond', 'done', 6, 0, {
        body: { type: 'json', template: `{"success": true, "calls": {{length request.body.calls}}, "batches": {{length (chunk request.body.calls ${RETAILCRM_UPLOAD_BATCH})}}}` },
      }),
      node('failed', 'respond', 'failed', 6, 2, {
        status: 502,
        body: { type: 'json', template: '{"success": false, "error": "RetailCRM refused a batch; batches before it were uploaded", "uploaded": {"batch1": {{json (default nodes.upload1.status null)}}, "batch2": {{json (default nodes.upload2.status null)}}, "batch3": {{json (default nodes.upload3.status null)}}}}' },
      }),
      node('empty', 'respond', 'no_calls', 2, 2, { status: 400, body: { type: 'json', template: '{"success": false, "error": "calls must be a non-empty array"}' } }),
      node('tooMany', 'respond', 'too_many', 2, 3, {
        status: 413,
        body: { type: 'json', template: `{"success": false, "error": "at most ${max} calls per push; push more often", "calls": {{length request.body.calls}}}` },
      }),
    ],
    edges: edges(
      ['trigger', 'check'],
      ['check', 'empty', 'empty'],
      ['check', 'tooMany', 'too_many'],
      ['check', 'upload1', 'default'],
      ['upload1', 'more2', 'success'],
      ['more2', 'upload2', 'more'],
      ['more2', 'done', 'default'],
      ['upload2', 'more3', 'success'],
      ['more3', 'upload3', 'more'],
      ['more3', 'done', 'default'],
      ['upload3', 'more4', 'success'],
      ['more4', 'upload4', 'more'],
      ['more4', 'done', 'default'],
      ['upload4', 'done', 'success'],
      ['upload1', 'failed', 'error'],
      ['upload2', 'failed', 'error'],
      ['upload3', 'failed', 'error'],
      ['upload4', 'failed', 'error'],
    ),
  },
};

export const RETAILCRM_TEMPLATES = [retailcrmCallEvents, retailcrmCallsUpload];
