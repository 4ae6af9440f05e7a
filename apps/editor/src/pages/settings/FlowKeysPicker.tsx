/**
 * An API key's flow restriction: the tenant's flows to tick (by name, with their key), nothing
 * ticked meaning every flow. Typing keys by hand let a typo restrict a key to a flow that does not
 * exist; without flows.read the flows cannot be listed, and keys are typed as before.
 */
import { useEffect, useMemo, useState } from 'react';
import { api, errorText } from '../../api/client';
import type { FlowSummary } from '../../api/types';
import { Checkbox } from '../../ui/form';
import { ListInput } from '../../ui/list-json-inputs';
import { t } from '../../i18n/i18n';

/** Pages read at most (200 flows each): a tenant with more filters by name. */
const MAX_PAGES = 10;

async function allFlows(): Promise<FlowSummary[]> {
  const out: FlowSummary[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await api.flows.list({ limit: 200, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return out;
}

export function FlowKeysPicker({
  id,
  value,
  onChange,
}: {
  id: string;
  value: string[] | undefined;
  onChange(keys: string[] | undefined): void;
}) {
  const [flows, setFlows] = useState<FlowSummary[] | { error: string } | null>(null);
  const [q, setQ] = useState('');
  useEffect(() => {
    let live = true;
    allFlows().then(
      (items) => live && setFlows(items),
      (err: unknown) => live && setFlows({ error: errorText(err) }),
    );
    return () => {
      live = false;
    };
  }, []);
  const chosen = useMemo(() => new Set(value ?? []), [value]);
  if (flows === null) return <p className="muted small">{t('settings.flowPicker.loading')}</p>;
  if ('error' in flows) {
    return (
      <>
        <p className="muted small">{t('settings.flowPicker.failed', { reason: flows.error })}</p>
        <ListInput
          id={id}
          value={value}
          onChange={onChange}
          placeholder={t('settings.flowPicker.typed.placeholder')}
          testId="api-key-flows"
        />
      </>
    );
  }
  const toggle = (key: string, on: boolean) => {
    const next = on ? [...chosen, key] : [...chosen].filter((k) => k !== key);
    onChange(next.length ? next : undefined);
  };
  const needle = q.trim().toLowerCase();
  const shown = flows.filter((f) => !needle || `${f.name} ${f.key}`.toLowerCase().includes(needle));
  return (
    <div className="flow-picker" data-testid="api-key-flows">
      <p className="muted small" data-testid="api-key-flows-summary">
        {chosen.size ? t('settings.flowPicker.only', { count: chosen.size }) : t('settings.flowPicker.all')}
      </p>
      {flows.length > 8 && (
        <input
          id={id}
          className="input"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          placeholder={t('settings.flowPicker.filter')}
          aria-label={t('settings.flowPicker.filter')}
        />
      )}
      <div className="flow-picker-list">
        {flows.length === 0 && <p className="muted small">{t('settings.flowPicker.none')}</p>}
        {shown.map((f) => (
          <Checkbox
            key={f.id}
            checked={chosen.has(f.key)}
            onChange={(on) => toggle(f.key, on)}
            label={
              <>
                {f.name} <span className="mono muted small">{f.key}</span>
              </>
            }
            testId={`api-key-flow-${f.key}`}
          />
        ))}
      </div>
    </div>
  );
}
