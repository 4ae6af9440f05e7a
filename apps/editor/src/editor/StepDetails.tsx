/**
 * One executed node: status, timing, the rendered request it sent and the response it got. The
 * parts of the response (or output) later nodes read have clickable keys that insert their tokens.
 */
import { useState } from 'react';
import { getNodeSpec, stepOutput } from '@callflow/flow';
import type { StepRecord } from '../api/types';
import { t, tRich } from '../i18n/i18n';
import { handleLabel } from '../i18n/node-text';
import { Badge, formatMs, pretty } from '../ui/components';
import { Icon } from '../ui/icons';
import { RunData } from './RunData';
import { useEditor } from './store';
import { pickToken } from './token-target';

/** The tokens that read the step's parts: a part is clickable when it is what the node's output holds. */
function useTokenBases(step: StepRecord): { body?: string; headers?: string; output?: string } {
  const name = useEditor((s) => s.nodes.find((n) => n.id === step.nodeId)?.data.name) ?? step.name;
  const out = stepOutput(getNodeSpec(step.type), step);
  const base = `nodes.${name}`;
  const part = (key: string, value: unknown) =>
    value !== undefined && out && typeof out === 'object' && (out as Record<string, unknown>)[key] === value
      ? `${base}.${key}`
      : undefined;
  return {
    body: part('body', step.response?.body),
    headers: part('headers', step.response?.headers),
    output: out !== undefined && out === step.output ? base : undefined,
  };
}

/** `chunk`: how to name the batch chunk the step ran for ("chunk 1 of 6"; see step-labels.ts). */
export function StepDetails({ step, chunk }: { step: StepRecord; chunk?: string }) {
  const ok = step.status === 'succeeded';
  const bases = useTokenBases(step);
  return (
    <div className="step" data-testid="step-details">
      <div className="step-head">
        <Badge tone={ok ? 'success' : 'danger'}>{ok ? t('editor.step.succeeded') : t('editor.step.failed')}</Badge>
        <span className="step-meta">
          <Icon name="clock" size={13} /> {formatMs(step.durationMs)}
        </span>
        {step.handle && (
          <span className="step-meta">
            {tRich('editor.step.leftBy', { b: (s) => <b>{s}</b> }, { handle: handleLabel(step.type, step.handle) })}
          </span>
        )}
        {step.attempts && step.attempts > 1 ? (
          <span className="step-meta">{t('editor.step.attempts', { count: step.attempts })}</span>
        ) : null}
        {step.chunk !== undefined && (
          <span className="step-meta" data-testid="step-chunk">
            {chunk ?? t('editor.step.chunk', { n: step.chunk + 1 })}
          </span>
        )}
        <span className="step-meta muted">#{step.seq}</span>
      </div>
      {step.error && (
        <div className="callout callout-danger" data-testid="step-error">
          <Icon name="alert" size={14} />
          <div>
            <b>{step.error.code}</b>
            <div className="pre-wrap">{step.error.message}</div>
          </div>
        </div>
      )}
      {step.request && (
        <section className="step-section">
          <h4>{t('editor.step.request')}</h4>
          <div className="req-line" data-testid="step-request-line">
            <span className="method">{step.request.method}</span>
            <code className="url">{step.request.url}</code>
          </div>
          {step.request.operation && (
            <div className="kv">
              <span>{t('editor.step.operation')}</span>
              <code>{step.request.operation}</code>
            </div>
          )}
          <HeaderList headers={step.request.headers} />
          {step.request.args !== undefined && <Code label={t('editor.step.arguments')} value={step.request.args} />}
          {step.request.body !== undefined && step.request.body !== '' && (
            <Code label={t('editor.step.body')} value={step.request.body} testId="step-request-body" />
          )}
        </section>
      )}
      {step.response && (
        <section className="step-section">
          <h4>
            {t('editor.step.response')}{' '}
            {step.response.status !== undefined && (
              <Badge
                tone={step.response.status < 300 ? 'success' : step.response.status < 500 ? 'warning' : 'danger'}
                testId="step-response-status"
              >
                {step.response.status}
              </Badge>
            )}
            {step.response.truncated && <Badge tone="warning">{t('editor.step.truncated')}</Badge>}
          </h4>
          <HeaderList headers={step.response.headers} base={bases.headers} />
          {step.response.body !== undefined && (
            <RunData
              label={t('editor.step.body')}
              value={step.response.body}
              base={bases.body}
              testId="step-response-body"
            />
          )}
        </section>
      )}
      {step.output !== undefined && !step.request && (
        <section className="step-section">
          <h4>{t('editor.step.output')}</h4>
          <RunData value={step.output} base={bases.output} testId="step-output" />
        </section>
      )}
    </div>
  );
}

function HeaderList({ headers, base }: { headers?: Record<string, string>; base?: string }) {
  const [open, setOpen] = useState(false);
  const entries = Object.entries(headers ?? {});
  if (!entries.length) return null;
  return (
    <div className="headers">
      <button type="button" className="link" onClick={() => setOpen(!open)} aria-expanded={open}>
        <Icon name={open ? 'chevronDown' : 'chevronRight'} size={13} />{' '}
        {t('editor.step.headers', { count: entries.length })}
      </button>
      {open && (
        <dl className="header-list">
          {entries.map(([k, v]) => (
            <div key={k}>
              <dt>
                {base && /^[\w-]+$/.test(k) ? (
                  <button
                    type="button"
                    className="rd-key"
                    data-token={`${base}.${k}`}
                    onClick={() => void pickToken(`${base}.${k}`)}
                  >
                    {k}
                  </button>
                ) : (
                  k
                )}
              </dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}

export function Code({ label, value, testId }: { label?: string; value: unknown; testId?: string }) {
  const text = pretty(value);
  return (
    <div className="code-block">
      {label && <div className="code-label">{label}</div>}
      <pre data-testid={testId}>{text || <span className="muted">{t('editor.runData.empty')}</span>}</pre>
    </div>
  );
}
