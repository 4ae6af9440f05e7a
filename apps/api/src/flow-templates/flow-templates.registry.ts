import type { FlowTemplate } from './flow-template.types';
import { BRIX365_TEMPLATES } from './templates/brix365.template';
import { GCALLS_TEMPLATES } from './templates/gcalls.template';
import { ICTBROADCAST_CAMPAIGN_TEMPLATES } from './templates/ictbroadcast-campaign.template';
import { ICTBROADCAST_TEMPLATES } from './templates/ictbroadcast.template';
import { RETAILCRM_TEMPLATES } from './templates/retailcrm.template';
import { XIVO_TEMPLATES } from './templates/xivo.template';

/** Every flow template, in the order "New flow from template" lists them (docs/templates.md). */
export const FLOW_TEMPLATES: readonly FlowTemplate[] = [
  ...ICTBROADCAST_TEMPLATES,
  ...ICTBROADCAST_CAMPAIGN_TEMPLATES,
  ...GCALLS_TEMPLATES,
  ...BRIX365_TEMPLATES,
  ...RETAILCRM_TEMPLATES,
  ...XIVO_TEMPLATES,
];
