import type { TemplateConnectionRequirement } from '@callflow/flow';
import { connectionPlaceholder, node, type TemplateNode } from '../flow-template.types';

// What the BRIX365 templates share: the PBX connection and the module's webhooks.

export const pbx: TemplateConnectionRequirement = {
  purpose: 'pbx',
  type: 'any',
  description:
    "The PBX's REST API (any auth, e.g. an api_key header). Field `baseUrl`; the templates call " +
    '{baseUrl}/calls, /extensions, /recordings, /status.',
  fields: ['baseUrl'],
};
export const pbxId = connectionPlaceholder('pbx');
export const json = (status: number, template: string) => ({ status, body: { type: 'json', template } });
/** The webhook the module's script calls. */
export const moduleHook = (name: string, methods: string[], notes: string): TemplateNode =>
  node('trigger', 'trigger.webhook', name, 0, 0, { methods, deadlineMs: 10_000 }, notes);
/** 502 for the module when the PBX refused or failed: its HTTP status, if any. */
export const pbxFailed = (nodeName: string, col: number, row: number): TemplateNode =>
  node(
    'failed',
    'respond',
    'pbx_failed',
    col,
    row,
    json(
      502,
      `{"ok": false, "error": "the PBX refused or failed", ` +
        `"status": {{json (default nodes.${nodeName}.status null)}}}`,
    ),
  );
