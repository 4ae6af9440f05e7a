/**
 * Starting points for a new flow: a blank flow per trigger, plus ready templates for the common
 * contact-center links (used when the server offers no /flow-templates).
 */
import type { TemplateConnectionRequirement } from '@callflow/flow';
import type { FlowDefinition } from '../api/types';
import { t } from '../i18n/i18n';

/** A starter's name and description: read when shown (getters here), so they follow the language. */
export interface Starter {
  id: string;
  readonly name: string;
  readonly description: string;
  triggerType: string;
  definition: FlowDefinition;
  /** Server template id (POST /flows {templateId}) instead of a definition. */
  templateId?: string;
  system?: string;
  /** Connections the template needs (picked in its request nodes after creation). */
  needs?: string[];
  /** The template's `requires.connections`: one connection per purpose, of a type (or `any`). */
  requires?: TemplateConnectionRequirement[];
}

const blank = (type: string, name: string, config: Record<string, unknown> = {}): FlowDefinition => ({
  schemaVersion: 1,
  nodes: [{ id: 'trigger', type, name, position: { x: 0, y: 0 }, config }],
  edges: [],
});

export const BLANKS: Starter[] = [
  {
    id: 'blank-ivr',
    get name() {
      return t('flows.starter.ivr.name');
    },
    get description() {
      return t('flows.starter.ivr.description');
    },
    triggerType: 'trigger.ivr',
    definition: blank('trigger.ivr', 'ivr', { deadlineMs: 3000, fallback: {} }),
  },
  {
    id: 'blank-eoc',
    get name() {
      return t('flows.starter.endOfCall.name');
    },
    get description() {
      return t('flows.starter.endOfCall.description');
    },
    triggerType: 'trigger.end_of_call',
    definition: blank('trigger.end_of_call', 'endOfCall'),
  },
  {
    id: 'blank-campaign',
    get name() {
      return t('flows.starter.campaign.name');
    },
    get description() {
      return t('flows.starter.campaign.description');
    },
    triggerType: 'trigger.campaign',
    definition: blank('trigger.campaign', 'campaign'),
  },
  {
    id: 'blank-webhook',
    get name() {
      return t('flows.starter.webhook.name');
    },
    get description() {
      return t('flows.starter.webhook.description');
    },
    triggerType: 'trigger.webhook',
    definition: blank('trigger.webhook', 'webhook', { methods: ['POST'] }),
  },
];

export const TEMPLATES: Starter[] = [
  {
    id: 'tpl-vip',
    get name() {
      return t('flows.starter.vip.name');
    },
    get description() {
      return t('flows.starter.vip.description');
    },
    triggerType: 'trigger.ivr',
    definition: {
      schemaVersion: 1,
      nodes: [
        {
          id: 't',
          type: 'trigger.ivr',
          name: 'ivr',
          position: { x: 0, y: 80 },
          config: { deadlineMs: 3000, fallback: { queue: 'default' } },
        },
        {
          id: 'lookup',
          type: 'http',
          name: 'lookup',
          position: { x: 320, y: 80 },
          config: {
            method: 'GET',
            url: 'https://crm.example.com/api/customers',
            query: [{ name: 'phone', value: '{{call.callerId}}' }],
            headers: [{ name: 'Accept', value: 'application/json' }],
            timeoutMs: 2000,
          },
        },
        {
          id: 'vip',
          type: 'condition',
          name: 'isVip',
          position: { x: 640, y: 0 },
          config: { rules: [{ handle: 'vip', left: '{{nodes.lookup.body.vip}}', op: 'eq', right: 'true' }] },
        },
        {
          id: 'r1',
          type: 'respond',
          name: 'vipQueue',
          position: { x: 960, y: -40 },
          config: {
            status: 200,
            body: {
              type: 'json',
              template: '{\n  "queue": "vip",\n  "greeting": "Hello {{nodes.lookup.body.firstName}}"\n}',
            },
          },
        },
        {
          id: 'r2',
          type: 'respond',
          name: 'defaultQueue',
          position: { x: 960, y: 160 },
          config: { status: 200, body: { type: 'json', template: '{\n  "queue": "default"\n}' } },
        },
      ],
      edges: [
        { id: 'e1', source: 't', target: 'lookup' },
        { id: 'e2', source: 'lookup', sourceHandle: 'success', target: 'vip' },
        { id: 'e3', source: 'lookup', sourceHandle: 'error', target: 'r2' },
        { id: 'e4', source: 'vip', sourceHandle: 'vip', target: 'r1' },
        { id: 'e5', source: 'vip', sourceHandle: 'default', target: 'r2' },
      ],
    },
  },
  {
    id: 'tpl-eoc',
    get name() {
      return t('flows.starter.logCall.name');
    },
    get description() {
      return t('flows.starter.logCall.description');
    },
    triggerType: 'trigger.end_of_call',
    definition: {
      schemaVersion: 1,
      nodes: [
        {
          id: 't',
          type: 'trigger.end_of_call',
          name: 'callEnded',
          position: { x: 0, y: 0 },
          config: { dispositions: ['answered'] },
        },
        {
          id: 'post',
          type: 'http',
          name: 'logCall',
          position: { x: 320, y: 0 },
          config: {
            method: 'POST',
            url: 'https://crm.example.com/api/calls',
            body: {
              type: 'json',
              template:
                '{\n  "callId": "{{call.id}}",\n  "phone": "{{e164 call.callerId}}",\n' +
                '  "durationSec": {{default call.durationSec 0}},\n' +
                '  "agent": "{{call.agent.name}}",\n  "recording": "{{call.recordingUrl}}"\n}',
            },
            retry: { attempts: 3, backoffMs: 1000 },
          },
        },
      ],
      edges: [{ id: 'e1', source: 't', target: 'post' }],
    },
  },
  {
    id: 'tpl-popup',
    get name() {
      return t('flows.starter.screenPop.name');
    },
    get description() {
      return t('flows.starter.screenPop.description');
    },
    triggerType: 'trigger.webhook',
    definition: {
      schemaVersion: 1,
      nodes: [
        {
          id: 't',
          type: 'trigger.webhook',
          name: 'ringing',
          position: { x: 0, y: 0 },
          config: { methods: ['POST'], allowedOrigins: ['https://agent.example.com'] },
        },
        {
          id: 'find',
          type: 'http',
          name: 'findContact',
          position: { x: 320, y: 0 },
          config: { method: 'GET', url: 'https://crm.example.com/api/contacts/search?phone={{request.body.caller}}' },
        },
        {
          id: 'r',
          type: 'respond',
          name: 'openPage',
          position: { x: 640, y: 0 },
          config: {
            status: 200,
            body: {
              type: 'json',
              template: '{\n  "open": "https://crm.example.com/contacts/{{nodes.findContact.body.id}}"\n}',
            },
          },
        },
      ],
      edges: [
        { id: 'e1', source: 't', target: 'find' },
        { id: 'e2', source: 'find', sourceHandle: 'success', target: 'r' },
      ],
    },
  },
];
