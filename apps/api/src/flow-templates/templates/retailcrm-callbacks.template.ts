import { connectionPlaceholder, edges, node } from '../flow-template.types';
import type { TemplateConnectionRequirement } from '@callflow/flow';
import type { FlowTemplate } from '../flow-template.types';
import { sampleRequest } from './sample-parts';

/**
 * RetailCRM's calls to the telephony (seed 003) and the module registration that sets them up:
 * - "Регистрация новой телефонии … POST /api/v5/integration-modules/{code}/edit … c
 *   параметром
 *   integrationModule, в качестве значения JSON" {code, active, name, logo, clientId, accountUrl,
 *   integrations.telephony {makeCallUrl, allowEdit, inputEventSupported, additionalCodes,
 *   externalPhones, changeUserStatusUrl}}; "передается уникальный код clientId";
 * - makeCallUrl: "Система посылает запрос GET {makeCallUrl} с параметрами: clientId,
 *   code,
 *   phone, userId, externalPhone" (…&phone=+79121234567, the + unencoded); "В случае успешной
 *   инициации звонка, АТС должна вернуть HTTP-статус 200", any other status is an
 *   error shown;
 * - changeUserStatusUrl: "GET … clientId, userId, code, status" with status free|busy|dinner|break;
 *   "Тело и статус HTTP-ответа игнорируется";
 * - recordUrl: "система посылает GET-запрос на адрес calls[][recordUrl] с
 *   параметрами:
 *   clientId"; "необходимо указывать верный заголовок Content-Type".
 * RetailCRM authenticates itself with the clientId only, so these webhooks take it as their flow
 * secret (`auth: {in: query, name: clientId}`); set the same value on each with
 * POST /flows/:id/webhook-secret {secret} and register it.
 */

const pbxConnection: TemplateConnectionRequirement = {
  purpose: 'pbx',
  type: 'any',
  description:
    "The PBX's own API (its auth is applied); field `baseUrl`. The paths used (/calls/originate, /agents/status, " +
    "/recordings) are placeholders for your PBX's.",
  fields: ['baseUrl'],
};

const retailcrmConnection: TemplateConnectionRequirement = {
  purpose: 'retailcrm',
  type: 'api_key',
  description:
    'The RetailCRM account: an api_key connection with placement `header` and name `X-API-KEY`; ' +
    'field `baseUrl` (e.g. https://example.retailcrm.ru).',
  fields: ['baseUrl'],
};

/** RetailCRM calls these with GET and its clientId; nothing else can. */
const clientIdHook = (key: string) =>
  node(
    'trigger',
    'trigger.webhook',
    key,
    0,
    0,
    { methods: ['GET'], deadlineMs: 10_000, auth: { in: 'query', name: 'clientId' } },
    'RetailCRM sends ?clientId=<this flow\'s webhook secret>: set it with "Set secret".',
  );

const json = (template: string, status = 200) => ({ status, body: { type: 'json', template } });
const bad = (why: string) => json(`{"success": false, "error": ${JSON.stringify(why)}}`, 400);
const when = (handle: string, left: string, op: string, right?: string) => ({
  rules: [{ handle, left, op, ...(right ? { right } : {}) }],
});
/** "ok" when every token has a value (a condition rule `empty` on it catches a missing one). */
const present = (tokens: string) => `{{#if (and ${tokens})}}ok{{/if}}`;

const CALL_PARAMS = 'request.query.phone request.query.code';
const ORIGINATE =
  '{"extension": {{json request.query.code}}, "number": {{json request.query.phone}}, ' +
  '"userId": {{json request.query.userId}}, "externalPhone": {{json request.query.externalPhone}}}';
const NOT_STARTED =
  '{"success": false, "error": "the PBX did not start the call", "status": {{json nodes.originate.status}}}';

/** makeCallUrl: RetailCRM asks the PBX to call `phone` from the manager's extension `code`. */
export const retailcrmMakeCall: FlowTemplate = {
  id: 'retailcrm-make-call',
  name: 'RetailCRM: make a call (makeCallUrl)',
  system: 'RetailCRM',
  description:
    'RetailCRM GETs this hook with clientId, code, phone, userId and externalPhone when a manager clicks the phone ' +
    'icon; the flow asks the PBX to originate the call (POST /calls/originate {extension, number, userId, ' +
    'externalPhone}) and answers 200 when it did, 502 when the PBX refused (RetailCRM shows the user an error). ' +
    'Register the hook URL as makeCallUrl.',
  requires: { connections: [pbxConnection] },
  definition: {
    schemaVersion: 1,
    sampleInput: sampleRequest('GET', {
      query: { code: '207', phone: '+33612345678', userId: '12', externalPhone: '+33140000000' },
    }),
    nodes: [
      clientIdHook('make_call'),
      node('check', 'condition', 'check', 1, 0, when('missing', present(CALL_PARAMS), 'empty')),
      node('originate', 'http', 'originate', 2, 0, {
        method: 'POST',
        url: '{{{connection.baseUrl}}}/calls/originate',
        connectionId: connectionPlaceholder('pbx'),
        body: { type: 'json', template: ORIGINATE, omitEmpty: true },
        timeoutMs: 8000,
      }),
      node('ok', 'respond', 'started', 3, 0, json('{"success": true}')),
      node('failed', 'respond', 'refused', 3, 1, json(NOT_STARTED, 502)),
      node('missing', 'respond', 'missing', 2, 1, bad('phone and code are required')),
    ],
    edges: edges(
      ['trigger', 'check'],
      ['check', 'missing', 'missing'],
      ['check', 'originate', 'default'],
      ['originate', 'ok', 'success'],
      ['originate', 'failed', 'error'],
    ),
  },
};

const STATUSES = '^(free|busy|dinner|break)$';
const STATUS_REFUSED = '{"success": false, "status": {{json nodes.agentStatus.status}}}';
const AGENT_STATUS =
  '{"extension": {{json request.query.code}}, "status": {{json request.query.status}}, ' +
  '"paused": {{#if (eq request.query.status "free")}}false{{else}}true{{/if}}, ' +
  '"userId": {{json request.query.userId}}}';

/** changeUserStatusUrl: a manager's status in RetailCRM pauses or frees their extension. */
export const retailcrmUserStatus: FlowTemplate = {
  id: 'retailcrm-user-status',
  name: 'RetailCRM: manager status (changeUserStatusUrl)',
  system: 'RetailCRM',
  description:
    'RetailCRM GETs this hook with clientId, userId, code and status (free, busy, dinner, break) when a manager ' +
    'changes status; the flow tells the PBX (POST /agents/status {extension, status, paused, userId}: paused unless ' +
    'free). An unknown status is a 400. Register the hook URL as changeUserStatusUrl.',
  requires: { connections: [pbxConnection] },
  definition: {
    schemaVersion: 1,
    sampleInput: sampleRequest('GET', { query: { code: '207', status: 'busy', userId: '12' } }),
    nodes: [
      clientIdHook('user_status'),
      node('check', 'condition', 'check', 1, 0, when('known', '{{request.query.status}}', 'matches', STATUSES)),
      node('status', 'http', 'agentStatus', 2, 0, {
        method: 'POST',
        url: '{{{connection.baseUrl}}}/agents/status',
        connectionId: connectionPlaceholder('pbx'),
        body: { type: 'json', template: AGENT_STATUS, omitEmpty: true },
        timeoutMs: 5000,
      }),
      node('ok', 'respond', 'done', 3, 0, json('{"success": true}')),
      node('failed', 'respond', 'refused', 3, 1, json(STATUS_REFUSED, 502)),
      node('unknown', 'respond', 'unknown', 2, 1, bad('status must be free, busy, dinner or break')),
    ],
    edges: edges(
      ['trigger', 'check'],
      ['check', 'status', 'known'],
      ['check', 'unknown', 'default'],
      ['status', 'ok', 'success'],
      ['status', 'failed', 'error'],
    ),
  },
};

/** recordUrl: RetailCRM fetches a recording; the flow streams the PBX's file with its content type. */
export const retailcrmRecord: FlowTemplate = {
  id: 'retailcrm-record',
  name: 'RetailCRM: play a call recording (recordUrl)',
  system: 'RetailCRM',
  description:
    "Upload calls with recordUrl = this hook's URL ?call=<call id> (the retailcrm-call-upload template does, from " +
    'the connection field recordHookUrl). When a manager plays a call, RetailCRM GETs it with its clientId; the flow ' +
    "fetches the recording from the PBX (GET /recordings?call=…, with the PBX connection's credentials, kept as " +
    'bytes) and answers with those bytes and their Content-Type (up to 32 MB, a 30-minute call at 128 kbit/s; for ' +
    'larger files answer with a redirect instead). No recording (the PBX says 404): 404; the PBX failing: 502.',
  requires: { connections: [pbxConnection] },
  definition: {
    schemaVersion: 1,
    sampleInput: sampleRequest('GET', { query: { call: 'call-1001' } }),
    nodes: [
      clientIdHook('play_request'),
      node('check', 'condition', 'check', 1, 0, when('missing', '{{request.query.call}}', 'empty')),
      node('fetch', 'http', 'recording', 2, 0, {
        method: 'GET',
        url: '{{{connection.baseUrl}}}/recordings?call={{request.query.call}}',
        connectionId: connectionPlaceholder('pbx'),
        responseType: 'binary',
        timeoutMs: 20_000,
      }),
      node('play', 'respond', 'play', 3, 0, {
        status: 200,
        headers: [{ name: 'Cache-Control', value: 'private, max-age=300' }],
        body: { type: 'passthrough', node: 'recording' },
      }),
      node('why', 'condition', 'why', 3, 1, when('absent', '{{nodes.recording.status}}', 'eq', '404')),
      node('none', 'respond', 'not_found', 4, 1, json('{"success": false, "error": "no such recording"}', 404)),
      node(
        'failed',
        'respond',
        'pbx_failed',
        4,
        2,
        json(
          '{"success": false, "error": "the PBX did not give the recording", ' +
            '"code": {{json nodes.recording.error.code}}}',
          502,
        ),
      ),
      node('missing', 'respond', 'missing', 2, 1, bad('call is required')),
    ],
    edges: edges(
      ['trigger', 'check'],
      ['check', 'missing', 'missing'],
      ['check', 'fetch', 'default'],
      ['fetch', 'play', 'success'],
      ['fetch', 'why', 'error'],
      ['why', 'none', 'absent'],
      ['why', 'failed', 'default'],
    ),
  },
};

/** The telephony module: RetailCRM learns the clientId and where makeCallUrl / changeUserStatusUrl are. */
const MODULE =
  '{"code": {{json request.body.code}}, "active": true, "name": {{json (default request.body.name "Callflow")}}, ' +
  '"logo": {{json request.body.logo}}, "clientId": {{json request.body.clientId}}, ' +
  '"accountUrl": {{json request.body.accountUrl}}, "integrations": {"telephony": {' +
  '"makeCallUrl": {{json request.body.makeCallUrl}}, "allowEdit": false, "inputEventSupported": true, ' +
  '"additionalCodes": {{json request.body.additionalCodes}}, "externalPhones": {{json request.body.externalPhones}}, ' +
  '"changeUserStatusUrl": {{json request.body.changeUserStatusUrl}}}}}';
const REFUSED =
  '{"success": false, "status": {{json nodes.register.status}}, "error": {{json nodes.register.body.errorMsg}}, ' +
  '"errors": {{json nodes.register.body.errors}}}';
const REQUIRED = 'request.body.code request.body.clientId request.body.makeCallUrl';

/** Registers (or updates) the telephony module: run once, and again after a clientId rotation. */
export const retailcrmRegister: FlowTemplate = {
  id: 'retailcrm-register-module',
  name: 'RetailCRM: register the telephony module',
  system: 'RetailCRM',
  description:
    'POST this hook (with an API key) {code, clientId, makeCallUrl, changeUserStatusUrl?, name?, logo?, ' +
    'accountUrl?, additionalCodes?, externalPhones?}; the flow sends POST /api/v5/integration-modules/{code}/edit ' +
    'with the form field integrationModule = JSON (allowEdit false, inputEventSupported true; fields not given are ' +
    "left out) and answers RetailCRM's status (201 created, 200 updated). clientId is the webhook secret of the " +
    "make-call, status and recording flows; it is in this run's recorded input.",
  requires: { connections: [retailcrmConnection] },
  definition: {
    schemaVersion: 1,
    sampleInput: sampleRequest('POST', {
      body: {
        code: 'callflow',
        clientId: 'a-long-random-client-id',
        makeCallUrl: 'https://callflow.example.com/api/v1/hooks/rcrm-make-call',
        changeUserStatusUrl: 'https://callflow.example.com/api/v1/hooks/rcrm-status',
        name: 'CallFlow',
        logo: 'https://callflow.example.com/logo.svg',
        accountUrl: 'https://callflow.example.com',
        additionalCodes: [{ userId: 12, code: '207' }],
        externalPhones: [{ userId: 12, externalPhone: '+33140000000' }],
      },
    }),
    nodes: [
      node('trigger', 'trigger.webhook', 'admin', 0, 0, { methods: ['POST'], deadlineMs: 15_000 }, 'Call it once.'),
      node('check', 'condition', 'check', 1, 0, when('missing', present(REQUIRED), 'empty')),
      node('register', 'http', 'register', 2, 0, {
        method: 'POST',
        url: '{{{connection.baseUrl}}}/api/v5/integration-modules/{{request.body.code}}/edit',
        connectionId: connectionPlaceholder('retailcrm'),
        body: { type: 'form', fields: [{ name: 'integrationModule', value: MODULE, json: true, omitEmpty: true }] },
        responseType: 'json',
      }),
      node('ok', 'respond', 'registered', 3, 0, json('{"success": true, "status": {{nodes.register.status}}}')),
      node('failed', 'respond', 'refused', 3, 1, json(REFUSED, 502)),
      node('missing', 'respond', 'missing', 2, 1, bad('code, clientId and makeCallUrl are required')),
    ],
    edges: edges(
      ['trigger', 'check'],
      ['check', 'missing', 'missing'],
      ['check', 'register', 'default'],
      ['register', 'ok', 'success'],
      ['register', 'failed', 'error'],
    ),
  },
};

export const RETAILCRM_CALLBACK_TEMPLATES: FlowTemplate[] = [
  retailcrmRegister,
  retailcrmMakeCall,
  retailcrmUserStatus,
  retailcrmRecord,
];
