import { setNode } from '@callflow/flow';
import { t, tRich } from '../../i18n/i18n';
import { NameValueTable } from './shared';
import { definePanel, type PanelConfigOf, type PanelProps } from './types';

/** Set: stores values as vars.<name> for later nodes. */
function SetPanel({ nodeId, config, patch, issues, readOnly }: PanelProps<PanelConfigOf<typeof setNode.type>>) {
  return (
    <>
      <p className="panel-lead">
        {tRich('panels.set.lead', { code: (s) => <code>{s}</code> }, { vars: '{{vars.name}}', token: '{{token}}' })}
      </p>
      <NameValueTable
        nodeId={nodeId}
        basePath="config.values"
        rows={config.values ?? []}
        onChange={(rows, f) => patch({ values: rows }, f)}
        context="value"
        issues={issues}
        readOnly={readOnly}
        addLabel={t('panels.set.add')}
        namePlaceholder={t('panels.set.variable')}
        valuePlaceholder={t('panels.row.value')}
        testId="set-values"
      />
    </>
  );
}

export const setPanel = definePanel(setNode, { icon: 'variable', Panel: SetPanel });
