import { connectionPlaceholder, edges, node, type FlowTemplate } from '../flow-template.types';

/**
 * BRIX365 "Integration with IP telephony" (seed 002). A custom telephony module implements script
 * functions; these templates are both directions of such a module:
 * - PBX → module: "telephony events are processed via HTTP webhook delivery. If your provider
 *   doesn't support webhooks, you must create an intermediate service to convert the provider's
 *   format into a request to the system": the PBX calls `brix365-pbx-webhook`, which forwards the
 *   event to the module's webhook URL ("It must also include a required token parameter"), where
 *   VoipParseWebhookRequest reads it.
 * - module → PBX: the module's VoipGenerateCall, VoipGetMembers, VoipGetCallLink,
 *   VoipTestConnection and the call page's VoipAcceptCall / VoipHangupCall / VoipRedirectCall /
 *   VoipHoldCall each call one webhook flow here (`fetch(<hook URL>?token=<API key>)`), which
 *   calls the PBX's API. The seed leaves that API to the provider: the paths below are a generic
 *   REST PBX (docs/templates.md), edit them to yours.
 */
import {
  brix365CallActions,
  brix365CallLink,
  brix365GenerateCall,
  brix365Members,
  brix365TestConnection,
} from './brix365-module.template';
import { json, moduleHook } from './brix365-parts';
import { sampleRequest } from './sample-parts';

export const brix365PbxWebhook: FlowTemplate = {
  id: 'brix365-pbx-webhook',
  name: "BRIX365: PBX call events → the module's webhook",
  system: 'BRIX365',
  description:
    'The PBX calls this webhook with GET (query) or POST (JSON or form): event = incoming | hangup | record, ' +
    'call_id, from, to, record_url, duration. ' +
    "The flow forwards {event, callId, srcPhone, dstPhone, recordUrl, durationSec} as JSON to the module's webhook " +
    'URL with its token (?token=), where ' +
    'VoipParseWebhookRequest shows the call or keeps the recording link, and answers the PBX {ok, event, callId}. ' +
    'An unknown event or a duration that is not whole ' +
    'seconds is a 400 (nothing forwarded); a module that refuses is a 502.',
  requires: {
    connections: [
      {
        purpose: 'module',
        type: 'api_key',
        description:
          "The module's webhook as the Telephony Settings workspace shows it: an api_key connection with placement " +
          "`query` and paramName `token` (the key: the URL's token); " +
          'field `webhookUrl` = the URL without its token parameter.',
        fields: ['webhookUrl'],
      },
    ],
  },
  definition: {
    schemaVersion: 1,
    sampleInput: sampleRequest('POST', {
      body: {
        event: 'hangup',
        call_id: 'call-1001',
        from: '+33612345678',
        to: '+33140000000',
        record_url: 'https://pbx.example.com/rec/call-1001.mp3',
        duration: 273,
      },
    }),
    nodes: [
      moduleHook('pbx', ['GET', 'POST'], 'The PBX calls GET|POST /api/v1/hooks/<key>?token=<API key>.'),
      node(
        'parse',
        'set',
        'parse',
        1,
        0,
        {
          values: [
            { name: 'event', value: '{{lower (default request.body.event request.query.event)}}' },
            { name: 'callId', value: '{{default request.body.call_id request.query.call_id}}' },
            { name: 'srcPhone', value: '{{default request.body.from request.query.from}}' },
            { name: 'dstPhone', value: '{{default request.body.to request.query.to}}' },
            { name: 'recordUrl', value: '{{default request.body.record_url request.query.record_url}}' },
            { name: 'durationSec', value: '{{default request.body.duration request.query.duration}}' },
          ],
        },
        'GET parameters and POST fields (JSON or form) are read alike.',
      ),
      node('check', 'condition', 'check', 2, 0, {
        rules: [
          { handle: 'bad_duration', left: '{{vars.durationSec}}', op: 'matches', right: '\\D|^\\d{8,}$' },
          { handle: 'known', left: '{{vars.event}}', op: 'matches', right: '^(incoming|hangup|record)$' },
        ],
      }),
      node(
        'forward',
        'http',
        'forward',
        3,
        0,
        {
          method: 'POST',
          url: '{{{connection.webhookUrl}}}',
          connectionId: connectionPlaceholder('module'),
          body: {
            type: 'json',
            template:
              '{"event": "{{vars.event}}", "callId": "{{vars.callId}}", "srcPhone": "{{vars.srcPhone}}", "dstPhone": ' +
              '"{{vars.dstPhone}}", ' +
              '"recordUrl": {{json (default vars.recordUrl null)}}, "durationSec": {{#if vars.durationSec ' +
              'includeZero=true}}{{vars.durationSec}}{{else}}null{{/if}}}',
          },
          timeoutMs: 5000,
        },
        'To VoipParseWebhookRequest: durationSec is whole seconds (checked before), as a number.',
      ),
      node(
        'ok',
        'respond',
        'ok',
        4,
        0,
        json(200, '{"ok": true, "event": "{{vars.event}}", "callId": "{{vars.callId}}"}'),
      ),
      node(
        'failed',
        'respond',
        'module_failed',
        4,
        1,
        json(
          502,
          '{"ok": false, "error": "the module did not accept the event", "status": {{json (default ' +
            'nodes.forward.status null)}}}',
        ),
      ),
      node(
        'unknown',
        'respond',
        'unknown_event',
        3,
        1,
        json(400, '{"ok": false, "error": "unknown event", "event": "{{vars.event}}"}'),
      ),
      node(
        'badDuration',
        'respond',
        'bad_duration',
        3,
        2,
        json(400, '{"ok": false, "error": "duration must be whole seconds", "duration": "{{vars.durationSec}}"}'),
      ),
    ],
    edges: edges(
      ['trigger', 'parse'],
      ['parse', 'check'],
      ['check', 'badDuration', 'bad_duration'],
      ['check', 'forward', 'known'],
      ['check', 'unknown', 'default'],
      ['forward', 'ok', 'success'],
      ['forward', 'failed', 'error'],
    ),
  },
};

/** VoipGenerateCall(srcPhone, dstPhone): click-to-call through the PBX. */
export const BRIX365_TEMPLATES = [
  brix365PbxWebhook,
  brix365GenerateCall,
  brix365Members,
  brix365CallLink,
  brix365TestConnection,
  brix365CallActions,
];
