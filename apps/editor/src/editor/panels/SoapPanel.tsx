import { useEffect, useMemo, useRef, useState } from 'react';
import { soapNode } from '@callflow/flow';
import { api, ApiError, errorText } from '../../api/client';
import type { SoapDescription, SoapOperationDescription } from '../../api/types';
import { Button } from '../../ui/components';
import { Checkbox, Field, Segmented, Select, useFieldId } from '../../ui/form';
import { JsonField } from '../../ui/list-json-inputs';
import { Icon } from '../../ui/icons';
import { TemplateField } from '../TemplateField';
import { IvrTimeoutHint } from './HttpPanel';
import { NameValueTable, RequestSettingsFields, Section } from './shared';
import { definePanel, type PanelConfigOf, type PanelProps } from './types';
import { pruneArgs, ShapeFields, type ArgObject } from './soap/SoapArgsForm';
import { SoapAdvanced } from './soap/SoapAdvanced';
import { t, tRich } from '../../i18n/i18n';
import { handleLabel } from '../../i18n/node-text';
import { describedFor, findOperation, rememberDescription } from '../soap-descriptions';

/** The stored config, as the panel sees it (all of it optional). */
type SoapConfig = PanelConfigOf<typeof soapNode.type>;

/** Examples of a WSDL address and an operation name: code, the same in every language. */
const WSDL_EXAMPLE = 'https://legacy.example.com/CustomerService?wsdl';
const OPERATION_EXAMPLE = 'GetCustomer';
/** Where the SOAP headers' issues are (a config path). */
const SOAP_HEADERS_PATH = 'config.soapHeaders';

type LoadState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ok'; description: SoapDescription };

/** SOAP request: WSDL → Load → service, port, operation → argument fields from the operation's input. */
function SoapPanel({ nodeId, nodeName, config, patch, replace, issues, readOnly }: PanelProps<SoapConfig>) {
  const wsdlUrl = config.wsdlUrl ?? '';
  const [load, setLoad] = useState<LoadState>(() => {
    const d = describedFor(config);
    return d ? { status: 'ok', description: d } : { status: 'idle' };
  });
  const [argsMode, setArgsMode] = useState<'form' | 'json'>('form');
  const abort = useRef<AbortController | null>(null);
  const wid = useFieldId();
  const templated = wsdlUrl.includes('{{');

  const doLoad = async (url = wsdlUrl) => {
    if (!url.trim() || url.includes('{{')) return;
    abort.current?.abort();
    const ctl = new AbortController();
    abort.current = ctl;
    setLoad({ status: 'loading' });
    try {
      // The node's connection opens a WSDL behind authentication, as it will when the flow runs.
      // …and with its client options, which change how the WSDL is read.
      const description = await api.soap.describe(
        url.trim(),
        config.connectionId || undefined,
        ctl.signal,
        config.clientOptions,
      );
      if (ctl.signal.aborted) return;
      rememberDescription({ ...config, wsdlUrl: url }, description);
      setLoad({ status: 'ok', description });
      // Pick the first service/port/operation when nothing (valid) is chosen yet.
      const chosen = pickOperation(description, config);
      if (
        chosen &&
        (chosen.service !== config.service || chosen.port !== config.port || chosen.operation !== config.operation)
      ) {
        replace({
          ...config,
          service: chosen.service,
          port: chosen.port,
          operation: chosen.operation,
          args: pruneArgs(config.args ?? {}, chosen.op.input),
        });
      }
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      const missing = err instanceof ApiError && err.status === 404 && /soap\/describe/.test(err.message);
      setLoad({
        status: 'error',
        message: missing
          ? t('panels.soap.noDescribe')
          : /HTTP 40[13]\b/.test(errorText(err)) && !config.connectionId
            ? t('panels.soap.needsCredentials', { error: errorText(err) })
            : errorText(err),
      });
    }
  };

  // A configured node reopened: load its WSDL once so the argument form is there.
  useEffect(() => {
    if (load.status === 'idle' && config.operation && wsdlUrl && !templated) void doLoad();
    return () => abort.current?.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const description = load.status === 'ok' ? load.description : undefined;
  const services = description?.services ?? [];
  const service =
    services.find((s) => s.name === config.service) ??
    services.find((s) => s.ports.some((p) => p.operations.some((o) => o.name === config.operation))) ??
    services[0];
  const ports = service?.ports ?? [];
  const port =
    ports.find((p) => p.name === config.port) ??
    ports.find((p) => p.operations.some((o) => o.name === config.operation)) ??
    ports[0];
  const operations = port?.operations ?? [];
  const op = operations.find((o) => o.name === config.operation);

  const choose = (patchSel: Partial<Pick<SoapConfig, 'service' | 'port' | 'operation'>>) => {
    const next = { ...config, ...patchSel };
    const svc = services.find((s) => s.name === next.service) ?? services[0];
    const prt = svc?.ports.find((p) => p.name === next.port) ?? svc?.ports[0];
    if (patchSel.service !== undefined) next.port = prt?.name;
    const ops = prt?.operations ?? [];
    if (!ops.some((o) => o.name === next.operation)) next.operation = ops[0]?.name;
    const nextOp = ops.find((o) => o.name === next.operation);
    next.args = nextOp ? pruneArgs(config.args ?? {}, nextOp.input) : config.args;
    replace(next);
  };

  const soapHeaderRows = useMemo(
    () =>
      Object.entries(config.soapHeaders ?? {}).map(([name, value]) => ({
        name,
        value: typeof value === 'string' ? value : JSON.stringify(value),
      })),
    [config.soapHeaders],
  );

  return (
    <>
      <div className="field">
        <div className="field-label-row">
          <label className="field-label" htmlFor={wid}>
            {t('panels.soap.wsdlUrl')}
          </label>
        </div>
        <div className="wsdl-line">
          <div className="grow">
            <TemplateField
              nodeId={nodeId}
              path="config.wsdlUrl"
              id={wid}
              value={wsdlUrl}
              onChange={(v) => {
                patch({ wsdlUrl: v }, 'wsdlUrl');
                const d = describedFor({ ...config, wsdlUrl: v });
                if (load.status !== 'loading') setLoad(d ? { status: 'ok', description: d } : { status: 'idle' });
              }}
              context="url"
              placeholder={WSDL_EXAMPLE}
              readOnly={readOnly}
              compact
              testId="soap-wsdl"
              ariaLabel={t('panels.soap.wsdlUrl')}
            />
          </div>
          <Button
            icon="download"
            onClick={() => void doLoad()}
            busy={load.status === 'loading'}
            disabled={!wsdlUrl.trim() || templated}
            data-testid="soap-load"
            title={templated ? t('panels.soap.loadTemplated') : t('panels.soap.loadTitle')}
          >
            {t('panels.soap.load')}
          </Button>
        </div>
        {templated && <div className="field-hint">{t('panels.soap.templatedHint')}</div>}
        {load.status === 'error' && (
          <p className="callout callout-danger" role="alert" data-testid="soap-load-error">
            <Icon name="alert" size={14} /> <span>{load.message}</span>
          </p>
        )}
      </div>

      {description ? (
        <>
          {services.length === 0 && <p className="callout callout-warning">{t('panels.soap.noServices')}</p>}
          <div className="grid-2">
            <Field label={t('panels.soap.service')}>
              <Select
                value={service?.name ?? ''}
                onChange={(v) => choose({ service: v })}
                options={services.map((s) => s.name)}
                disabled={readOnly}
                testId="soap-service"
                ariaLabel={t('panels.soap.service')}
              />
            </Field>
            <Field label={t('panels.soap.port')}>
              <Select
                value={port?.name ?? ''}
                onChange={(v) => choose({ port: v })}
                options={ports.map((p) => ({
                  value: p.name,
                  label: p.soapVersion ? `${p.name} (SOAP ${p.soapVersion})` : p.name,
                }))}
                disabled={readOnly}
                testId="soap-port"
                ariaLabel={t('panels.soap.port')}
              />
            </Field>
          </div>
          <Field
            label={t('panels.soap.operation')}
            issues={issues('operation')}
            hint={port?.address ? t('panels.soap.endpointFromWsdl', { address: port.address }) : undefined}
          >
            <Select
              value={op?.name ?? ''}
              onChange={(v) => choose({ operation: v })}
              options={operations.map((o) => o.name)}
              placeholder={operations.length ? t('panels.soap.chooseOperation') : t('panels.soap.noOperations')}
              disabled={readOnly}
              testId="soap-operation"
              ariaLabel={t('panels.soap.operation')}
            />
          </Field>
          {op?.documentation && <p className="field-hint">{op.documentation}</p>}
        </>
      ) : (
        <Field
          label={t('panels.soap.operation')}
          issues={issues('operation')}
          hint={load.status === 'idle' ? t('panels.soap.loadToPick') : undefined}
        >
          <input
            className="input mono"
            value={config.operation ?? ''}
            readOnly={readOnly}
            placeholder={OPERATION_EXAMPLE}
            onChange={(e) => patch({ operation: e.target.value }, 'operation')}
            data-testid="soap-operation-text"
          />
        </Field>
      )}

      <IvrTimeoutHint nodeId={nodeId} config={config as Record<string, unknown>} />

      <Section
        title={t('panels.soap.arguments')}
        testId="soap-args"
        aside={
          <Segmented
            value={argsMode}
            onChange={setArgsMode}
            options={[
              { value: 'form', label: t('panels.http.form') },
              { value: 'json', label: 'JSON' },
            ]}
            ariaLabel={t('panels.soap.argumentEditor')}
          />
        }
      >
        {argsMode === 'json' || !op ? (
          <>
            <JsonField
              value={config.args ?? {}}
              onChange={(v) => patch({ args: v as ArgObject }, 'args')}
              rows={6}
              readOnly={readOnly}
              testId="soap-args-json"
            />
            <p className="field-hint">{t('panels.soap.argsJsonHint')}</p>
          </>
        ) : op.input.fields?.length || op.input.attributes?.length ? (
          <ShapeFields
            nodeId={nodeId}
            shape={op.input}
            value={config.args ?? {}}
            path={['args']}
            onChange={(v) => patch({ args: v as ArgObject }, 'args')}
            readOnly={readOnly}
          />
        ) : (
          <p className="field-hint">{t('panels.soap.noArguments')}</p>
        )}
        <Checkbox
          label={t('panels.soap.omitEmpty')}
          checked={config.omitEmpty === true}
          disabled={readOnly}
          onChange={(on) => patch({ omitEmpty: on || undefined }, 'omitEmpty')}
          testId="soap-omit-empty"
        />
      </Section>

      {op && op.output.fields && op.output.fields.length > 0 && (
        <Section title={t('panels.soap.output')}>
          <p className="field-hint">{t('panels.soap.outputHint')}</p>
          <ul className="output-fields">
            {op.output.fields.slice(0, 12).map((f) => (
              <li key={f.name}>
                <code>{`nodes.${nodeName}.result.${f.name}`}</code>
                <span className="muted">
                  {f.fields ? 'object' : f.type}
                  {f.array ? '[]' : ''}
                </span>
              </li>
            ))}
          </ul>
        </Section>
      )}

      <Section title={t('panels.soap.headers')}>
        <NameValueTable
          nodeId={nodeId}
          basePath={SOAP_HEADERS_PATH}
          rows={soapHeaderRows}
          onChange={(rows, f) =>
            patch(
              { soapHeaders: Object.fromEntries(rows.filter((r) => r.name || r.value).map((r) => [r.name, r.value])) },
              f,
            )
          }
          context="xml"
          issues={() => []}
          readOnly={readOnly}
          addLabel={t('panels.soap.addHeader')}
          namePlaceholder={t('panels.soap.element')}
        />
      </Section>

      <Section title={t('panels.options')}>
        <TemplateField
          nodeId={nodeId}
          path="config.endpoint"
          value={config.endpoint ?? ''}
          onChange={(v) => patch({ endpoint: v || undefined }, 'endpoint')}
          context="url"
          label={t('panels.soap.endpoint')}
          placeholder={port?.address ?? t('panels.soap.endpointPlaceholder')}
          readOnly={readOnly}
        />
        <RequestSettingsFields config={config} patch={patch} issues={issues} readOnly={readOnly} />
      </Section>
      <SoapAdvanced
        value={config.clientOptions}
        onChange={(clientOptions) => patch({ clientOptions }, 'clientOptions')}
        issues={issues('').filter((i) => i.path.startsWith('config.clientOptions'))}
        readOnly={readOnly}
      />
      <p className="panel-outputs">
        <Icon name="info" size={13} />{' '}
        {tRich(
          'panels.soap.outputs',
          { code: (s) => <code>{s}</code>, b: (s) => <b>{s}</b> },
          { error: handleLabel(soapNode.type, 'error') },
        )}
      </p>
    </>
  );
}

function pickOperation(
  d: SoapDescription,
  c: SoapConfig,
): { service: string; port: string; operation: string; op: SoapOperationDescription } | null {
  const chosen = findOperation(d, c);
  if (chosen) {
    for (const s of d.services)
      for (const p of s.ports)
        if (p.operations.includes(chosen)) return { service: s.name, port: p.name, operation: chosen.name, op: chosen };
  }
  const s = d.services[0];
  const p = s?.ports[0];
  const op = p?.operations[0];
  return s && p && op ? { service: s.name, port: p.name, operation: op.name, op } : null;
}

export const soapPanel = definePanel(soapNode, { icon: 'soap', Panel: SoapPanel });
