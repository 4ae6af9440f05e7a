import type { ComponentType } from 'react';
import type { ValidationIssue } from '@callflow/flow';
import type { IconName } from '../../ui/icons';
import type { EditorEdge } from '../convert';

/** What every node panel receives. `config` is the stored config, as typed so far (not defaulted). */
export interface PanelProps<C = Record<string, any>> {
  nodeId: string;
  nodeName: string;
  config: C;
  /** Merges a patch into the config; edits with the same `field` within a moment are one undo step. */
  patch(p: Partial<C>, field?: string): void;
  /** Replaces the config; `edges` may rewrite the node's edges in the same undo step (renamed handles). */
  replace(next: C, field?: string, edges?: (edges: EditorEdge[]) => EditorEdge[]): void;
  /** Validation issues at a config path (`url`, `headers.0.value`; '' for all of the config). */
  issues(path: string): ValidationIssue[];
  readOnly: boolean;
}

/** One node type's editor: its form, the config a new node starts with, and its icon. */
export interface PanelDef {
  type: string;
  icon: IconName;
  Panel: ComponentType<PanelProps>;
  /** The config a new node starts with; `triggerType` is the flow's trigger, if any. */
  initialConfig(ctx: { triggerType?: string }): Record<string, unknown>;
}
