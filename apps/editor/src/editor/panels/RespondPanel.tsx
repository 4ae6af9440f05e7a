import { getNodeSpec, httpNode, isTriggerType, respondNode, type RespondBody } from '@callflow/flow';
import { Checkbox, Field, NumberInput, Segmented, Select, TextInput, useFieldId } from '../../ui/form';
import { Icon } from '../../ui/icons';
import { useFlowNodes } from '../store/flow-hooks';
import { TemplateField } from '../TemplateField';
import { t, tRich } from '../../i18n/i18n';
import { nodeLabel, triggerWaits } from '../../i18n/node-text';
import { NameValueTable } from './shared';
import { definePanel, type PanelConfigOf, type PanelProps } from './types';

type Body = RespondBody;

const SAMPLES: Record<string, string> = {
  json: '{\n  "queue": "default"\n}',
  xml: '<answer>\n  <queue>default</queue>\n</answer>',
  text: 'OK',
};
/** The HTTP header holding a body's type: its name, the same in every language. */
const CONTENT_TYPE = 'Content-Type';
/** A token (code, the same in every language) as the redirect's example. */
const LOCATION_EXAMPLE = '{{{vars.recordingUrl}}}';

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
      <p className="panel-lead">{tRich('panels.respond.lead', { code: (s) => <code>{s}</code> })}</p>
      <Field label={t('common.status')} htmlFor={sid} issues={issues('status')}>
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
      <Field label={t('panels.body.label')}>
        <Segmented
          value={body.type}
          onChange={setType}
          options={[
            { value: 'json', label: 'JSON' },
            { value: 'xml', label: 'XML' },
            { value: 'text', label: t('panels.body.text') },
            { value: 'none', label: t('panels.body.none') },
            { value: 'redirect', label: t('panels.respond.redirect') },
            { value: 'passthrough', label: t('panels.respond.passthrough') },
          ]}
          disabled={readOnly}
          ariaLabel={t('panels.body.type')}
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
          ariaLabel={t('panels.respond.body')}
        />
      )}
      {body.type === 'json' && (
        <Checkbox
          label={t('panels.respond.omitEmpty')}
          checked={body.omitEmpty === true}
          disabled={readOnly}
          onChange={(on) => patch({ body: { ...body, omitEmpty: on || undefined } })}
        />
      )}
      {body.type === 'redirect' && (
        <TemplateField
          nodeId={nodeId}
          path="config.body.location"
          label={t('panels.respond.location')}
          value={body.location}
          onChange={(v) => patch({ body: { ...body, location: v } }, 'body.location')}
          context="url"
          placeholder={LOCATION_EXAMPLE}
          readOnly={readOnly}
          hint={t('panels.respond.locationHint', { raw: '{{{raw}}}' })}
          testId="respond-location"
          ariaLabel={t('panels.respond.locationAria')}
        />
      )}
      {body.type === 'passthrough' && (
        <Field
          label={t('panels.respond.passthroughOf')}
          issues={issues('body.node')}
          hint={t('panels.respond.passthroughHint')}
        >
          <Select
            value={body.node}
            onChange={(v) => patch({ body: { ...body, node: v } })}
            options={httpNames ? httpNames.split('\u0000') : []}
            placeholder={t('panels.respond.chooseRequest')}
            disabled={readOnly}
            testId="respond-passthrough-node"
            ariaLabel={t('panels.respond.requestNode')}
          />
        </Field>
      )}
      {body.type === 'text' && (
        <Field label={CONTENT_TYPE} htmlFor={cid} issues={issues('body.contentType')}>
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
      <Field label={t('panels.headers.label')}>
        <NameValueTable
          nodeId={nodeId}
          basePath="config.headers"
          rows={config.headers ?? []}
          onChange={(rows, f) => patch({ headers: rows }, f)}
          context="header"
          issues={issues}
          readOnly={readOnly}
          addLabel={t('panels.headers.add')}
          namePlaceholder={t('panels.headers.name')}
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
  const trig = spec?.trigger;
  let text: string | undefined;
  if (!spec || !trig) text = t('panels.respond.waitsUnknown');
  else if (trig.mode === 'async') text = t('panels.respond.nobodyWaits', { trigger: nodeLabel(type) });
  else text = triggerWaits(type, Number(deadline) || trig.deadlineMs || 0);
  return (
    <p className="panel-outputs" data-testid="respond-waiter">
      <Icon name="info" size={13} /> {text}
    </p>
  );
}

export const respondPanel = definePanel(respondNode, { icon: 'reply', Panel: RespondPanel });
