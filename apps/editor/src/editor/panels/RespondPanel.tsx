import { getNodeSpec, httpNode, isTriggerType, respondNode, type RespondBody } from '@callflow/flow';
import { Checkbox, Field, NumberInput, Segmented, Select, TextInput, useFieldId } from '../../ui/form';
import { Icon } from '../../ui/icons';
import { useFlowNodes } from '../store/flow-hooks';
import { TemplateField } from '../TemplateField';
import { NameValueTable } from './shared';
import { definePanel, type PanelConfigOf, type PanelProps } from './types';

type Body = RespondBody;

const SAMPLES: Record<string, string> = {
  json: '{\n  "queue": "default"\n}',
  xml: '<answer>\n  <queue>default</queue>\n</answer>',
  text: 'OK',
};

/** Respond: the answer of an IVR or webhook run (the first respond reached answers; the run goes on). */
function RespondPanel({ nodeId, config, patch, issues, readOnly }: PanelProps<PanelConfigOf<typeof respondNode.type>>) {
  const sid = useFieldId();
  const cid = useFieldId();
  const body: Body = config.body ?? { type: 'json', template: '{}' };
  const httpNames = useFlowNodes((nodes) =>
    nodes
      .filter((n) => n.type === httpNode.type)
      .map((n) => n.data.name)
      .join('\u0000'),
  );
  const setType = (type: Body['type']) => {
    if (type === body.type) return;
    const prev = 'template' in body ? body.template : '';
    // A redirect needs a 3xx status; leaving one for another answer goes back to 200.
    const status = type === 'redirect' ? 302 : body.type === 'redirect' ? 200 : config.status;
    if (type === 'none') patch({ body: { type }, status });
    else if (type === 'redirect') patch({ body: { type, location: '' }, status });
    else if (type === 'passthrough') patch({ body: { type, node: httpNames.split('\u0000')[0] ?? '' }, status });
    else patch({ body: { type, template: prev.trim() && prev !== '{}' ? prev : SAMPLES[type]! }, status });
  };
  return (
    <>
      <p className="panel-lead">
        The first respond reached answers the caller; the run goes on after it. For an IVR the body becomes{' '}
        <code>output</code>.
      </p>
      <Field label="Status" htmlFor={sid} issues={issues('status')}>
        <NumberInput
          id={sid}
          value={config.status}
          onChange={(v) => patch({ status: v }, 'status')}
          placeholder="200"
          min={200}
          max={599}
          readOnly={readOnly}
          testId="respond-status"
        />
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
            { value: 'redirect', label: 'Redirect' },
            { value: 'passthrough', label: 'Bytes of a request' },
          ]}
          disabled={readOnly}
          ariaLabel="Body type"
          testId="respond-body-type"
        />
      </Field>
      {(body.type === 'json' || body.type === 'xml' || body.type === 'text') && (
        <TemplateField
          nodeId={nodeId}
          path="config.body.template"
          value={body.template}
          onChange={(v) => patch({ body: { ...body, template: v } }, 'body.template')}
          context={body.type}
          multiline
          rows={5}
          readOnly={readOnly}
          testId="respond-body"
          ariaLabel="Response body"
        />
      )}
      {body.type === 'json' && (
        <Checkbox
          label="Leave out empty fields (those whose value is empty text or null)"
          checked={body.omitEmpty === true}
          disabled={readOnly}
          onChange={(on) => patch({ body: { ...body, omitEmpty: on || undefined } })}
        />
      )}
      {body.type === 'redirect' && (
        <TemplateField
          nodeId={nodeId}
          path="config.body.location"
          label="Location"
          value={body.location}
          onChange={(v) => patch({ body: { ...body, location: v } }, 'body.location')}
          context="url"
          placeholder="{{{vars.recordingUrl}}}"
          readOnly={readOnly}
          hint="An http(s) URL or a path here. Tokens are percent-encoded; {{{raw}}} inserts a whole URL as is."
          testId="respond-location"
          ariaLabel="Redirect location"
        />
      )}
      {body.type === 'passthrough' && (
        <Field
          label="Answer with the response of"
          issues={issues('body.node')}
          hint='The bytes and Content-Type that HTTP request received; set its "Read response as" to Binary.'
        >
          <Select
            value={body.node}
            onChange={(v) => patch({ body: { ...body, node: v } })}
            options={httpNames ? httpNames.split('\u0000') : []}
            placeholder="Choose an HTTP request"
            disabled={readOnly}
            testId="respond-passthrough-node"
            ariaLabel="Request node"
          />
        </Field>
      )}
      {body.type === 'text' && (
        <Field label="Content-Type" htmlFor={cid} issues={issues('body.contentType')}>
          <TextInput
            id={cid}
            value={body.contentType ?? ''}
            onChange={(v) => patch({ body: { ...body, contentType: v || undefined } }, 'body.contentType')}
            placeholder="text/plain"
            readOnly={readOnly}
            mono
          />
        </Field>
      )}
      <Field label="Headers">
        <NameValueTable
          nodeId={nodeId}
          basePath="config.headers"
          rows={config.headers ?? []}
          onChange={(rows, f) => patch({ headers: rows }, f)}
          context="header"
          issues={issues}
          readOnly={readOnly}
          addLabel="Add header"
          namePlaceholder="Header"
        />
      </Field>
      <WhoWaits />
    </>
  );
}

/** Who waits for this answer, from the flow's trigger spec (an IVR does; an event trigger nobody). */
function WhoWaits() {
  const trigger = useFlowNodes((nodes) => {
    const t = nodes.find((n) => isTriggerType(n.type ?? ''));
    const deadline = t?.data.config.deadlineMs;
    return t ? `${t.type}\u0000${typeof deadline === 'number' ? deadline : ''}` : '';
  });
  const [type = '', deadline] = trigger.split('\u0000');
  const spec = getNodeSpec(type);
  const t = spec?.trigger;
  let text: string;
  if (!spec || !t) text = 'A synchronous trigger (IVR, webhook) waits for this answer; an event trigger does not.';
  else if (t.mode === 'async') text = `Nobody waits for this answer: the ${spec.label} trigger is asynchronous.`;
  else {
    const ms = Number(deadline) || t.deadlineMs;
    const within = ms ? ` for up to ${ms} ms` : '';
    text =
      `${t.waiter ?? 'The caller'} waits for this ` +
      `answer${within}${t.late ? `; after that it gets ${t.late}` : ''}.`;
  }
  return (
    <p className="panel-outputs" data-testid="respond-waiter">
      <Icon name="info" size={13} /> {text}
    </p>
  );
}

export const respondPanel = definePanel(respondNode, { icon: 'reply', Panel: RespondPanel });
