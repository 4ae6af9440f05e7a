import { BATCH_MAX_CHUNKS, BATCH_MAX_CONCURRENCY, BATCH_MAX_SIZE, batchNode } from '@callflow/flow';
import { Field, NumberInput, Segmented, useFieldId } from '../../ui/form';
import { Icon } from '../../ui/icons';
import { formatNumber, t, tRich } from '../../i18n/i18n';
import { handleLabel } from '../../i18n/node-text';
import { TemplateField } from '../TemplateField';
import { definePanel, type PanelConfigOf, type PanelProps } from './types';

/** A token giving a list: code, the same in every language. */
const ITEMS_EXAMPLE = '{{request.body.calls}}';

/** Batch: a list cut into chunks of N; the "each" path runs once per chunk, "done" goes on with the results. */
function BatchPanel({ nodeId, config, patch, issues, readOnly }: PanelProps<PanelConfigOf<typeof batchNode.type>>) {
  const sid = useFieldId();
  const cid = useFieldId();
  const b = (s: string) => <b>{s}</b>;
  const code = (s: string) => <code>{s}</code>;
  return (
    <>
      <p className="panel-lead">
        {tRich(
          'panels.batch.lead',
          { b, code },
          {
            each: handleLabel(batchNode.type, 'each'),
            items: '{{batch.items}}',
            index: '{{batch.index}}',
            count: '{{batch.count}}',
          },
        )}
      </p>
      <TemplateField
        nodeId={nodeId}
        path="config.items"
        label={t('panels.batch.items')}
        value={config.items ?? ''}
        onChange={(v) => patch({ items: v }, 'items')}
        context="value"
        placeholder={ITEMS_EXAMPLE}
        readOnly={readOnly}
        hint={t('panels.batch.itemsHint')}
        testId="batch-items"
        ariaLabel={t('panels.batch.items')}
      />
      <div className="grid-2">
        <Field label={t('panels.batch.size')} htmlFor={sid} issues={issues('size')}>
          <NumberInput
            id={sid}
            value={config.size}
            onChange={(v) => patch({ size: v }, 'size')}
            placeholder="50"
            min={1}
            max={BATCH_MAX_SIZE}
            readOnly={readOnly}
            testId="batch-size"
            suffix={t('panels.batch.sizeUnit')}
          />
        </Field>
        <Field
          label={t('panels.batch.atOnce')}
          htmlFor={cid}
          issues={issues('concurrency')}
          hint={t('panels.batch.atOnceHint')}
        >
          <NumberInput
            id={cid}
            value={config.concurrency}
            onChange={(v) => patch({ concurrency: v }, 'concurrency')}
            placeholder="1"
            min={1}
            max={BATCH_MAX_CONCURRENCY}
            readOnly={readOnly}
            testId="batch-concurrency"
          />
        </Field>
      </div>
      <Field label={t('panels.batch.onError')} issues={issues('onError')}>
        <Segmented
          value={config.onError ?? 'stop'}
          onChange={(v) => patch({ onError: v })}
          options={[
            { value: 'stop', label: t('panels.batch.stop', { error: handleLabel(batchNode.type, 'error') }) },
            { value: 'continue', label: t('panels.batch.continue') },
          ]}
          disabled={readOnly}
          ariaLabel={t('panels.batch.onError')}
          testId="batch-on-error"
        />
      </Field>
      <p className="panel-outputs">
        <Icon name="info" size={13} />{' '}
        {tRich(
          'panels.batch.outputs',
          { b, code },
          { done: handleLabel(batchNode.type, 'done'), max: formatNumber(BATCH_MAX_CHUNKS), first: 3 },
        )}
      </p>
    </>
  );
}

export const batchPanel = definePanel(batchNode, { icon: 'layers', Panel: BatchPanel });
