/**
 * The one map of node panels, keyed by NodeType: adding a node type to the editor is one panel
 * file (form and icon, `definePanel(spec, …)`) and one line here; a type without a panel does not
 * compile (and apps/editor/test/panels.spec.ts fails).
 */
import {
  batchNode,
  campaignTrigger,
  conditionNode,
  endOfCallTrigger,
  httpNode,
  ivrTrigger,
  respondNode,
  setNode,
  soapNode,
  webhookTrigger,
  type NodeType,
} from '@callflow/flow';
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

export type { PanelDef } from './types';

const PANEL_DEFS: { readonly [T in NodeType]: PanelDef<T> } = {
  [ivrTrigger.type]: ivrPanel,
  [endOfCallTrigger.type]: endOfCallPanel,
  [campaignTrigger.type]: campaignPanel,
  [webhookTrigger.type]: webhookPanel,
  [httpNode.type]: httpPanel,
  [soapNode.type]: soapPanel,
  [conditionNode.type]: conditionPanel,
  [setNode.type]: setPanel,
  [respondNode.type]: respondPanel,
  [batchNode.type]: batchPanel,
};

/** By node type; an unknown type (a definition from elsewhere) has none and gets the JSON config editor. */
export const PANELS: Readonly<Record<string, PanelDef>> = PANEL_DEFS;
