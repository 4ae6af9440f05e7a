import { setNode } from '@callflow/flow';
import { NameValueTable } from './shared';
import { definePanel, type PanelConfigOf, type PanelProps } from './types';

/** Set: stores values as vars.<name> for later nodes. */
function SetPanel({ nodeId, config, patch, issues, readOnly }: PanelProps<PanelConfigOf<typeof setNode.type>>) {
  return (
    <>
      <p className="panel-lead">
        Later nodes read these as <code>{'{{vars.name}}'}</code>. A value that is a lone <code>{'{{token}}'}</code>{' '}
        keeps its type (number, object, …).
      </p>
      <NameValueTable
        nodeId={nodeId}
        basePath="config.values"
        rows={config.values ?? []}
        onChange={(rows, f) => patch({ values: rows }, f)}
        context="value"
        issues={issues}
        readOnly={readOnly}
        addLabel="Add variable"
        namePlaceholder="Variable"
        valuePlaceholder="Value"
        testId="set-values"
      />
    </>
  );
}

export const setPanel = definePanel(setNode, { icon: 'variable', Panel: SetPanel });
