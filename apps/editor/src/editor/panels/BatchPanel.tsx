import { BATCH_MAX_CONCURRENCY, BATCH_MAX_SIZE, batchNode } from '@callflow/flow';
import { Field, NumberInput, Segmented, useFieldId } from '../../ui/form';
import { Icon } from '../../ui/icons';
import { TemplateField } from '../TemplateField';
import { definePanel, type PanelConfigOf, type PanelProps } from './types';

/** Batch: a list cut into chunks of N; the "each" path runs once per chunk, "done" goes on with the results. */
function BatchPanel({ nodeId, config, patch, issues, readOnly }: PanelProps<PanelConfigOf<typeof batchNode.type>>) {
  const sid = useFieldId();
  const cid = useFieldId();
  return (
    <>
      <p className="panel-lead">
        Cuts a list into chunks and runs the path on <b>each</b> once per chunk (e.g. RetailCRM takes at most 50 calls
        per upload). Nodes on that path see <code>{'{{batch.items}}'}</code>, <code>{'{{batch.index}}'}</code> (from 0)
        and <code>{'{{batch.count}}'}</code>; their outputs and variables belong to their chunk.
      </p>
      <TemplateField
        nodeId={nodeId}
        path="config.items"
        label="Items"
        value={config.items ?? ''}
        onChange={(v) => patch({ items: v }, 'items')}
        context="value"
        placeholder="{{request.body.calls}}"
        readOnly={readOnly}
        hint="A token giving a list."
        testId="batch-items"
        ariaLabel="Items"
      />
      <div className="grid-2">
        <Field label="Chunk size" htmlFor={sid} issues={issues('size')}>
          <NumberInput
            id={sid}
            value={config.size}
            onChange={(v) => patch({ size: v }, 'size')}
            placeholder="50"
            min={1}
            max={BATCH_MAX_SIZE}
            readOnly={readOnly}
            testId="batch-size"
            suffix="items"
          />
        </Field>
        <Field label="At once" htmlFor={cid} issues={issues('concurrency')} hint="Chunks running at the same time.">
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
      <Field label="When a chunk fails" issues={issues('onError')}>
        <Segmented
          value={config.onError ?? 'stop'}
          onChange={(v) => patch({ onError: v })}
          options={[
            { value: 'stop', label: 'Stop (leave by error)' },
            { value: 'continue', label: 'Continue and count' },
          ]}
          disabled={readOnly}
          ariaLabel="When a chunk fails"
          testId="batch-on-error"
        />
      </Field>
      <p className="panel-outputs">
        <Icon name="info" size={13} /> After the last chunk, <b>done</b> goes on with <code>total</code>,{' '}
        <code>chunks</code>, <code>succeeded</code>, <code>failed</code>, <code>results</code> (each chunk's last
        output). Up to 1,000 chunks, within the run's deadline; the steps of the first 3 chunks (and of failed ones) are
        recorded.
      </p>
    </>
  );
}

export const batchPanel = definePanel(batchNode, { icon: 'layers', Panel: BatchPanel });
