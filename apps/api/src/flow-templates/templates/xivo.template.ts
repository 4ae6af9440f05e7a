import { connectionPlaceholder, edges, node, type FlowTemplate } from '../flow-template.types';
import type { TemplateConnectionRequirement as Requirement } from '@callflow/flow';
import { sampleRequest } from './sample-parts';

/**
 * XiVO CC Agent "Third Party Integration" (seed 004): when a call rings, the agent's browser POSTs
 * `application/json` {user, callee, caller, userData, callDataCallId, queue} to THIRD_PARTY_URL;
 * the answer, `application/json`, is {action: open|popup|run|none, event: EventRinging |
 * EventEstablished | EventReleased, url, executableArgs, autopause, autopauseReason, multitab,
 * title}. The call is made from the browser, so the service answers the OPTIONS preflight with
 * Access-Control-Allow-Origin / -Methods (POST, OPTIONS) / -Headers (Origin, X-Requested-With,
 * Content-Type, Accept): the webhook trigger does, for the trigger's allowedOrigins.
 * "Third Party Login URL Integration": THIRD_PARTY_LOGIN_URL receives the login, token and XiVOCC
 * host of the user who just logged in.
 *
 * THIRD_PARTY_URL = https://<this server>/api/v1/hooks/<key>?secret=<the flow's webhook secret>: the
 * agent's browser sees the URL, so it holds the flow's own secret (opens this flow only, rotatable),
 * never one of our API keys.
 */

const crm: Requirement = {
  purpose: 'crm',
  type: 'any',
  description:
    'The CRM lookup API. Field `baseUrl`; GET {baseUrl}/contacts/lookup?phone=&queue=&callId=&agent= must answer ' +
    '200 {id, name, url} for a known caller (any non-2xx = unknown).',
  fields: ['baseUrl'],
};

const isRun = '(eq vars.action "run")';
const bool = (v: string) => `{{#if (eq ${v} "true")}}true{{else}}false{{/if}}`;

export const xivoAgentThirdParty: FlowTemplate = {
  id: 'xivo-agent-third-party',
  name: 'XiVO: open the CRM page in the agent UI',
  system: 'XiVO',
  description:
    'The XiVO CC Agent application POSTs the ringing call (user, callee, caller, userData, callDataCallId, queue); ' +
    'the flow looks the caller up in the CRM ' +
    'and answers what the agent UI does: by default {action:"open", event:"EventEstablished", url, autopause:true, ' +
    'autopauseReason, title}; the settings node ' +
    'switches to action "popup" (with multitab) or "run" (url = the program, executableArgs = [contact id, call ' +
    'id]); {action:"none"} when the caller is unknown ' +
    'or the CRM fails. CORS: set allowedOrigins to the XucMgt origin (the template allows any origin until you do).',
  requires: { connections: [crm] },
  definition: {
    schemaVersion: 1,
    sampleInput: sampleRequest('POST', {
      body: {
        user: { username: 'alice', agentId: 7 },
        callee: '1000',
        caller: '+33612345678',
        userData: { XIVO_USERID: '7', XIVO_SRCNUM: '+33612345678' },
        callDataCallId: '1736933400.123',
        queue: { name: 'support', displayName: 'Support' },
      },
    }),
    nodes: [
      node(
        'trigger',
        'trigger.webhook',
        'agent',
        0,
        0,
        {
          methods: ['POST'],
          allowedOrigins: ['*'],
          deadlineMs: 5000,
          auth: { in: 'query', name: 'secret' },
        },
        'Replace "*" with the XucMgt origin, e.g. https://xivo.example.com. Set the flow\'s webhook secret ' +
          '(Set secret in this panel) and give XiVO THIRD_PARTY_URL = …/hooks/<key>?secret=<it>.',
      ),
      node(
        'settings',
        'set',
        'settings',
        1,
        0,
        {
          values: [
            { name: 'action', value: 'open' },
            { name: 'event', value: 'EventEstablished' },
            { name: 'autopause', value: 'true' },
            { name: 'autopauseReason', value: 'crm' },
            { name: 'multitab', value: 'false' },
            { name: 'executable', value: '' },
          ],
        },
        'action: open (inside the pane) | popup (a window; multitab: a new one each call) | run (desktop ' +
          'assistant: executable with executableArgs). ' +
          'event: EventRinging | EventEstablished | EventReleased.',
      ),
      node('lookup', 'http', 'crmLookup', 2, 0, {
        method: 'GET',
        url: '{{{connection.baseUrl}}}/contacts/lookup',
        connectionId: connectionPlaceholder('crm'),
        query: [
          { name: 'phone', value: '{{request.body.caller}}' },
          { name: 'queue', value: '{{request.body.queue.name}}' },
          { name: 'callId', value: '{{request.body.callDataCallId}}' },
          { name: 'agent', value: '{{request.body.user.agentId}}' },
        ],
        responseType: 'json',
        timeoutMs: 3000,
      }),
      node('found', 'condition', 'found', 3, 0, {
        rules: [{ handle: 'found', left: '{{nodes.crmLookup.body.url}}', op: 'exists' }],
      }),
      node('open', 'respond', 'open_crm', 4, 0, {
        body: {
          type: 'json',
          template:
            '{"action": "{{vars.action}}", "event": "{{vars.event}}", ' +
            `"url": "{{#if ${isRun}}}{{vars.executable}}{{else}}{{nodes.crmLookup.body.url}}{{/if}}", ` +
            `{{#if ${isRun}}}"executableArgs": ["{{nodes.crmLookup.body.id}}", ` +
            '"{{request.body.callDataCallId}}"], {{/if}}' +
            `{{#if (eq vars.action "popup")}}"multitab": ${bool('vars.multitab')}, {{/if}}` +
            `"autopause": ${bool('vars.autopause')}, "autopauseReason": "{{vars.autopauseReason}}", ` +
            '"title": "{{default nodes.crmLookup.body.name request.body.caller}} ({{default ' +
            'request.body.queue.displayName request.body.callee}})"}',
        },
      }),
      node('none', 'respond', 'no_action', 4, 1, { body: { type: 'json', template: '{"action": "none"}' } }),
    ],
    edges: edges(
      ['trigger', 'settings'],
      ['settings', 'lookup'],
      ['lookup', 'found', 'success'],
      ['lookup', 'none', 'error'],
      ['found', 'open', 'found'],
      ['found', 'none', 'default'],
    ),
  },
};

/** THIRD_PARTY_LOGIN_URL: on which XiVO a user logged in, told to the CRM. */
export const xivoLoginUrl: FlowTemplate = {
  id: 'xivo-login-url',
  name: 'XiVO: record where an agent logged in (THIRD_PARTY_LOGIN_URL)',
  system: 'XiVO',
  description:
    "XiVO calls THIRD_PARTY_LOGIN_URL = https://<server>/api/v1/hooks/<key>?secret=<the flow's webhook " +
    'secret>&login=%{login}&xivoccHost=%{xivocchost} when a user logs in; ' +
    'the flow tells the CRM (POST {baseUrl}/xivo/logins {login, xivoccHost, loggedInAt}) and answers {ok:true}. ' +
    'Missing parameters are a 400, a CRM failure a 502. ' +
    'Add xivoToken=%{token} only if your service calls XiVO as the user: the token would then be kept with the run.',
  requires: {
    connections: [
      {
        ...crm,
        description: 'The CRM. Field `baseUrl`; POST {baseUrl}/xivo/logins {login, ' + 'xivoccHost, loggedInAt}.',
      },
    ],
  },
  definition: {
    schemaVersion: 1,
    sampleInput: sampleRequest('GET', { query: { login: 'alice', xivoccHost: 'xivocc.example.com' } }),
    nodes: [
      node(
        'trigger',
        'trigger.webhook',
        'login',
        0,
        0,
        {
          methods: ['GET'],
          allowedOrigins: ['*'],
          deadlineMs: 5000,
          auth: { in: 'query', name: 'secret' },
        },
        "The flow's own secret is ?secret= (no API key in a URL XiVO keeps); XiVO's %{token}, if wanted, goes " +
          'in another parameter.',
      ),
      node('check', 'condition', 'check', 1, 0, {
        rules: [
          { handle: 'no_login', left: '{{request.query.login}}', op: 'empty' },
          { handle: 'no_host', left: '{{request.query.xivoccHost}}', op: 'empty' },
        ],
      }),
      node('tell', 'http', 'tellCrm', 2, 0, {
        method: 'POST',
        url: '{{{connection.baseUrl}}}/xivo/logins',
        connectionId: connectionPlaceholder('crm'),
        body: {
          type: 'json',
          template:
            '{"login": "{{request.query.login}}", "xivoccHost": "{{request.query.xivoccHost}}", ' +
            '"loggedInAt": "{{now}}"}',
        },
        timeoutMs: 3000,
      }),
      node('ok', 'respond', 'ok', 3, 0, { body: { type: 'json', template: '{"ok": true}' } }),
      node('failed', 'respond', 'crm_failed', 3, 1, {
        status: 502,
        body: { type: 'json', template: '{"ok": false, "error": "the CRM did not take the login"}' },
      }),
      node('missing', 'respond', 'missing', 2, 1, {
        status: 400,
        body: { type: 'json', template: '{"ok": false, "error": "login and xivoccHost are required"}' },
      }),
    ],
    edges: edges(
      ['trigger', 'check'],
      ['check', 'missing', 'no_login'],
      ['check', 'missing', 'no_host'],
      ['check', 'tell', 'default'],
      ['tell', 'ok', 'success'],
      ['tell', 'failed', 'error'],
    ),
  },
};

export const XIVO_TEMPLATES = [xivoAgentThirdParty, xivoLoginUrl];
