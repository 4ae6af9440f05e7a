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

export const CONNECTION_TYPES: { value: ConnectionType; label: string }[] = [
  { value: 'none', label: 'No auth (fields only)' },
  { value: 'basic', label: 'Basic auth' },
  { value: 'bearer', label: 'Bearer token' },
  { value: 'api_key', label: 'API key (header or query)' },
  { value: 'oauth2_client_credentials', label: 'OAuth2 client credentials' },
  { value: 'token_endpoint', label: 'Token endpoint (login request)' },
  { value: 'soap_ws_security', label: 'SOAP WS-Security' },
];

type Input = {
  key: string;
  label: string;
  kind?: 'text' | 'select' | 'check';
  options?: string[];
  required?: boolean;
  placeholder?: string;
};

/** The settings of each flat type, and its one secret. */
const SPECS: Partial<Record<ConnectionType, { inputs: Input[]; secret?: { key: string; label: string } }>> = {
  none: { inputs: [] },
  basic: {
    inputs: [{ key: 'username', label: 'Username', required: true }],
    secret: { key: 'password', label: 'Password' },
  },
  bearer: { inputs: [], secret: { key: 'token', label: 'Token' } },
  api_key: {
    inputs: [
      { key: 'placement', label: 'Send it in', kind: 'select', options: ['header', 'query'] },
      { key: 'paramName', label: 'Header or parameter name', required: true, placeholder: 'X-Api-Key' },
      { key: 'prefix', label: 'Prefix (optional)', placeholder: 'e.g. Token ' },
    ],
    secret: { key: 'apiKey', label: 'API key' },
  },
  oauth2_client_credentials: {
    inputs: [
      { key: 'tokenUrl', label: 'Token URL', required: true, placeholder: 'https://auth.example.com/oauth/token' },
      { key: 'clientId', label: 'Client id', required: true },
      { key: 'scope', label: 'Scope (optional)' },
      { key: 'audience', label: 'Audience (optional)' },
      { key: 'clientAuth', label: 'Client authentication', kind: 'select', options: ['body', 'basic'] },
    ],
    secret: { key: 'clientSecret', label: 'Client secret' },
  },
  soap_ws_security: {
    inputs: [
      { key: 'username', label: 'Username', required: true },
      { key: 'passwordType', label: 'Password type', kind: 'select', options: ['PasswordText', 'PasswordDigest'] },
      { key: 'hasTimeStamp', label: 'Add a timestamp', kind: 'check' },
      { key: 'hasNonce', label: 'Add a nonce', kind: 'check' },
    ],
    secret: { key: 'password', label: 'Password' },
  },
};

const DEFAULTS: Partial<Record<ConnectionType, Record<string, unknown>>> = {
  api_key: { placement: 'header' },
  soap_ws_security: { passwordType: 'PasswordText' },
  token_endpoint: {
    request: { method: 'POST', url: '' },
    tokenPath: 'access_token',
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

  const changeType = (t: ConnectionType) => {
    setType(t);
    setSettings({ ...DEFAULTS[t] });
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
      toast(connection ? `Connection “${saved.name}” saved` : `Connection “${saved.name}” created`, 'success');
      onSaved(saved);
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  return (
    <FormDialog
      title={connection ? `Edit “${connection.name}”` : 'New connection'}
      onClose={onClose}
      width={640}
      testId="connection-dialog"
      submit={connection ? 'Save' : 'Create connection'}
      busy={busy}
      disabled={!name.trim()}
      onSubmit={() => void save()}
      submitTestId="save-connection"
    >
      <div className="form-grid">
        <Field label="Name" htmlFor="conn-name" required>
          <input
            id="conn-name"
            className="input"
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. crm"
            data-testid="connection-name"
          />
        </Field>
        <Field label="Type" htmlFor="conn-type">
          <select
            id="conn-type"
            className="input select"
            value={type}
            disabled={!!connection}
            onChange={(e) => changeType(e.target.value as ConnectionType)}
            data-testid="connection-type"
          >
            {CONNECTION_TYPES.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Field label="Description (optional)" htmlFor="conn-desc">
        <input id="conn-desc" className="input" value={description} onChange={(e) => setDescription(e.target.value)} />
      </Field>
      {spec && (
        <div className="form-grid">
          {spec.inputs.map((i) =>
            i.kind === 'check' ? (
              <Field key={i.key}>
                <Checkbox checked={!!settings[i.key]} onChange={(v) => set(i.key, v)} label={i.label} />
              </Field>
            ) : (
              <Field key={i.key} label={i.label} htmlFor={`conn-${i.key}`} required={i.required}>
                {i.kind === 'select' ? (
                  <select
                    id={`conn-${i.key}`}
                    className="input select"
                    value={String(settings[i.key] ?? '')}
                    onChange={(e) => set(i.key, e.target.value || undefined)}
                  >
                    {!i.options?.includes(String(settings[i.key] ?? '')) && <option value="">default</option>}
                    {i.options?.map((o) => (
                      <option key={o}>{o}</option>
                    ))}
                  </select>
                ) : (
                  <input
                    id={`conn-${i.key}`}
                    className="input"
                    value={String(settings[i.key] ?? '')}
                    placeholder={i.placeholder}
                    onChange={(e) => set(i.key, e.target.value)}
                    data-testid={`connection-${i.key}`}
                  />
                )}
              </Field>
            ),
          )}
          {spec.secret && (
            <Field
              label={spec.secret.label}
              htmlFor="conn-secret"
              required={!connection}
              hint={isSet(spec.secret.key) ? 'Set — leave blank to keep it.' : 'Stored encrypted; never shown again.'}
            >
              <input
                id="conn-secret"
                className="input"
                type="password"
                autoComplete="new-password"
                value={secret}
                placeholder={isSet(spec.secret.key) ? '•••••••• (set — leave blank to keep)' : ''}
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
      <h4 className="dialog-sub">Fields</h4>
      <p className="muted small">
        Non-secret values the flows read as {'{{connection.<name>}}'} (baseUrl, host, wsdlUrl…). A wsdlUrl field makes
        “Test connection” load the WSDL.
      </p>
      <KeyValueRows
        rows={fields}
        onChange={setFields}
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
