/** Building blocks shared by the node panels: name/value tables, timeout and retry, connection. */
import { useEffect, useState, type ReactNode } from 'react';
import {
  MAX_CONCURRENT_RUNS_LIMIT,
  type FormField,
  type NameValue,
  type TemplateContext,
  type ValidationIssue,
} from '@callflow/flow';
import { loadConnections } from '../../api/connections-cache';
import type { Connection } from '../../api/types';
import { Button } from '../../ui/components';
import { Field, Issues, NumberInput, TextInput, useFieldId } from '../../ui/form';
import { Icon } from '../../ui/icons';
import { t, tRich } from '../../i18n/i18n';
import { handleLabel } from '../../i18n/node-text';
import { TemplateField } from '../TemplateField';
import { CONTEXT_INFO } from '../template-hints';

export function Section({
  title,
  children,
  aside,
  testId,
}: {
  title: ReactNode;
  children: ReactNode;
  aside?: ReactNode;
  testId?: string;
}) {
  return (
    <section className="panel-section" data-testid={testId}>
      <div className="panel-section-head">
        <h4>{title}</h4>
        {aside}
      </div>
      {children}
    </section>
  );
}

/** A form field row: a JSON value may leave out its empty members (RetailCRM's JSON-in-form style). */
export type FormFieldRow = FormField;

/** Rows of name + templated value (query, headers, form fields, set values, SOAP headers). */
export function NameValueTable({
  nodeId,
  basePath,
  rows,
  onChange,
  context,
  issues,
  readOnly,
  namePlaceholder = t('panels.row.name'),
  valuePlaceholder = t('panels.row.value'),
  addLabel = t('common.add'),
  testId,
  contextOf,
  rowExtra,
}: {
  nodeId: string;
  /** Issue path of the list, relative to the node (`config.headers`). */
  basePath: string;
  rows: NameValue[];
  onChange(rows: NameValue[], field?: string): void;
  context: TemplateContext;
  issues(path: string): ValidationIssue[];
  readOnly: boolean;
  namePlaceholder?: string;
  valuePlaceholder?: string;
  addLabel?: string;
  testId?: string;
  /** A row's own context (e.g. a JSON form field), else `context`. */
  contextOf?(row: NameValue): TemplateContext;
  /** Extra controls under a row's value (gets a setter that keeps the row's other fields). */
  rowExtra?(row: NameValue, i: number, set: (patch: Record<string, unknown>) => void): ReactNode;
}) {
  const rel = basePath.replace(/^config\.?/, '');
  const set = (i: number, patch: Partial<NameValue>, field: string) =>
    onChange(
      rows.map((r, j) => (j === i ? { ...r, ...patch } : r)),
      `${rel}.${i}.${field}`,
    );
  return (
    <div className="nv-table" data-testid={testId}>
      {rows.length > 0 && (
        <div className="nv-head">
          <span>{namePlaceholder}</span>
          <span>
            {valuePlaceholder}{' '}
            <span className="ctx-chip" title={CONTEXT_INFO[context].help}>
              {CONTEXT_INFO[context].label}
            </span>
          </span>
        </div>
      )}
      {rows.map((row, i) => (
        <div className="nv-row" key={i}>
          <div className="nv-name">
            <TextInput
              value={row.name}
              onChange={(v) => set(i, { name: v }, 'name')}
              placeholder={namePlaceholder}
              readOnly={readOnly}
              invalid={issues(`${rel}.${i}.name`).length > 0}
              testId={testId ? `${testId}-name-${i}` : undefined}
              ariaLabel={`${namePlaceholder} ${i + 1}`}
            />
            <Issues issues={issues(`${rel}.${i}.name`)} />
          </div>
          <div className="nv-value">
            <TemplateField
              nodeId={nodeId}
              path={`${basePath}.${i}.value`}
              value={row.value}
              onChange={(v) => set(i, { value: v }, 'value')}
              context={contextOf?.(row) ?? context}
              placeholder={valuePlaceholder}
              readOnly={readOnly}
              compact
              testId={testId ? `${testId}-value-${i}` : undefined}
              ariaLabel={`${valuePlaceholder} ${i + 1}`}
            />
            {rowExtra?.(row, i, (p) => set(i, p as Partial<NameValue>, 'options'))}
          </div>
          {!readOnly && (
            <button
              type="button"
              className="btn btn-ghost btn-icon btn-sm nv-del"
              aria-label={t('panels.row.remove', { n: i + 1 })}
              onClick={() => onChange(rows.filter((_, j) => j !== i))}
            >
              <Icon name="x" size={14} />
            </button>
          )}
        </div>
      ))}
      {!readOnly && (
        <Button
          size="sm"
          variant="ghost"
          icon="plus"
          onClick={() => onChange([...rows, { name: '', value: '' }])}
          data-testid={testId ? `${testId}-add` : undefined}
        >
          {addLabel}
        </Button>
      )}
    </div>
  );
}

interface RequestSettings {
  timeoutMs?: number;
  retry?: { attempts?: number; backoffMs?: number };
  connectionId?: string;
}

/** Timeout, retry and connection of a request node. */
export function RequestSettingsFields({
  config,
  patch,
  issues,
  readOnly,
}: {
  config: RequestSettings;
  patch(p: Partial<RequestSettings>, field?: string): void;
  issues(path: string): ValidationIssue[];
  readOnly: boolean;
}) {
  const tid = useFieldId();
  const aid = useFieldId();
  const bid = useFieldId();
  const retry = config.retry ?? {};
  const setRetry = (p: { attempts?: number; backoffMs?: number }, field: string) => {
    const next = { ...retry, ...p };
    for (const k of Object.keys(next) as (keyof typeof next)[]) if (next[k] === undefined) delete next[k];
    patch({ retry: Object.keys(next).length ? next : undefined } as Partial<RequestSettings>, field);
  };
  return (
    <>
      <ConnectionField
        value={config.connectionId}
        onChange={(v) => patch({ connectionId: v } as Partial<RequestSettings>, 'connectionId')}
        issues={issues('connectionId')}
        readOnly={readOnly}
      />
      <div className="grid-3">
        <Field label={t('panels.request.timeout')} htmlFor={tid} issues={issues('timeoutMs')}>
          <NumberInput
            id={tid}
            value={config.timeoutMs}
            onChange={(v) => patch({ timeoutMs: v } as Partial<RequestSettings>, 'timeoutMs')}
            placeholder="10000"
            min={1}
            max={120000}
            suffix={t('panels.unit.ms')}
            readOnly={readOnly}
            testId="timeout"
          />
        </Field>
        <Field label={t('panels.request.attempts')} htmlFor={aid} issues={issues('retry.attempts')}>
          <NumberInput
            id={aid}
            value={retry.attempts}
            onChange={(v) => setRetry({ attempts: v }, 'retry.attempts')}
            placeholder="1"
            min={1}
            max={10}
            readOnly={readOnly}
            testId="retry-attempts"
          />
        </Field>
        <Field label={t('panels.request.backoff')} htmlFor={bid} issues={issues('retry.backoffMs')}>
          <NumberInput
            id={bid}
            value={retry.backoffMs}
            onChange={(v) => setRetry({ backoffMs: v }, 'retry.backoffMs')}
            placeholder="500"
            min={0}
            max={60000}
            suffix={t('panels.unit.ms')}
            readOnly={readOnly}
          />
        </Field>
      </div>
      <p className="field-hint">
        {tRich('panels.request.retryHint', { b: (s) => <b>{s}</b> }, { error: handleLabel('http', 'error') })}
      </p>
    </>
  );
}

/** Picks a tenant connection (credentials live there, never in the flow). */
export function ConnectionField({
  value,
  onChange,
  issues,
  readOnly,
}: {
  value?: string;
  onChange(v: string | undefined): void;
  issues: ValidationIssue[];
  readOnly: boolean;
}) {
  const id = useFieldId();
  const [list, setList] = useState<Connection[] | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    void loadConnections().then((l) => live && setList(l));
    return () => {
      live = false;
    };
  }, []);
  return (
    <Field label={t('panels.connection.label')} htmlFor={id} issues={issues} hint={t('panels.connection.hint')}>
      {list && list.length > 0 ? (
        <select
          id={id}
          className="input select"
          value={value ?? ''}
          disabled={readOnly}
          onChange={(e) => onChange(e.target.value || undefined)}
        >
          <option value="">{t('panels.connection.none')}</option>
          {list.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} ({c.type})
            </option>
          ))}
          {value && !list.some((c) => c.id === value) && (
            <option value={value}>{t('panels.connection.notFound', { id: value })}</option>
          )}
        </select>
      ) : (
        <TextInput
          id={id}
          value={value ?? ''}
          onChange={(v) => onChange(v.trim() ? v.trim() : undefined)}
          placeholder={t('panels.connection.idPlaceholder')}
          readOnly={readOnly}
          mono
        />
      )}
    </Field>
  );
}

/** The per-flow run limit of the async triggers (campaign, end of call). */
export function MaxConcurrentRunsField({
  value,
  onChange,
  issues,
  readOnly,
}: {
  value?: number;
  onChange(v: number | undefined): void;
  issues: ValidationIssue[];
  readOnly: boolean;
}) {
  const id = useFieldId();
  return (
    <Field label={t('panels.maxRuns.label')} htmlFor={id} issues={issues} hint={t('panels.maxRuns.hint')}>
      <NumberInput
        id={id}
        value={value}
        onChange={onChange}
        placeholder={t('panels.maxRuns.none')}
        min={1}
        max={MAX_CONCURRENT_RUNS_LIMIT}
        readOnly={readOnly}
        testId="max-concurrent-runs"
      />
    </Field>
  );
}
