/**
 * The one map of node panels: adding a node type to the editor is one panel file (form, initial
 * config, icon) and one line here. Types without a panel fall back to a JSON config editor.
 */
import { batchPanel } from './BatchPanel';
import { campaignPanel } from './CampaignPanel';
import { conditionPanel } from './ConditionPanel';
import { endOfCallPanel } from './EndOfCallPanel';
import { httpPanel } from './HttpPanel';
import { ivrPanel } from './IvrTriggerPanel';
import { respondPanel } from './RespondPanel';
import { setPanel } from './SetPanel';
import { soapPanel } from './SoapPanel';
import type { PanelDef } from './types';
import { webhookPanel } from './WebhookPanel';

export type { PanelDef, PanelProps } from './types';

export const PANELS: Readonly<Record<string, PanelDef>> = Object.fromEntries(
  [
    ivrPanel,
    endOfCallPanel,
    campaignPanel,
    webhookPanel,
    httpPanel,
    soapPanel,
    conditionPanel,
    setPanel,
    respondPanel,
    batchPanel,
  ].map((p) => [p.type, p]),
);
