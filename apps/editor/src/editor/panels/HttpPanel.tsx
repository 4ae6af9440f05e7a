import { useMemo, useState } from 'react';
import { HTTP_METHODS, parseRawHeaders, httpNode, type HttpBody } from '@callflow/flow';
import { Button, formatMs } from '../../ui/components';
import { Checkbox, Field, Issues, Segmented, Select, Tabs, TextInput, useFieldId } from '../../ui/form';
import { Icon } from '../../ui/icons';
import { useFlowEdges, useFlowNodes } from '../store/flow-hooks';
import { TemplateField } from '../TemplateField';
import { requestWorstMs, timingBudget } from '../timing';
import { t, tRich } from '../../i18n/i18n';
import { handleLabel } from '../../i18n/node-text';
import { SampleResponse } from './SampleResponse';
import { NameValueTable, RequestSettingsFields, type FormFieldRow } from './shared';
import { definePanel, type PanelConfigOf, type PanelProps } from './types';

type Body = HttpBody;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const BODY_SAMPLES: Record<string, string> = {
  json: '{\n  "phone": "{{call.callerId}}"\n}',
  xml: '<request>\n  <phone>{{call.callerId}}</phone>\n</request>',
  text: '',
};
/** An example of a URL with a token: code, the same in every language. */
const URL_EXAMPLE = 'https://crm.example.com/api/customers?phone={{call.callerId}}';
/** The HTTP header holding a body's type: its name, the same in every language. */
const CONTENT_TYPE = 'Content-Type';
const code = (s: string) => <code>{s}</code>;

/** HTTP request: method, URL, query, headers (table or raw text), body, connection, timeout, retry. */
function HttpPanel(props: PanelProps<PanelConfigOf<typeof httpNode.type>>) {
  const { nodeId, nodeName, config, patch, issues, readOnly } = props;
  const [tab, setTab] = useState<'query' | 'headers' | 'body' | 'options' | 'sample'>('headers');
  const [rawMode, setRawMode] = useState(() => !!config.rawHeaders);
  const query = config.query ?? [];
  const headers = config.headers ?? [];
  const body: Body = config.body ?? { type: 'none' };
  const method = config.method ?? 'GET';
  const urlId = useFieldId();
  const ctId = useFieldId();

  const rawParsed = useMemo(() => parseRawHeaders(config.rawHeaders ?? ''), [config.rawHeaders]);
  const headerCount = headers.length + rawParsed.length;
  const bodyCount = body.type === 'none' ? 0 : 1;

  const setBodyType = (type: Body['type']) => {
    if (type === body.type) return;
    const prevTemplate = 'template' in body ? body.template : undefined;
    let next: Body;
    if (type === 'none') next = { type };
    else if (type === 'form') next = { type, fields: [] };
    else next = { type, template: prevTemplate && prevTemplate.trim() ? prevTemplate : BODY_SAMPLES[type]! };
    patch({ body: next });
  };

  const rawToTable = () => {
    const rows = rawParsed.map((h) => ({ name: h.name, value: h.value }));
    patch({ headers: [...headers, ...rows], rawHeaders: undefined });
    setRawMode(false);
  };

  return (
    <>
      <div className="http-line">
        <Select
          value={method}
          onChange={(v) => patch({ method: v })}
          options={HTTP_METHODS}
          disabled={readOnly}
          testId="http-method"
          ariaLabel={t('panels.http.method')}
        />
        <div className="grow">
          <TemplateField
            nodeId={nodeId}
            path="config.url"
            id={urlId}
            value={config.url ?? ''}
            onChange={(v) => patch({ url: v }, 'url')}
            context="url"
            placeholder={URL_EXAMPLE}
            readOnly={readOnly}
            testId="http-url"
            ariaLabel={t('panels.http.url')}
          />
        </div>
      </div>
      <IvrTimeoutHint nodeId={nodeId} config={config as Record<string, unknown>} />
      <Tabs
        value={tab}
        onChange={setTab}
        tabs={[
          { value: 'query', label: t('panels.http.query'), count: query.length, testId: 'tab-query' },
          { value: 'headers', label: t('panels.headers.label'), count: headerCount, testId: 'tab-headers' },
          { value: 'body', label: t('panels.body.label'), count: bodyCount, testId: 'tab-body' },
          { value: 'options', label: t('panels.options'), testId: 'tab-options' },
          {
            value: 'sample',
            label: t('panels.http.sample'),
            count: config.sampleResponse === undefined ? 0 : 1,
            testId: 'tab-sample',
          },
        ]}
      />
      <div className="tab-body">
        {tab === 'query' && (
          <>
            <p className="field-hint">{t('panels.http.queryHint')}</p>
            <NameValueTable
              nodeId={nodeId}
              basePath="config.query"
              rows={query}
              onChange={(rows, f) => patch({ query: rows }, f)}
              context="text"
              issues={issues}
              readOnly={readOnly}
              addLabel={t('panels.http.addParameter')}
              testId="http-query"
            />
          </>
        )}
        {tab === 'headers' && (
          <>
            <div className="row-between">
              <Segmented
                value={rawMode ? 'raw' : 'table'}
                onChange={(v) => setRawMode(v === 'raw')}
                options={[
                  { value: 'table', label: t('panels.http.table') },
                  { value: 'raw', label: t('panels.http.raw') },
                ]}
                ariaLabel={t('panels.http.headerEditor')}
                testId="headers-mode"
              />
              {rawMode && rawParsed.length > 0 && !readOnly && (
                <Button size="sm" variant="ghost" onClick={rawToTable}>
                  {t('panels.http.moveToTable')}
                </Button>
              )}
            </div>
            {rawMode ? (
              <>
                <TemplateField
                  nodeId={nodeId}
                  path="config.rawHeaders"
                  value={config.rawHeaders ?? ''}
                  onChange={(v) => patch({ rawHeaders: v === '' ? undefined : v }, 'rawHeaders')}
                  context="header"
                  multiline
                  rows={4}
                  placeholder={t('panels.http.rawExample', { token: '{{call.agent.extension}}' })}
                  readOnly={readOnly}
                  hint={t('panels.http.rawHint')}
                  testId="http-raw-headers"
                />
                {rawParsed.length > 0 && (
                  <ul className="raw-preview">
                    {rawParsed.map((h) => (
                      <li key={h.line} className={HEADER_NAME.test(h.name) ? '' : 'bad'}>
                        <span className="muted">{t('panels.http.rawLine', { n: h.line })}</span>
                        <code>{h.name}:</code>
                        <span className="raw-value">
                          {h.value || <i className="muted">{t('panels.http.rawEmpty')}</i>}
                        </span>
                        {!HEADER_NAME.test(h.name) && (
                          <span className="err-text">{t('panels.http.badHeaderName')}</span>
                        )}
                      </li>
                    ))}
                  </ul>
                )}
                {headers.length > 0 && (
                  <p className="field-hint">{t('panels.http.alsoRows', { count: headers.length })}</p>
                )}
              </>
            ) : (
              <>
                <NameValueTable
                  nodeId={nodeId}
                  basePath="config.headers"
                  rows={headers}
                  onChange={(rows, f) => patch({ headers: rows }, f)}
                  context="header"
                  issues={issues}
                  readOnly={readOnly}
                  addLabel={t('panels.headers.add')}
                  namePlaceholder={t('panels.headers.name')}
                  testId="http-headers"
                />
                {config.rawHeaders && (
                  <p className="field-hint">{t('panels.http.alsoRaw', { count: rawParsed.length })}</p>
                )}
              </>
            )}
          </>
        )}
        {tab === 'body' && (
          <>
            <Segmented
              value={body.type}
              onChange={setBodyType}
              options={[
                { value: 'none', label: t('panels.body.none') },
                { value: 'json', label: 'JSON' },
                { value: 'form', label: t('panels.http.form') },
                { value: 'xml', label: 'XML' },
                { value: 'text', label: t('panels.body.text') },
              ]}
              disabled={readOnly}
              ariaLabel={t('panels.body.type')}
              testId="http-body-type"
            />
            <Issues issues={issues('body')} />
            {body.type === 'none' && (
              <p className="field-hint">{method === 'GET' ? t('panels.http.noBodyGet') : t('panels.http.noBody')}</p>
            )}
            {(body.type === 'json' || body.type === 'xml' || body.type === 'text') && (
              <>
                <TemplateField
                  nodeId={nodeId}
                  path="config.body.template"
                  value={body.template}
                  onChange={(v) => patch({ body: { ...body, template: v } }, 'body.template')}
                  context={body.type}
                  multiline
                  rows={6}
                  readOnly={readOnly}
                  testId="http-body"
                  ariaLabel={t('panels.http.bodyTemplate')}
                />
                {body.type === 'json' && (
                  <Checkbox
                    label={t('panels.http.omitEmpty')}
                    checked={body.omitEmpty === true}
                    disabled={readOnly}
                    onChange={(on) => patch({ body: { ...body, omitEmpty: on || undefined } })}
                    testId="http-omit-empty"
                  />
                )}
                {body.type !== 'json' && (
                  <Field label={CONTENT_TYPE} htmlFor={ctId} issues={issues('body.contentType')}>
                    <TextInput
                      id={ctId}
                      value={body.contentType ?? ''}
                      onChange={(v) => patch({ body: { ...body, contentType: v || undefined } }, 'body.contentType')}
                      placeholder={body.type === 'xml' ? 'application/xml' : 'text/plain'}
                      readOnly={readOnly}
                      mono
                    />
                  </Field>
                )}
              </>
            )}
            {body.type === 'form' && (
              <>
                <p className="field-hint">{t('panels.http.formHint')}</p>
                <NameValueTable
                  nodeId={nodeId}
                  basePath="config.body.fields"
                  rows={body.fields}
                  onChange={(rows, f) => patch({ body: { type: 'form', fields: rows } }, f)}
                  context="text"
                  contextOf={(row) => ((row as FormFieldRow).json ? 'json' : 'text')}
                  rowExtra={(row, i, set) => (
                    <FormFieldOptions row={row as FormFieldRow} index={i} set={set} readOnly={readOnly} />
                  )}
                  issues={issues}
                  readOnly={readOnly}
                  addLabel={t('panels.http.addField')}
                  testId="http-form"
                />
              </>
            )}
          </>
        )}
        {tab === 'sample' && (
          <SampleResponse
            nodeId={nodeId}
            nodeName={nodeName}
            value={config.sampleResponse}
            onChange={(v) => patch({ sampleResponse: v }, 'sampleResponse')}
            readOnly={readOnly}
          />
        )}
        {tab === 'options' && (
          <>
            <RequestSettingsFields config={config} patch={patch} issues={issues} readOnly={readOnly} />
            <div className="grid-2">
              <Field label={t('panels.http.readAs')} issues={issues('responseType')}>
                <Select
                  value={config.responseType ?? 'auto'}
                  onChange={(v) => patch({ responseType: v })}
                  options={[
                    { value: 'auto', label: t('panels.http.readAuto') },
                    { value: 'json', label: 'JSON' },
                    { value: 'xml', label: 'XML' },
                    { value: 'text', label: t('panels.body.text') },
                    { value: 'binary', label: t('panels.http.readBinary') },
                  ]}
                  disabled={readOnly}
                />
              </Field>
              <Field label={t('panels.http.redirects')}>
                <Checkbox
                  label={t('panels.http.followRedirects')}
                  checked={config.followRedirects !== false}
                  disabled={readOnly}
                  onChange={(v) => patch({ followRedirects: v ? undefined : false })}
                />
              </Field>
            </div>
          </>
        )}
      </div>
      <p className="panel-outputs">
        <Icon name="info" size={13} />{' '}
        {tRich('panels.http.outputs', { code, b: (s) => <b>{s}</b> }, { error: handleLabel(httpNode.type, 'error') })}
      </p>
    </>
  );
}

/** A form field's JSON options: the value is JSON; its empty members are left out. */
function FormFieldOptions(props: {
  row: FormFieldRow;
  index: number;
  set(p: Record<string, unknown>): void;
  readOnly: boolean;
}) {
  const { row, index, set, readOnly } = props;
  const json = (on: boolean) => set(on ? { json: true } : { json: undefined, omitEmpty: undefined });
  const omit = (on: boolean) => set({ omitEmpty: on || undefined });
  return (
    <div className="check-row" data-testid={`http-form-options-${index}`}>
      <Checkbox label={t('panels.http.jsonValue')} checked={row.json === true} disabled={readOnly} onChange={json} />
      {row.json && (
        <Checkbox
          label={t('panels.http.jsonOmitEmpty')}
          checked={row.omitEmpty === true}
          disabled={readOnly}
          onChange={omit}
        />
      )}
    </div>
  );
}

/** Under a synchronous trigger: this node's worst case against the deadline. */
export function IvrTimeoutHint({ nodeId, config }: { nodeId: string; config: Record<string, unknown> }) {
  const nodes = useFlowNodes();
  const edges = useFlowEdges();
  const budget = useMemo(() => timingBudget(nodes, edges), [nodes, edges]);
  if (!budget) return null;
  const own = requestWorstMs(config);
  if (own.ms <= budget.deadlineMs && (budget.worstMs ?? 0) <= budget.deadlineMs) return null;
  const onPath = budget.path.some((s) => s.nodeId === nodeId);
  return (
    <p className="callout callout-warning" data-testid="ivr-timeout-hint">
      <Icon name="clock" size={14} />
      <span>
        {t(onPath && budget.worstMs ? 'panels.http.slowPath' : 'panels.http.slow', {
          deadline: formatMs(budget.deadlineMs),
          own: formatMs(own.ms),
          detail: own.detail,
          worst: formatMs(budget.worstMs),
        })}
      </span>
    </p>
  );
}

export const httpPanel = definePanel(httpNode, { icon: 'globe', Panel: HttpPanel });
