import { edges, node, type FlowTemplate, type TemplateNode } from '../flow-template.types';
import { json, moduleHook, pbx, pbxFailed, pbxId } from './brix365-parts';
import { sampleRequest } from './sample-parts';

// BRIX365, module → PBX: the module's script functions, each a webhook flow calling the PBX
// (see brix365.template.ts).

export const brix365GenerateCall: FlowTemplate = {
  id: 'brix365-generate-call',
  name: 'BRIX365: click-to-call (VoipGenerateCall)',
  system: 'BRIX365',
  description:
    "The module's VoipGenerateCall(srcPhone, dstPhone) POSTs {srcPhone, dstPhone}; the flow asks the PBX to " +
    'originate the call (POST {baseUrl}/calls {from, to}) ' +
    'and answers {ok:true, callId}; missing numbers are a 400, a PBX refusal a 502.',
  requires: { connections: [pbx] },
  definition: {
    schemaVersion: 1,
    sampleInput: sampleRequest('POST', { body: { srcPhone: '207', dstPhone: '+33612345678' } }),
    nodes: [
      moduleHook(
        'generate_call',
        ['POST'],
        'VoipGenerateCall: fetch(url, {method: "POST", body: JSON.stringify({srcPhone, dstPhone})}).',
      ),
      node('check', 'condition', 'check', 1, 0, {
        rules: [
          { handle: 'no_src', left: '{{request.body.srcPhone}}', op: 'empty' },
          { handle: 'no_dst', left: '{{request.body.dstPhone}}', op: 'empty' },
        ],
      }),
      node('originate', 'http', 'originate', 2, 0, {
        method: 'POST',
        url: '{{{connection.baseUrl}}}/calls',
        connectionId: pbxId,
        body: { type: 'json', template: '{"from": "{{request.body.srcPhone}}", "to": "{{request.body.dstPhone}}"}' },
        responseType: 'json',
        timeoutMs: 5000,
      }),
      node('ok', 'respond', 'ok', 3, 0, json(200, '{"ok": true, "callId": {{json nodes.originate.body.id}}}')),
      pbxFailed('originate', 3, 1),
      node(
        'missing',
        'respond',
        'missing_numbers',
        2,
        1,
        json(400, '{"ok": false, "error": "srcPhone and dstPhone are required"}'),
      ),
    ],
    edges: edges(
      ['trigger', 'check'],
      ['check', 'missing', 'no_src'],
      ['check', 'missing', 'no_dst'],
      ['check', 'originate', 'default'],
      ['originate', 'ok', 'success'],
      ['originate', 'failed', 'error'],
    ),
  },
};

/** VoipGetMembers(): the PBX's users for the module's mapping page. */
export const brix365Members: FlowTemplate = {
  id: 'brix365-members',
  name: "BRIX365: the PBX's users (VoipGetMembers)",
  system: 'BRIX365',
  description:
    "The module's VoipGetMembers() GETs this webhook; the flow lists the PBX's extensions (GET " +
    '{baseUrl}/extensions) and answers them as VoipMember items ' +
    '[{id: <extension>, name}] for the mapping of telephony users to system users; a PBX failure is a 502.',
  requires: { connections: [pbx] },
  definition: {
    schemaVersion: 1,
    sampleInput: sampleRequest('GET', {}),
    nodes: [
      moduleHook('get_members', ['GET'], 'VoipGetMembers: return await (await fetch(url)).json().'),
      node('list', 'http', 'extensions', 1, 0, {
        method: 'GET',
        url: '{{{connection.baseUrl}}}/extensions',
        connectionId: pbxId,
        responseType: 'json',
        timeoutMs: 5000,
      }),
      node(
        'members',
        'respond',
        'members',
        2,
        0,
        json(
          200,
          '[{{#each nodes.extensions.body}}{{#unless @first}}, {{/unless}}{"id": {{json extension}}, ' +
            '"name": {{json name}}}{{/each}}]',
        ),
      ),
      pbxFailed('extensions', 2, 1),
    ],
    edges: edges(['trigger', 'list'], ['list', 'members', 'success'], ['list', 'failed', 'error']),
  },
};

/** VoipGetCallLink(callData): a fresh link to the recording. */
export const brix365CallLink: FlowTemplate = {
  id: 'brix365-call-link',
  name: 'BRIX365: the recording link (VoipGetCallLink)',
  system: 'BRIX365',
  description:
    "The module's VoipGetCallLink(callData) POSTs {callData} (what VoipParseWebhookRequest saved with the " +
    'recording: {callId, …}); the flow asks the PBX for a fresh link ' +
    '(GET {baseUrl}/recordings?call_id=) and answers {url}; no recording is a 404 {url:null}, a PBX failure a 502.',
  requires: { connections: [pbx] },
  definition: {
    schemaVersion: 1,
    sampleInput: sampleRequest('POST', { body: { callData: { callId: 'call-1001' } } }),
    nodes: [
      moduleHook('get_call_link', ['POST'], 'VoipGetCallLink: POST {callData}; return (await res.json()).url.'),
      node(
        'find',
        'http',
        'recording',
        1,
        0,
        {
          method: 'GET',
          url: '{{{connection.baseUrl}}}/recordings',
          connectionId: pbxId,
          query: [{ name: 'call_id', value: '{{request.body.callData.callId}}' }],
          responseType: 'json',
          timeoutMs: 5000,
        },
        'Links expire on many PBXs: ask for a fresh one each time.',
      ),
      node('none', 'condition', 'no_recording', 2, 1, {
        rules: [{ handle: 'none', left: '{{nodes.recording.status}}', op: 'eq', right: '404' }],
      }),
      node('url', 'respond', 'link', 2, 0, json(200, '{"url": {{json nodes.recording.body.url}}}')),
      node('missing', 'respond', 'not_found', 3, 1, json(404, '{"url": null}')),
      pbxFailed('recording', 3, 2),
    ],
    edges: edges(
      ['trigger', 'find'],
      ['find', 'url', 'success'],
      ['find', 'none', 'error'],
      ['none', 'missing', 'none'],
      ['none', 'failed', 'default'],
    ),
  },
};

/** VoipTestConnection(): the module page's Test Connection button. */
export const brix365TestConnection: FlowTemplate = {
  id: 'brix365-test-connection',
  name: 'BRIX365: test the PBX connection (VoipTestConnection)',
  system: 'BRIX365',
  description:
    "The module's VoipTestConnection() GETs this webhook; the flow calls GET {baseUrl}/status and always answers " +
    '200 with the result to show on the module page: ' +
    "{success:true, message} or {success:false, failReason} (the PBX's HTTP status, or that it could not be reached).",
  requires: { connections: [pbx] },
  definition: {
    schemaVersion: 1,
    sampleInput: sampleRequest('GET', {}),
    nodes: [
      moduleHook('test_connection', ['GET'], 'VoipTestConnection: return await (await fetch(url)).json().'),
      node('status', 'http', 'status', 1, 0, {
        method: 'GET',
        url: '{{{connection.baseUrl}}}/status',
        connectionId: pbxId,
        responseType: 'json',
        timeoutMs: 5000,
      }),
      node(
        'ok',
        'respond',
        'connected',
        2,
        0,
        json(
          200,
          '{"success": true, "message": "PBX {{default nodes.status.body.version "?"}} answered: ' +
            '{{nodes.status.body.status}}"}',
        ),
      ),
      node(
        'failed',
        'respond',
        'not_connected',
        2,
        1,
        json(
          200,
          '{"success": false, "failReason": "{{#if nodes.status.status}}the PBX answered HTTP ' +
            '{{nodes.status.status}}{{else}}the PBX could not be reached ({{nodes.status.error.code}}){{/if}}"}',
        ),
      ),
    ],
    edges: edges(['trigger', 'status'], ['status', 'ok', 'success'], ['status', 'failed', 'error']),
  },
};

/** A call-page action node: POST {baseUrl}/calls/<path> with `template`. */
function actionNode(id: string, path: string, row: number, template: string): TemplateNode {
  return node(id, 'http', id, 2, row, {
    method: 'POST',
    url: `{{{connection.baseUrl}}}/calls/${path}`,
    connectionId: pbxId,
    body: { type: 'json', template },
    responseType: 'json',
    timeoutMs: 5000,
  });
}
const parties = '"from": "{{request.body.srcPhone}}", "to": "{{request.body.dstPhone}}"';

/** VoipAcceptCall / VoipHangupCall / VoipRedirectCall / VoipHoldCall: the call page's buttons. */
export const brix365CallActions: FlowTemplate = {
  id: 'brix365-call-actions',
  name: 'BRIX365: call page buttons (accept, hang up, redirect, hold)',
  system: 'BRIX365',
  description:
    "The module's VoipAcceptCall, VoipHangupCall, VoipRedirectCall and VoipHoldCall POST {action: accept | hangup " +
    '| redirect | hold, srcPhone, dstPhone, redirectTo, hold}; ' +
    'the flow calls the PBX (POST {baseUrl}/calls/answer, /hangup, /transfer {target}, /hold {hold}) and answers ' +
    '{ok:true, action}. ' +
    'An unknown action is a 400, a call the PBX does not have a 404, another refusal a 502.',
  requires: { connections: [pbx] },
  definition: {
    schemaVersion: 1,
    sampleInput: sampleRequest('POST', {
      body: { action: 'redirect', srcPhone: '207', dstPhone: '+33612345678', redirectTo: '208', hold: false },
    }),
    nodes: [
      moduleHook('call_action', ['POST'], 'Each call-page function POSTs {action, srcPhone, dstPhone, …}.'),
      node('route', 'condition', 'action', 1, 0, {
        rules: ['accept', 'hangup', 'redirect', 'hold'].map((a) => ({
          handle: a,
          left: '{{request.body.action}}',
          op: 'eq',
          right: a,
        })),
      }),
      actionNode('accept', 'answer', 0, `{${parties}}`),
      actionNode('hangup', 'hangup', 1, `{${parties}}`),
      actionNode('redirect', 'transfer', 2, `{${parties}, "target": "{{request.body.redirectTo}}"}`),
      actionNode('hold', 'hold', 3, `{${parties}, "hold": {{json (eq request.body.hold true)}}}`),
      node('ok', 'respond', 'done', 3, 0, json(200, '{"ok": true, "action": "{{request.body.action}}"}')),
      node('why', 'condition', 'why_failed', 3, 2, {
        rules: [
          {
            handle: 'no_call',
            left: '{{default nodes.accept.status nodes.hangup.status nodes.redirect.status nodes.hold.status}}',
            op: 'eq',
            right: '404',
          },
        ],
      }),
      node(
        'noCall',
        'respond',
        'no_such_call',
        4,
        2,
        json(404, '{"ok": false, "error": "the PBX has no such call", "action": "{{request.body.action}}"}'),
      ),
      node(
        'failed',
        'respond',
        'pbx_failed',
        4,
        3,
        json(502, '{"ok": false, "error": "the PBX refused or failed", "action": "{{request.body.action}}"}'),
      ),
      node(
        'unknown',
        'respond',
        'unknown_action',
        2,
        4,
        json(
          400,
          '{"ok": false, "error": "action must be accept, hangup, redirect or hold", "action": {{json ' +
            '(default request.body.action null)}}}',
        ),
      ),
    ],
    edges: edges(
      ['trigger', 'route'],
      ['route', 'accept', 'accept'],
      ['route', 'hangup', 'hangup'],
      ['route', 'redirect', 'redirect'],
      ['route', 'hold', 'hold'],
      ['route', 'unknown', 'default'],
      ['accept', 'ok', 'success'],
      ['hangup', 'ok', 'success'],
      ['redirect', 'ok', 'success'],
      ['hold', 'ok', 'success'],
      ['accept', 'why', 'error'],
      ['hangup', 'why', 'error'],
      ['redirect', 'why', 'error'],
      ['hold', 'why', 'error'],
      ['why', 'noCall', 'no_call'],
      ['why', 'failed', 'default'],
    ),
  },
};
