import type { ComponentType } from 'react';
import { getNodeSpec, type AnyNodeSpec, type InputConfigOf, type NodeType, type ValidationIssue } from '@callflow/flow';
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

/** The stored config of node type `T` as a panel sees it: any part may still be missing. */
export type PanelConfigOf<T extends NodeType> = Partial<InputConfigOf<T>>;

/** One node type's editor: its form and its icon (the rest of the type's meaning is its spec's). */
export interface PanelDef<T extends NodeType = NodeType> {
  type: T;
  icon: IconName;
  Panel: ComponentType<PanelProps>;
  /** The config a new node starts with (its spec's initialConfig); `triggerType` is the flow's trigger, if any. */
  initialConfig(ctx: { triggerType?: string }): Record<string, unknown>;
}

/**
 * Defines the panel of `spec`'s node type: `Panel` gets that type's stored config (all of it
 * optional); the new node's config comes from the spec.
 */
export function definePanel<S extends AnyNodeSpec>(
  spec: S,
  def: { icon: IconName; Panel: ComponentType<PanelProps<PanelConfigOf<S['type']>>> },
): PanelDef<S['type']> {
  return {
    type: spec.type,
    icon: def.icon,
    Panel: def.Panel as ComponentType<PanelProps>,
    initialConfig: ({ triggerType }) =>
      spec.initialConfig({ trigger: triggerType === undefined ? undefined : getNodeSpec(triggerType) }),
  };
}
