/**
 * Create or edit a connection: one form per type (README.md, "API overview"). Secrets are password inputs and
 * write-only: when one is already stored the input says so, and leaving it blank keeps it (PUT
 * omits it). Non-secret `fields` (baseUrl, host, wsdlUrl, …) are what flows read as
 * `{{connection.<field>}}`.
 */
import { useState } from 'react';
import { api, errorText } from '../../api/client';
import type { ConnectionDetail, ConnectionType } from '../../api/access-types';
import { toast } from '../../ui/components';
import { FormDialog } from '../../ui/dialogs';
import { Checkbox, Field } from '../../ui/form';
import { Icon } from '../../ui/icons';
import { AllowedOriginsField, originsOf, originsProblem } from './AllowedOriginsField';
import { OriginsWideningNotice } from './OriginsWideningNotice';
import { KeyValueRows, TokenEndpointFields, type Pair } from './TokenEndpointFields';
import { t, type MessageId } from '../../i18n/i18n';

export const CONNECTION_TYPES: { value: ConnectionType; label: MessageId }[] = [
  { value: 'none', label: 'settings.connection.type.none' },
  { value: 'basic', label: 'settings.connection.type.basic' },
  { value: 'bearer', label: 'settings.connection.type.bearer' },
  { value: 'api_key', label: 'settings.connection.type.apiKey' },
  { value: 'oauth2_client_credentials', label: 'settings.connection.type.oauth2' },
  { value: 'token_endpoint', label: 'settings.connection.type.tokenEndpoint' },
  { value: 'soap_ws_security', label: 'settings.connection.type.wsSecurity' },
];

type Input = {
  key: string;
  label: MessageId;
  kind?: 'text' | 'select' | 'check';
  options?: string[];
  required?: boolean;
  /** A literal example (a header name, a URL): the same in every language. */
  placeholder?: string;
  /** An example in words. */
  example?: MessageId;
};

/** The settings of each flat type, and its one secret. */
const SPECS: Partial<Record<ConnectionType, { inputs: Input[]; secret?: { key: string; label: MessageId } }>> = {
  none: { inputs: [] },
  basic: {
    inputs: [{ key: 'username', label: 'settings.connection.username', required: true }],
    secret: { key: 'password', label: 'settings.connection.password' },
  },
  bearer: { inputs: [], secret: { key: 'token', label: 'settings.connection.token' } },
  api_key: {
    inputs: [
      { key: 'placement', label: 'settings.connection.placement', kind: 'select', options: ['header', 'query'] },
      { key: 'paramName', label: 'settings.connection.paramName', required: true, placeholder: 'X-Api-Key' },
      { key: 'prefix', label: 'settings.connection.prefix', example: 'settings.connection.prefix.example' },
    ],
    secret: { key: 'apiKey', label: 'settings.connection.apiKey' },
  },
  oauth2_client_credentials: {
    inputs: [
      {
        key: 'tokenUrl',
        label: 'settings.connection.tokenUrl',
        required: true,
        placeholder: 'https://auth.example.com/oauth/token',
      },
      { key: 'clientId', label: 'settings.connection.clientId', required: true },
      { key: 'scope', label: 'settings.connection.scope' },
      { key: 'audience', label: 'settings.connection.audience' },
      { key: 'clientAuth', label: 'settings.connection.clientAuth', kind: 'select', options: ['body', 'basic'] },
    ],
    secret: { key: 'clientSecret', label: 'settings.connection.clientSecret' },
  },
  soap_ws_security: {
    inputs: [
      { key: 'username', label: 'settings.connection.username', required: true },
      {
        key: 'passwordType',
        label: 'settings.connection.passwordType',
        kind: 'select',
        options: ['PasswordText', 'PasswordDigest'],
      },
      { key: 'hasTimeStamp', label: 'settings.connection.timestamp', kind: 'check' },
      { key: 'hasNonce', label: 'settings.connection.nonce', kind: 'check' },
    ],
    secret: { key: 'password', label: 'settings.connection.password' },
  },
};

const DEFAULTS: Partial<Record<ConnectionType, Record<string, unknown>>> = {
  api_key: { placement: 'header' },
  soap_ws_security: { passwordType: 'PasswordText' },
  token_endpoint: {
    request: { method: 'POST', url: '' },
    tokenPath: 'access_token',
    // eslint-disable-next-line house/no-ui-literal -- not words: the HTTP auth scheme, a setting's default value
    apply: { in: 'header', name: 'Authorization', prefix: 'Bearer ' },
  },
};

const VIEW_KEYS = new Set([
  'id',
  'name',
  'type',
  'description',
  'fields',
  'allowedOrigins',
  'secretsSet',
  'createdAt',
  'updatedAt',
]);

function settingsOf(c: ConnectionDetail): Record<string, unknown> {
  return Object.fromEntries(Object.entries(c).filter(([k]) => !VIEW_KEYS.has(k)));
}

export function ConnectionDialog({
  connection,
  onClose,
  onSaved,
}: {
  connection: ConnectionDetail | null;
  onClose(): void;
  onSaved(c: ConnectionDetail): void;
}) {
  const [type, setType] = useState<ConnectionType>(connection?.type ?? 'basic');
  const [name, setName] = useState(connection?.name ?? '');
  const [description, setDescription] = useState(connection?.description ?? '');
  const [settings, setSettings] = useState<Record<string, unknown>>(
    connection ? settingsOf(connection) : { ...DEFAULTS.basic },
  );
  const [secret, setSecret] = useState('');
  const [namedSecrets, setNamedSecrets] = useState<Pair[]>(() =>
    connection?.type === 'token_endpoint' ? connection.secretsSet.map((n) => ({ name: n, value: '' })) : [],
  );
  const [fields, setFields] = useState<Pair[]>(() =>
    Object.entries(connection?.fields ?? {}).map(([n, v]) => ({
      name: n,
      value: v === null || v === undefined ? '' : String(v),
    })),
  );
  const [origins, setOrigins] = useState(() => (connection?.allowedOrigins ?? []).join('\n'));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const spec = SPECS[type];
  const set = (k: string, v: unknown) => setSettings((s) => ({ ...s, [k]: v }));
  const isSet = (n: string) => !!connection?.secretsSet.includes(n);

  const changeType = (next: ConnectionType) => {
    setType(next);
    setSettings({ ...DEFAULTS[next] });
    setSecret('');
    setNamedSecrets([]);
  };

  const save = async () => {
    setBusy(true);
    setError(null);
    const body: Record<string, unknown> = { name: name.trim(), type, description: description.trim() || null };
    const free = Object.fromEntries(fields.filter((f) => f.name.trim()).map((f) => [f.name.trim(), f.value]));
    body.fields = free;
    // Empty: the server takes the origins of the connection's own URLs (or says what to list).
    if (originsOf(origins).length > 0) body.allowedOrigins = originsOf(origins);
    for (const [k, v] of Object.entries(settings)) if (v !== '' && v !== undefined) body[k] = v;
    if (spec?.secret && secret) body[spec.secret.key] = secret;
    if (type === 'token_endpoint') {
      const given = namedSecrets.filter((s) => s.name.trim() && s.value);
      if (given.length) body.secrets = Object.fromEntries(given.map((s) => [s.name.trim(), s.value]));
    }
    try {
      const saved = connection ? await api.connections.update(connection.id, body) : await api.connections.create(body);
      toast(
        t(connection ? 'settings.connection.saved' : 'settings.connection.created', { name: saved.name }),
        'success',
      );
      onSaved(saved);
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  return (
    <FormDialog
      title={connection ? t('settings.connection.edit', { name: connection.name }) : t('settings.connections.new')}
      onClose={onClose}
      width={640}
      testId="connection-dialog"
      submit={connection ? t('common.save') : t('settings.connection.create')}
      busy={busy}
      disabled={!name.trim()}
      onSubmit={() => void save()}
      submitTestId="save-connection"
    >
      <div className="form-grid">
        <Field label={t('common.name')} htmlFor="conn-name" required>
          <input
            id="conn-name"
            className="input"
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder={t('settings.connection.name.placeholder')}
            data-testid="connection-name"
          />
        </Field>
        <Field label={t('settings.connections.col.type')} htmlFor="conn-type">
          <select
            id="conn-type"
            className="input select"
            value={type}
            disabled={!!connection}
            onChange={(e) => changeType(e.target.value as ConnectionType)}
            data-testid="connection-type"
          >
            {CONNECTION_TYPES.map((c) => (
              <option key={c.value} value={c.value}>
                {t(c.label)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Field label={t('settings.connection.description')} htmlFor="conn-desc">
        <input id="conn-desc" className="input" value={description} onChange={(e) => setDescription(e.target.value)} />
      </Field>
      {spec && (
        <div className="form-grid">
          {spec.inputs.map((i) =>
            i.kind === 'check' ? (
              <Field key={i.key}>
                <Checkbox checked={!!settings[i.key]} onChange={(v) => set(i.key, v)} label={t(i.label)} />
              </Field>
            ) : (
              <Field key={i.key} label={t(i.label)} htmlFor={`conn-${i.key}`} required={i.required}>
                {i.kind === 'select' ? (
                  <select
                    id={`conn-${i.key}`}
                    className="input select"
                    value={String(settings[i.key] ?? '')}
                    onChange={(e) => set(i.key, e.target.value || undefined)}
                  >
                    {!i.options?.includes(String(settings[i.key] ?? '')) && (
                      <option value="">{t('settings.connection.default')}</option>
                    )}
                    {i.options?.map((o) => (
                      <option key={o}>{o}</option>
                    ))}
                  </select>
                ) : (
                  <input
                    id={`conn-${i.key}`}
                    className="input"
                    value={String(settings[i.key] ?? '')}
                    placeholder={i.example ? t(i.example) : i.placeholder}
                    onChange={(e) => set(i.key, e.target.value)}
                    data-testid={`connection-${i.key}`}
                  />
                )}
              </Field>
            ),
          )}
          {spec.secret && (
            <Field
              label={t(spec.secret.label)}
              htmlFor="conn-secret"
              required={!connection}
              hint={isSet(spec.secret.key) ? t('settings.connection.secret.set') : t('settings.connection.secret.new')}
            >
              <input
                id="conn-secret"
                className="input"
                type="password"
                autoComplete="new-password"
                value={secret}
                placeholder={isSet(spec.secret.key) ? t('settings.connection.secret.placeholder') : ''}
                onChange={(e) => setSecret(e.target.value)}
                data-testid="connection-secret"
              />
            </Field>
          )}
        </div>
      )}
      {type !== 'none' && <AllowedOriginsField value={origins} onChange={setOrigins} error={error} />}
      {connection && type === connection.type && (
        <OriginsWideningNotice
          stored={connection.allowedOrigins ?? []}
          text={origins}
          secretsSet={connection.secretsSet}
        />
      )}
      {type === 'token_endpoint' && (
        <TokenEndpointFields
          settings={settings}
          onChange={setSettings}
          secrets={namedSecrets}
          onSecrets={setNamedSecrets}
          isSet={isSet}
        />
      )}
      <h4 className="dialog-sub">{t('settings.connection.fields')}</h4>
      <p className="muted small">{t('settings.connection.fields.help', { token: '{{connection.<name>}}' })}</p>
      <KeyValueRows
        rows={fields}
        onChange={setFields}
        // eslint-disable-next-line house/no-ui-literal -- not words: a sample field name, the same in every language
        namePlaceholder="baseUrl"
        valuePlaceholder="https://crm.example.com"
        testId="connection-field"
      />
      {error && !(type !== 'none' && originsProblem(error)) && (
        <p className="callout callout-danger" role="alert" data-testid="connection-error">
          <Icon name="alert" size={14} /> <span>{error}</span>
        </p>
      )}
    </FormDialog>
  );
}
