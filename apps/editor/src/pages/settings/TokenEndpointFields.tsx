/**
 * The token_endpoint connection's settings: the login request (method, URL, headers, body), where
 * the token and its lifetime are in the answer, how the token is applied, and named secrets the
 * request reads as {{secrets.<name>}}. Also the name/value rows the connection form uses.
 */
import { Button } from '../../ui/components';
import { Field } from '../../ui/form';
import { t, type MessageId } from '../../i18n/i18n';

export interface Pair {
  name: string;
  value: string;
}

export function KeyValueRows({
  rows,
  onChange,
  namePlaceholder,
  valuePlaceholder,
  secret,
  isSet,
  testId,
}: {
  rows: Pair[];
  onChange(rows: Pair[]): void;
  namePlaceholder?: string;
  valuePlaceholder?: string;
  secret?: boolean;
  isSet?: (name: string) => boolean;
  testId?: string;
}) {
  const put = (i: number, p: Partial<Pair>) => onChange(rows.map((r, n) => (n === i ? { ...r, ...p } : r)));
  return (
    <div>
      {rows.map((r, i) => (
        <div className="kv-row" key={i}>
          <input
            className="input mono"
            value={r.name}
            placeholder={namePlaceholder}
            aria-label={t('common.name')}
            onChange={(e) => put(i, { name: e.target.value })}
            data-testid={testId && `${testId}-name-${i}`}
          />
          <input
            className="input"
            type={secret ? 'password' : 'text'}
            autoComplete={secret ? 'new-password' : undefined}
            value={r.value}
            placeholder={secret && isSet?.(r.name) ? t('settings.connection.secret.placeholder') : valuePlaceholder}
            aria-label={t('settings.token.value')}
            onChange={(e) => put(i, { value: e.target.value })}
            data-testid={testId && `${testId}-value-${i}`}
          />
          <Button
            size="sm"
            variant="ghost"
            icon="x"
            aria-label={t('common.remove')}
            onClick={() => onChange(rows.filter((_, n) => n !== i))}
          />
        </div>
      ))}
      <Button
        size="sm"
        variant="ghost"
        icon="plus"
        onClick={() => onChange([...rows, { name: '', value: '' }])}
        data-testid={testId && `${testId}-add`}
      >
        {t('common.add')}
      </Button>
    </div>
  );
}

type Settings = Record<string, unknown>;
interface Req {
  method?: string;
  url?: string;
  headers?: Pair[];
  body?: { type: 'json' | 'text'; template: string } | { type: 'form'; fields: Pair[] };
}
interface Apply {
  in: 'header' | 'query' | 'body' | 'path';
  name: string;
  prefix?: string;
}

/** The usual name for each placement. */
const APPLY_NAMES: Record<Apply['in'], string> = {
  header: 'Authorization',
  query: 'access_token',
  body: 'access_token',
  path: 'token',
};

/** What the name means for each placement (the seed's parameter kinds: Header, Query, Body, Path). */
const APPLY_HINTS: Record<Apply['in'], MessageId> = {
  header: 'settings.token.hint.header',
  query: 'settings.token.hint.query',
  body: 'settings.token.hint.body',
  path: 'settings.token.hint.path',
};

export function TokenEndpointFields({
  settings,
  onChange,
  secrets,
  onSecrets,
  isSet,
}: {
  settings: Settings;
  onChange(s: Settings): void;
  secrets: Pair[];
  onSecrets(p: Pair[]): void;
  isSet(name: string): boolean;
}) {
  const req = (settings.request ?? {}) as Req;
  const apply = (settings.apply ?? { in: 'header', name: 'Authorization' }) as Apply;
  const setReq = (p: Partial<Req>) => onChange({ ...settings, request: { ...req, ...p } });
  const setApply = (p: Partial<Apply>) => {
    const next = { ...apply, ...p };
    // A name left at the old placement's usual one follows the new placement.
    const usual = !apply.name || apply.name === APPLY_NAMES[apply.in];
    if (p.in && p.in !== apply.in && usual) next.name = APPLY_NAMES[p.in];
    if (next.in !== 'header' || !next.prefix) delete next.prefix;
    onChange({ ...settings, apply: next });
  };
  const bodyType = req.body?.type ?? 'none';
  return (
    <>
      <h4 className="dialog-sub">{t('settings.token.request')}</h4>
      <div className="kv-row" style={{ gridTemplateColumns: '110px 1fr' }}>
        <select
          className="input select"
          aria-label={t('settings.token.method')}
          value={req.method ?? 'POST'}
          onChange={(e) => setReq({ method: e.target.value })}
        >
          {['POST', 'GET', 'PUT', 'PATCH'].map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
        <input
          className="input mono"
          aria-label={t('settings.connection.tokenUrl')}
          // eslint-disable-next-line house/no-ui-literal -- not words: a sample URL template
          placeholder="https://{{connection.host}}/auth"
          value={req.url ?? ''}
          onChange={(e) => setReq({ url: e.target.value })}
          data-testid="token-url"
        />
      </div>
      <Field label={t('settings.token.headers')}>
        <KeyValueRows
          rows={req.headers ?? []}
          onChange={(headers) => setReq({ headers: headers.length ? headers : undefined })}
          // eslint-disable-next-line house/no-ui-literal -- not words: a sample HTTP header name
          namePlaceholder="Accept"
          valuePlaceholder="application/json"
        />
      </Field>
      <Field label={t('settings.token.body')} htmlFor="token-body-type">
        <select
          id="token-body-type"
          className="input select"
          value={bodyType}
          onChange={(e) => {
            const kind = e.target.value;
            setReq({
              body:
                kind === 'json'
                  ? { type: 'json', template: '{\n  "password": "{{secrets.password}}"\n}' }
                  : kind === 'form'
                    ? { type: 'form', fields: [] }
                    : undefined,
            });
          }}
        >
          <option value="none">{t('common.none')}</option>
          <option value="json">{t('settings.token.body.json')}</option>
          <option value="form">{t('settings.token.body.form')}</option>
        </select>
      </Field>
      {req.body?.type === 'json' || req.body?.type === 'text' ? (
        <textarea
          className="input mono"
          rows={4}
          aria-label={t('settings.token.body.template')}
          value={req.body.template}
          onChange={(e) => setReq({ body: { type: 'json', template: e.target.value } })}
        />
      ) : req.body?.type === 'form' ? (
        <KeyValueRows
          rows={req.body.fields}
          onChange={(fields) => setReq({ body: { type: 'form', fields } })}
          namePlaceholder="grant_type"
          // eslint-disable-next-line house/no-ui-literal -- not words: a sample template token
          valuePlaceholder="{{secrets.password}}"
        />
      ) : null}
      <div className="form-grid">
        <Field label={t('settings.token.path')} htmlFor="token-path" required hint={t('settings.token.path.hint')}>
          <input
            id="token-path"
            className="input mono"
            value={String(settings.tokenPath ?? '')}
            onChange={(e) => onChange({ ...settings, tokenPath: e.target.value })}
            placeholder="data.token"
            data-testid="token-path"
          />
        </Field>
        <Field label={t('settings.token.expiry')} htmlFor="token-exp" hint={t('settings.token.expiry.hint')}>
          <input
            id="token-exp"
            className="input mono"
            value={String(settings.expiresInPath ?? '')}
            onChange={(e) => onChange({ ...settings, expiresInPath: e.target.value || undefined })}
            placeholder="expires_in"
            data-testid="token-expires-path"
          />
        </Field>
        <Field label={t('settings.token.apply')} htmlFor="token-apply">
          <select
            id="token-apply"
            className="input select"
            value={apply.in}
            onChange={(e) => setApply({ in: e.target.value as Apply['in'] })}
          >
            <option value="header">{t('settings.token.apply.header')}</option>
            <option value="query">{t('settings.token.apply.query')}</option>
            <option value="body">{t('settings.token.apply.body')}</option>
            <option value="path">{t('settings.token.apply.path', { token: '{name}' })}</option>
          </select>
        </Field>
        <Field label={t('common.name')} htmlFor="token-apply-name" hint={t(APPLY_HINTS[apply.in], { token: '{name}' })}>
          <input
            id="token-apply-name"
            className="input mono"
            value={apply.name}
            onChange={(e) => setApply({ name: e.target.value })}
            data-testid="token-apply-name"
          />
        </Field>
        {apply.in === 'header' && (
          <Field label={t('settings.token.prefix')} htmlFor="token-prefix">
            <input
              id="token-prefix"
              className="input mono"
              value={apply.prefix ?? ''}
              onChange={(e) => setApply({ prefix: e.target.value })}
              // eslint-disable-next-line house/no-ui-literal -- not words: the HTTP auth scheme
              placeholder="Bearer "
            />
          </Field>
        )}
        <Field label={t('settings.token.lifetime')} htmlFor="token-life">
          <input
            id="token-life"
            className="input"
            inputMode="numeric"
            value={settings.expiresInSeconds === undefined ? '' : String(settings.expiresInSeconds)}
            onChange={(e) =>
              onChange({
                ...settings,
                expiresInSeconds: /^\d+$/.test(e.target.value) ? Number(e.target.value) : undefined,
              })
            }
          />
        </Field>
      </div>
      <h4 className="dialog-sub">{t('settings.token.secrets')}</h4>
      <p className="muted small">{t('settings.token.secrets.help', { token: '{{secrets.<name>}}' })}</p>
      <KeyValueRows
        rows={secrets}
        onChange={onSecrets}
        namePlaceholder="password"
        secret
        isSet={isSet}
        testId="token-secret"
      />
    </>
  );
}
