import { Field, NumberInput, Segmented, TextInput, useFieldId } from '../../ui/form';
import { Icon } from '../../ui/icons';
import { TemplateField } from '../TemplateField';
import { NameValueTable } from './shared';
import type { PanelDef, PanelProps } from './types';

type Body = { type: 'none' } | { type: 'json' | 'xml' | 'text'; template: string; contentType?: string };

const SAMPLES: Record<string, string> = { json: '{\n  "queue": "default"\n}', xml: '<answer>\n  <queue>default</queue>\n</answer>', text: 'OK' };

/** Respond: the answer of an IVR or webhook run (the first respond reached answers; the run goes on). */
function RespondPanel({ nodeId, config, patch, issues, readOnly }: PanelProps<{ status?: number; headers?: { name: string; value: string }[]; body?: Body }>) {
  const sid = useFieldId();
  const cid = useFieldId();
  const body: Body = config.body ?? { type: 'json', template: '{}' };
  const setType = (type: Body['type']) => {
    if (type === body.type) return;
    const prev = 'template' in body ? body.template : '';
    patch({ body: type === 'none' ? { type } : { type, template: prev.trim() && prev !== '{}' ? prev : SAMPLES[type]! } });
  };
  return (
    <>
      <p className="panel-lead">The first respond reached answers the caller; the run goes on after it. For an IVR the body becomes <code>output</code>.</p>
      <Field label="Status" htmlFor={sid} issues={issues('status')}>
        <NumberInput id={sid} value={config.status} onChange={(v) => patch({ status: v }, 'status')} placeholder="200" min={100} max={599} readOnly={readOnly} testId="respond-status" />
      </Field>
      <Field label="Body">
        <Segmented
          value={body.type}
          onChange={setType}
          options={[
            { value: 'json', label: 'JSON' },
            { value: 'xml', label: 'XML' },
            { value: 'text', label: 'Text' },
            { value: 'none', label: 'None' },
          ]}
          disabled={readOnly}
          ariaLabel="Body type"
          testId="respond-body-type"
        />
      </Field>
      {body.type !== 'none' && (
        <TemplateField nodeId={nodeId} path="config.body.template" value={body.template} onChange={(v) => patch({ body: { ...body, template: v } }, 'body.template')} context={body.type} multiline rows={5} readOnly={readOnly} testId="respond-body" ariaLabel="Response body" />
      )}
      {body.type === 'text' && (
        <Field label="Content-Type" htmlFor={cid}>
          <TextInput id={cid} value={body.contentType ?? ''} onChange={(v) => patch({ body: { ...body, contentType: v || undefined } }, 'body.contentType')} placeholder="text/plain" readOnly={readOnly} mono />
        </Field>
      )}
      <Field label="Headers">
        <NameValueTable nodeId={nodeId} basePath="config.headers" rows={config.headers ?? []} onChange={(rows, f) => patch({ headers: rows }, f)} context="header" issues={issues} readOnly={readOnly} addLabel="Add header" namePlaceholder="Header" />
      </Field>
      <p className="panel-outputs">
        <Icon name="info" size={13} /> Under an asynchronous trigger nobody waits for this answer.
      </p>
    </>
  );
}

export const respondPanel: PanelDef = {
  type: 'respond',
  icon: 'reply',
  Panel: RespondPanel as PanelDef['Panel'],
  initialConfig: () => ({ status: 200, body: { type: 'json', template: '{\n  "queue": "default"\n}' } }),
};
