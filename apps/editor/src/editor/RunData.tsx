/**
 * A run's JSON data (a response body, a node's output) laid out as JSON.stringify(v, null, 2)
 * would, its keys buttons: a click puts the key's token (`{{nodes.crm.body.customer.name}}`) into
 * the template field focused last, or on the clipboard (token-target.ts). The text stays the
 * JSON, so it reads and copies as before.
 */
import type { ReactNode } from 'react';
import { pathSegment } from '@callflow/flow';
import { t } from '../i18n/i18n';
import { pretty } from '../ui/components';
import { pickToken } from './token-target';
import './run-data.css';

/** Past this many keys the value is shown as plain text (a huge body would be thousands of buttons). */
const MAX_KEYS = 3000;

function countKeys(v: unknown, budget: { left: number }): boolean {
  if (v === null || typeof v !== 'object') return true;
  const children = Array.isArray(v) ? v : Object.values(v);
  if (!Array.isArray(v)) budget.left -= children.length;
  if (budget.left < 0) return false;
  return children.every((c) => countKeys(c, budget));
}

function KeyButton({ name, token }: { name: string; token: string | undefined }) {
  const text = JSON.stringify(name);
  if (!token) return <>{text}</>;
  return (
    <button
      type="button"
      className="rd-key"
      data-token={token}
      title={t('editor.runData.insertTitle', { token: `{{${token}}}` })}
      onClick={() => void pickToken(token)}
    >
      {text}
    </button>
  );
}

function render(v: unknown, path: string | undefined, pad: string, out: ReactNode[]): void {
  if (v === null || typeof v !== 'object') {
    out.push(JSON.stringify(v) ?? 'null');
    return;
  }
  const inner = `${pad}  `;
  if (Array.isArray(v)) {
    if (!v.length) return void out.push('[]');
    out.push('[\n');
    v.forEach((item, i) => {
      out.push(inner);
      render(item, path === undefined ? undefined : `${path}.[${i}]`, inner, out);
      out.push(i < v.length - 1 ? ',\n' : '\n');
    });
    out.push(`${pad}]`);
    return;
  }
  const entries = Object.entries(v).filter(([, value]) => value !== undefined);
  if (!entries.length) return void out.push('{}');
  out.push('{\n');
  entries.forEach(([key, value], i) => {
    const seg = pathSegment(key);
    const token = path === undefined || seg === undefined ? undefined : `${path}.${seg}`;
    out.push(inner, <KeyButton key={out.length} name={key} token={token} />, ': ');
    render(value, token, inner, out);
    out.push(i < entries.length - 1 ? ',\n' : '\n');
  });
  out.push(`${pad}}`);
}

/**
 * A labelled code block of `value`; with `base` (the token that reads it, `nodes.crm.body`) and a
 * JSON object or list, its keys insert their tokens.
 */
export function RunData({
  label,
  value,
  base,
  testId,
}: {
  label?: string;
  value: unknown;
  base?: string;
  testId?: string;
}) {
  const keyed =
    base !== undefined && value !== null && typeof value === 'object' && countKeys(value, { left: MAX_KEYS });
  let body: ReactNode;
  if (keyed) {
    const out: ReactNode[] = [];
    render(value, base, '', out);
    body = out;
  } else {
    const text = pretty(value);
    body = text || <span className="muted">{t('editor.runData.empty')}</span>;
  }
  return (
    <div className="code-block">
      {label && <div className="code-label">{label}</div>}
      <pre data-testid={testId} className={keyed ? 'rd-keyed' : undefined}>
        {body}
      </pre>
      {keyed && <div className="rd-hint">{t('editor.runData.hint')}</div>}
    </div>
  );
}
