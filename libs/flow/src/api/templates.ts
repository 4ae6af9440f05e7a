/** What the HTTP API answers about flow templates (types only): GET /flow-templates. */
import type { ConnectionType } from './access';

/** The documented systems templates follow (docs/templates.md). */
export type TemplateSystem = 'ICTBroadcast' | 'Gcalls' | 'BRIX365' | 'RetailCRM' | 'XiVO';

/** A connection a template needs: the admin picks one of `type` (`any`: whatever auth the remote uses). */
export interface TemplateConnectionRequirement {
  /** Key of `connections` in `POST /flows {templateId, connections}`; also names the placeholder. */
  purpose: string;
  type: ConnectionType | 'any';
  /** What it is for, and which non-secret `fields` the template reads as `{{connection.<field>}}`. */
  description: string;
  fields: string[];
}

/** A row of GET /flow-templates (no definition). */
export interface FlowTemplateSummary {
  id: string;
  name: string;
  /** The system whose published contract the flow follows. */
  system: TemplateSystem;
  description: string;
  triggerType: string;
  requires: { connections?: TemplateConnectionRequirement[] };
}
