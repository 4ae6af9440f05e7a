import { useState, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { api, ApiError, errorText } from '../api/client';
import { session, useRestoring, useSession } from '../api/session';
import { Button, Spinner } from '../ui/components';
import { Logo } from '../ui/Logo';
import { Icon } from '../ui/icons';

interface TenantChoice {
  tenantId: string;
  name: string;
}

/** The tenants a 409 sign-in answer names (`details.tenants`), or null when it names none. */
function tenantsOf(details: unknown): TenantChoice[] | null {
  const list = (details as { tenants?: unknown } | undefined)?.tenants;
  if (!Array.isArray(list)) return null;
  const ok = list.filter((t): t is TenantChoice => typeof t?.tenantId === 'string' && typeof t?.name === 'string');
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
  if (restoring) return <Spinner label="Signing in…" />;

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
        <h1>Sign in</h1>
        <p className="muted">
          Build the integrations your phone system runs: IVR lookups, end-of-call sync, campaign results.
        </p>
        <label className="field-label" htmlFor="email">
          Email
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
          Password
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
              Workspace
            </label>
            <p className="muted" id="tenant-help">
              This email and password open accounts in several workspaces: choose one.
            </p>
            <select
              id="tenant"
              className="input"
              value={tenantId}
              onChange={(e) => setTenantId(e.target.value)}
              aria-describedby="tenant-help"
              data-testid="login-tenant"
            >
              {tenants.map((t) => (
                <option key={t.tenantId} value={t.tenantId}>
                  {t.name}
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
          Sign in
        </Button>
      </form>
    </div>
  );
}
