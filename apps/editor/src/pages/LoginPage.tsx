import { useState, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { api, ApiError, errorText } from '../api/client';
import { session, useRestoring, useSession } from '../api/session';
import { Button, Spinner } from '../ui/components';
import { Logo } from '../ui/Logo';
import { Icon } from '../ui/icons';
import { LOCALES, setLocale, t, useLocale, type Locale, type MessageId } from '../i18n/i18n';

interface TenantChoice {
  tenantId: string;
  name: string;
}

/** The tenants a 409 sign-in answer names (`details.tenants`), or null when it names none. */
function tenantsOf(details: unknown): TenantChoice[] | null {
  const list = (details as { tenants?: unknown } | undefined)?.tenants;
  if (!Array.isArray(list)) return null;
  const ok = list.filter((x): x is TenantChoice => typeof x?.tenantId === 'string' && typeof x?.name === 'string');
  return ok.length > 0 ? ok : null;
}

export function LoginPage() {
  const user = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const next = new URLSearchParams(location.search).get('next') || '/flows';
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(session.endedReason);
  const [busy, setBusy] = useState(false);
  // The password opened accounts in several tenants (409): the user picks one.
  const [tenants, setTenants] = useState<TenantChoice[] | null>(null);
  const [tenantId, setTenantId] = useState('');

  const restoring = useRestoring();

  if (user) return <Navigate to={next.startsWith('/') ? next : '/flows'} replace />;
  if (restoring) return <Spinner label={t('shell.signingIn')} />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await api.login(email.trim(), password, tenants ? tenantId : undefined);
      session.signIn(res.accessToken, res.user);
      navigate(next.startsWith('/') ? next : '/flows', { replace: true });
    } catch (err) {
      const choices = err instanceof ApiError && err.status === 409 ? tenantsOf(err.details) : null;
      if (choices) {
        setTenants(choices);
        setTenantId(choices[0]!.tenantId);
        setError(null);
        return;
      }
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login">
      <form className="login-card" onSubmit={submit} data-testid="login-form">
        <Logo />
        <h1>{t('shell.login.title')}</h1>
        <p className="muted">{t('shell.login.pitch')}</p>
        <label className="field-label" htmlFor="email">
          {t('shell.login.email')}
        </label>
        <input
          id="email"
          className="input"
          type="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          required
          autoFocus
        />
        <label className="field-label" htmlFor="password">
          {t('shell.login.password')}
        </label>
        <input
          id="password"
          className="input"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
            setTenants(null);
          }}
          required
        />
        {tenants && (
          <>
            <label className="field-label" htmlFor="tenant">
              {t('shell.login.workspace')}
            </label>
            <p className="muted" id="tenant-help">
              {t('shell.login.workspaceHelp')}
            </p>
            <select
              id="tenant"
              className="input"
              value={tenantId}
              onChange={(e) => setTenantId(e.target.value)}
              aria-describedby="tenant-help"
              data-testid="login-tenant"
            >
              {tenants.map((x) => (
                <option key={x.tenantId} value={x.tenantId}>
                  {x.name}
                </option>
              ))}
            </select>
          </>
        )}
        {error && (
          <p className="callout callout-danger" role="alert" data-testid="login-error">
            <Icon name="alert" size={14} /> <span>{error}</span>
          </p>
        )}
        <Button variant="primary" type="submit" busy={busy} className="wide" data-testid="login-submit">
          {t('shell.login.submit')}
        </Button>
        <LanguagePicker />
      </form>
    </div>
  );
}

/** Each language named in its own words. */
const NAME: Record<Locale, MessageId> = { en: 'shell.language.en', it: 'shell.language.it', ru: 'shell.language.ru' };

/** Before sign-in: this browser's choice (else the browser's language); once signed in, the user's own applies. */
function LanguagePicker() {
  const locale = useLocale();
  return (
    <div className="login-languages" role="radiogroup" aria-label={t('shell.language')} data-testid="login-language">
      {LOCALES.map((l) => (
        <button
          key={l}
          type="button"
          role="radio"
          lang={l}
          aria-checked={locale === l}
          className={`btn btn-ghost btn-sm${locale === l ? ' on' : ''}`}
          onClick={() => void setLocale(l)}
          data-testid={`login-language-${l}`}
        >
          {t(NAME[l])}
        </button>
      ))}
    </div>
  );
}
