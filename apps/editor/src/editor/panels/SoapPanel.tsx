import { useEffect, useMemo, useRef, useState } from 'react';
import type { SoapArg } from '@callflow/flow';
import { api, ApiError, errorText } from '../../api/client';
import type { SoapDescription, SoapField, SoapOperationDescription, SoapShape } from '../../api/types';
import { Button } from '../../ui/components';
import { Field, JsonField, Segmented, Select, useFieldId } from '../../ui/form';
import { Icon } from '../../ui/icons';
import { TemplateField } from '../TemplateField';
import { IvrTimeoutHint } from './HttpPanel';
import { NameValueTable, RequestSettingsFields, Section } from './shared';
import type { PanelDef, PanelProps } from './types';

type ArgObject = { [key: string]: SoapArg };

interface SoapConfig {
  wsdlUrl?: string;
  service?: string;
  port?: string;
  operation?: string;
  args?: ArgObject;
  soapHeaders?: ArgObject;
  endpoint?: string;
  connectionId?: string;
  timeoutMs?: number;
  retry?: { attempts?: number; backoffMs?: number };
}

/** Descriptions by WSDL URL and connection, kept while the editor is open (reopening a node does not reload). */
const described = new Map<string, SoapDescription>();
const describedKey = (url: string, connectionId: string | undefined) => `${connectionId ?? ''} ${url}`;

type LoadState = { status: 'idle' } | { status: 'loading' } | { status: 'error'; message: string } | { status: 'ok'; description: SoapDescription };

/** SOAP request: WSDL → Load → service, port, operation → argument fields from the operation's input. */
function SoapPanel({ nodeId, nodeName, config, patch, replace, issues, readOnly }: PanelProps<SoapConfig>) {
  const wsdlUrl = config.wsdlUrl ?? '';
  const [load, setLoad] = useState<LoadState>(() => {
    const d = described.get(describedKey(wsdlUrl, config.connectionId));
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
      const description = await api.soap.describe(url.trim(), config.connectionId || undefined, ctl.signal);
      if (ctl.signal.aborted) return;
      described.set(describedKey(url, config.connectionId), description);
      setLoad({ status: 'ok', description });
      // Pick the first service/port/operation when nothing (valid) is chosen yet.
      const chosen = pickOperation(description, config);
      if (chosen && (chosen.service !== config.service || chosen.port !== config.port || chosen.operation !== config.operation)) {
        replace({ ...config, service: chosen.service, port: chosen.port, operation: chosen.operation, args: pruneArgs(config.args ?? {}, chosen.op.input) });
      }
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      const missing = err instanceof ApiError && err.status === 404 && /soap\/describe/.test(err.message);
      setLoad({
        status: 'error',
        message: missing
          ? 'This server cannot read WSDLs yet (POST /api/v1/soap/describe is not available). Type the operation and its arguments (JSON) by hand meanwhile.'
          : /HTTP 40[13]\b/.test(errorText(err)) && !config.connectionId
            ? `${errorText(err)} — the WSDL needs credentials: choose the node's connection and load again.`
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
  const service = services.find((s) => s.name === config.service) ?? services.find((s) => s.ports.some((p) => p.operations.some((o) => o.name === config.operation))) ?? services[0];
  const ports = service?.ports ?? [];
  const port = ports.find((p) => p.name === config.port) ?? ports.find((p) => p.operations.some((o) => o.name === config.operation)) ?? ports[0];
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
    () => Object.entries(config.soapHeaders ?? {}).map(([name, value]) => ({ name, value: typeof value === 'string' ? value : JSON.stringify(value) })),
    [config.soapHeaders],
  );

  return (
    <>
      <div className="field">
        <div className="field-label-row">
          <label className="field-label" htmlFor={wid}>
            WSDL URL
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
                const d = described.get(describedKey(v, config.connectionId));
                if (load.status !== 'loading') setLoad(d ? { status: 'ok', description: d } : { status: 'idle' });
              }}
              context="url"
              placeholder="https://legacy.example.com/CustomerService?wsdl"
              readOnly={readOnly}
              compact
              testId="soap-wsdl"
              ariaLabel="WSDL URL"
            />
          </div>
          <Button icon="download" onClick={() => void doLoad()} busy={load.status === 'loading'} disabled={!wsdlUrl.trim() || templated} data-testid="soap-load" title={templated ? 'Load needs a URL without tokens' : 'Read the services and operations of this WSDL'}>
            Load
          </Button>
        </div>
        {templated && <div className="field-hint">The URL has tokens, so it cannot be loaded here; type the operation and arguments by hand or load a literal URL first.</div>}
        {load.status === 'error' && (
          <p className="callout callout-danger" role="alert" data-testid="soap-load-error">
            <Icon name="alert" size={14} /> <span>{load.message}</span>
          </p>
        )}
      </div>

      {description ? (
        <>
          {services.length === 0 && <p className="callout callout-warning">This WSDL describes no services.</p>}
          <div className="grid-2">
            <Field label="Service">
              <Select value={service?.name ?? ''} onChange={(v) => choose({ service: v })} options={services.map((s) => s.name)} disabled={readOnly} testId="soap-service" ariaLabel="Service" />
            </Field>
            <Field label="Port">
              <Select
                value={port?.name ?? ''}
                onChange={(v) => choose({ port: v })}
                options={ports.map((p) => ({ value: p.name, label: p.soapVersion ? `${p.name} (SOAP ${p.soapVersion})` : p.name }))}
                disabled={readOnly}
                testId="soap-port"
                ariaLabel="Port"
              />
            </Field>
          </div>
          <Field label="Operation" issues={issues('operation')} hint={port?.address ? `Endpoint from the WSDL: ${port.address}` : undefined}>
            <Select
              value={op?.name ?? ''}
              onChange={(v) => choose({ operation: v })}
              options={operations.map((o) => o.name)}
              placeholder={operations.length ? 'Choose an operation' : 'No operations'}
              disabled={readOnly}
              testId="soap-operation"
              ariaLabel="Operation"
            />
          </Field>
          {op?.documentation && <p className="field-hint">{op.documentation}</p>}
        </>
      ) : (
        <Field label="Operation" issues={issues('operation')} hint={load.status === 'idle' ? 'Load the WSDL to pick from its operations.' : undefined}>
          <input className="input mono" value={config.operation ?? ''} readOnly={readOnly} placeholder="GetCustomer" onChange={(e) => patch({ operation: e.target.value }, 'operation')} data-testid="soap-operation-text" />
        </Field>
      )}

      <IvrTimeoutHint nodeId={nodeId} config={config as Record<string, unknown>} />

      <Section
        title="Arguments"
        testId="soap-args"
        aside={<Segmented value={argsMode} onChange={setArgsMode} options={[{ value: 'form', label: 'Form' }, { value: 'json', label: 'JSON' }]} ariaLabel="Argument editor" />}
      >
        {argsMode === 'json' || !op ? (
          <>
            <JsonField value={config.args ?? {}} onChange={(v) => patch({ args: v as ArgObject }, 'args')} rows={6} readOnly={readOnly} testId="soap-args-json" />
            <p className="field-hint">Nested objects and arrays as node-soap takes them; every text value is a template (XML-escaped when sent).</p>
          </>
        ) : op.input.fields?.length || op.input.attributes?.length ? (
          <ShapeFields nodeId={nodeId} shape={op.input} value={config.args ?? {}} path={['args']} onChange={(v) => patch({ args: v as ArgObject }, 'args')} readOnly={readOnly} />
        ) : (
          <p className="field-hint">This operation takes no arguments.</p>
        )}
      </Section>

      {op && op.output.fields && op.output.fields.length > 0 && (
        <Section title="Output">
          <p className="field-hint">Later nodes read the result as tokens:</p>
          <ul className="output-fields">
            {op.output.fields.slice(0, 12).map((f) => (
              <li key={f.name}>
                <code>
                  nodes.{nodeName}.result.{f.name}
                </code>
                <span className="muted">{f.fields ? 'object' : f.type}{f.array ? '[]' : ''}</span>
              </li>
            ))}
          </ul>
        </Section>
      )}

      <Section title="SOAP headers">
        <NameValueTable
          nodeId={nodeId}
          basePath="config.soapHeaders"
          rows={soapHeaderRows}
          onChange={(rows, f) => patch({ soapHeaders: Object.fromEntries(rows.filter((r) => r.name || r.value).map((r) => [r.name, r.value])) }, f)}
          context="xml"
          issues={() => []}
          readOnly={readOnly}
          addLabel="Add SOAP header"
          namePlaceholder="Element"
        />
      </Section>

      <Section title="Options">
        <TemplateField
          nodeId={nodeId}
          path="config.endpoint"
          value={config.endpoint ?? ''}
          onChange={(v) => patch({ endpoint: v || undefined }, 'endpoint')}
          context="url"
          label="Endpoint override"
          placeholder={port?.address ?? 'The address given in the WSDL'}
          readOnly={readOnly}
        />
        <RequestSettingsFields config={config} patch={patch} issues={issues} readOnly={readOnly} />
      </Section>
      <p className="panel-outputs">
        <Icon name="info" size={13} /> Output: <code>result</code> (parsed), <code>headers</code>. A SOAP fault, timeout or network failure leaves by <b>error</b>.
      </p>
    </>
  );
}

function pickOperation(d: SoapDescription, c: SoapConfig): { service: string; port: string; operation: string; op: SoapOperationDescription } | null {
  for (const s of d.services) {
    if (c.service && s.name !== c.service) continue;
    for (const p of s.ports) {
      if (c.port && p.name !== c.port) continue;
      const op = p.operations.find((o) => o.name === c.operation);
      if (op) return { service: s.name, port: p.name, operation: op.name, op };
    }
  }
  const s = d.services[0];
  const p = s?.ports[0];
  const op = p?.operations[0];
  return s && p && op ? { service: s.name, port: p.name, operation: op.name, op } : null;
}

/** Keeps the argument values whose names the new operation's input still has. */
function pruneArgs(args: ArgObject, shape: SoapShape): ArgObject {
  if (!shape.fields) return {};
  const names = new Set(shape.fields.map((f) => f.name));
  if (shape.attributes?.length) names.add('attributes');
  return Object.fromEntries(Object.entries(args).filter(([k]) => names.has(k)));
}

function isObject(v: unknown): v is ArgObject {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** Sets (or, for an empty value, removes) a key. */
function withKey(obj: ArgObject, key: string, value: SoapArg | undefined): ArgObject {
  const next = { ...obj };
  if (value === undefined || value === '' || (isObject(value) && Object.keys(value).length === 0) || (Array.isArray(value) && value.length === 0)) delete next[key];
  else next[key] = value;
  return next;
}

/** The fields of an object shape, each as a template field, a nested group or a repeatable list. */
function ShapeFields({ nodeId, shape, value, path, onChange, readOnly }: { nodeId: string; shape: SoapShape; value: SoapArg; path: string[]; onChange(v: ArgObject): void; readOnly: boolean }) {
  const obj = isObject(value) ? value : {};
  const attrs = isObject(obj.attributes) ? obj.attributes : {};
  return (
    <div className="shape-fields">
      {shape.attributes?.map((a) => (
        <TemplateField
          key={`@${a.name}`}
          nodeId={nodeId}
          path={`config.${[...path, 'attributes', a.name].join('.')}`}
          value={typeof attrs[a.name] === 'string' ? (attrs[a.name] as string) : ''}
          onChange={(v) => onChange(withKey(obj, 'attributes', withKey(attrs, a.name, v)))}
          context="text"
          label={
            <>
              @{a.name} <span className="type-tag">{a.type ?? 'attribute'}</span>
            </>
          }
          compact
          readOnly={readOnly}
        />
      ))}
      {shape.fields?.map((f) => (
        <ShapeField key={f.name} nodeId={nodeId} field={f} value={obj[f.name]} path={[...path, f.name]} onChange={(v) => onChange(withKey(obj, f.name, v))} readOnly={readOnly} />
      ))}
    </div>
  );
}

function ShapeField({ nodeId, field, value, path, onChange, readOnly }: { nodeId: string; field: SoapField; value: SoapArg | undefined; path: string[]; onChange(v: SoapArg | undefined): void; readOnly: boolean }) {
  const complex = field.type === 'object' || !!field.fields;
  const typeTag = (
    <span className="type-tag">
      {complex ? 'object' : field.type}
      {field.array ? '[]' : ''}
    </span>
  );
  if (field.recursive || field.truncated) {
    return (
      <Field label={<>{field.name} {typeTag}</>} hint="This type nests itself; edit it as JSON.">
        <JsonField value={value ?? {}} onChange={(v) => onChange(v as SoapArg)} rows={3} readOnly={readOnly} expect="any" />
      </Field>
    );
  }
  if (field.array) {
    const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
    return (
      <fieldset className="shape-group">
        <legend>
          {field.name} {typeTag}
        </legend>
        {list.map((item, i) => (
          <div key={i} className="shape-item">
            <div className="grow">
              {complex ? (
                <ShapeFields nodeId={nodeId} shape={field} value={item} path={[...path, String(i)]} onChange={(v) => onChange(list.map((x, j) => (j === i ? v : x)))} readOnly={readOnly} />
              ) : (
                <TemplateField nodeId={nodeId} path={`config.${[...path, i].join('.')}`} value={typeof item === 'string' ? item : String(item ?? '')} onChange={(v) => onChange(list.map((x, j) => (j === i ? v : x)))} context="text" compact readOnly={readOnly} ariaLabel={`${field.name} ${i + 1}`} />
              )}
            </div>
            {!readOnly && (
              <button type="button" className="btn btn-ghost btn-icon btn-sm" aria-label={`Remove ${field.name} ${i + 1}`} onClick={() => onChange(list.filter((_, j) => j !== i))}>
                <Icon name="x" size={14} />
              </button>
            )}
          </div>
        ))}
        {!readOnly && (
          <Button size="sm" variant="ghost" icon="plus" onClick={() => onChange([...list, complex ? {} : ''])}>
            Add {field.name}
          </Button>
        )}
      </fieldset>
    );
  }
  if (complex) {
    return (
      <fieldset className="shape-group">
        <legend>
          {field.name} {typeTag}
        </legend>
        <ShapeFields nodeId={nodeId} shape={field} value={value ?? {}} path={path} onChange={(v) => onChange(v)} readOnly={readOnly} />
      </fieldset>
    );
  }
  const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  return (
    <div className="shape-leaf">
      <TemplateField
        nodeId={nodeId}
        path={`config.${path.join('.')}`}
        value={text}
        onChange={(v) => onChange(v)}
        context="text"
        label={
          <>
            {field.name} {typeTag}
          </>
        }
        placeholder={field.enum ? field.enum.join(' | ') : placeholderFor(field.type)}
        compact
        readOnly={readOnly}
        testId={`soap-arg-${path.slice(1).join('-')}`}
      />
      {field.enum && !readOnly && (
        <div className="enum-picks">
          {field.enum.slice(0, 8).map((e) => (
            <button key={e} type="button" className={`chip${text === e ? ' on' : ''}`} onClick={() => onChange(e)}>
              {e}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

function placeholderFor(type: string): string {
  const t = type.replace(/^\w+:/, '');
  if (/int|long|short|decimal|double|float/i.test(t)) return `${t} (e.g. 42 or {{call.durationSec}})`;
  if (/bool/i.test(t)) return 'true or false';
  if (/date/i.test(t)) return `${t} (e.g. {{call.startedAt}})`;
  return t;
}

export const soapPanel: PanelDef = {
  type: 'soap',
  icon: 'soap',
  Panel: SoapPanel as PanelDef['Panel'],
  initialConfig: ({ triggerType }) => ({ wsdlUrl: '', operation: '', args: {}, ...(triggerType === 'trigger.ivr' ? { timeoutMs: 2000 } : {}) }),
};
