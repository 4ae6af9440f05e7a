/**
 * What a screen shows to someone whose permissions (GET /me) do not cover it: a plain "you don't
 * have access" state naming the permission, never a Retry (asking again cannot succeed) nor
 * buttons that would be refused.
 */
import { ApiError, errorText } from '../api/client';
import { t, tRich } from '../i18n/i18n';
import { Empty, ErrorBanner } from './components';

/** The state itself; `headline` says what is out of reach, `detail` is the server's refusal when there was one. */
export function NoAccess({ headline, permission, detail }: { headline: string; permission: string; detail?: string }) {
  return (
    <div data-testid="no-access" role="status">
      <Empty icon="shield" title={headline}>
        <p className="muted">{tRich('shell.noAccess.needs', { code: (s) => <code>{s}</code> }, { permission })}</p>
        {detail && <p className="muted small">{t('shell.noAccess.serverSaid', { detail })}</p>}
      </Empty>
    </div>
  );
}

/** A page that a signed-in user opened by URL without the permission it needs. */
export function NoAccessPage({ title, headline, permission }: { title: string; headline: string; permission: string }) {
  return (
    <div className="page" data-testid="no-access-page">
      <header className="page-head">
        <div>
          <h1>{title}</h1>
        </div>
      </header>
      <div className="page-body">
        <NoAccess headline={headline} permission={permission} />
      </div>
    </div>
  );
}

/** True for the server's 403: the permission is missing (a retry cannot help). */
export function isForbidden(err: unknown): boolean {
  return err instanceof ApiError && err.status === 403;
}

/** A page's failed load: a 403 is the no-access state (`headline`), anything else a banner with Retry. */
export function LoadError({
  error,
  onRetry,
  headline,
  permission,
}: {
  error: unknown;
  onRetry(): void;
  headline: string;
  permission: string;
}) {
  if (isForbidden(error)) return <NoAccess headline={headline} permission={permission} detail={errorText(error)} />;
  return <ErrorBanner error={errorText(error)} onRetry={onRetry} />;
}
