import { logNode } from '@callflow/flow';
import { TemplateField } from '../TemplateField';
import { definePanel, type PanelConfigOf, type PanelProps } from './types';

/** Log: the message rendered into the node's output. */
function LogPanel({ nodeId, config, patch, readOnly }: PanelProps<PanelConfigOf<typeof logNode.type>>) {
  return (
    <TemplateField
      nodeId={nodeId}
      path="config.message"
      label="Message"
      value={config.message ?? ''}
      onChange={(message) => patch({ message }, 'message')}
      context="text"
      readOnly={readOnly}
      testId="log-message"
    />
  );
}

export const logPanel = definePanel(logNode, { icon: 'flow', Panel: LogPanel });
