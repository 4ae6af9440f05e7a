/**
 * What a screen shows to someone whose permissions (GET /me) do not cover it: a plain "you don't
 * have access" state naming the permission, never a Retry (asking again cannot succeed) nor
 * buttons that would be refused.
 */
import { ApiError, errorText } from '../api/client';
import { Empty, ErrorBanner } from './components';

/** The state itself; `detail` is the server's refusal when there was one. */
export function NoAccess({ what, permission, detail }: { what: string; permission: string; detail?: string }) {
  return (
    <div data-testid="no-access" role="status">
      <Empty icon="shield" title={`You don't have access to ${what}`}>
        <p className="muted">
          This needs the <code>{permission}</code> permission. An admin of this workspace can grant it to one of your
          roles on the Roles page.
        </p>
        {detail && <p className="muted small">The server said: {detail}</p>}
      </Empty>
    </div>
  );
}

/** A page that a signed-in user opened by URL without the permission it needs. */
export function NoAccessPage({ title, what, permission }: { title: string; what: string; permission: string }) {
  return (
    <div className="page" data-testid="no-access-page">
      <header className="page-head">
        <div>
          <h1>{title}</h1>
        </div>
      </header>
      <div className="page-body">
        <NoAccess what={what} permission={permission} />
      </div>
    </div>
  );
}

/** True for the server's 403: the permission is missing (a retry cannot help). */
export function isForbidden(err: unknown): boolean {
  return err instanceof ApiError && err.status === 403;
}

/** A page's failed load: a 403 is the no-access state, anything else a banner with Retry. */
export function LoadError({
  error,
  onRetry,
  what,
  permission,
}: {
  error: unknown;
  onRetry(): void;
  what: string;
  permission: string;
}) {
  if (isForbidden(error)) return <NoAccess what={what} permission={permission} detail={errorText(error)} />;
  return <ErrorBanner error={errorText(error)} onRetry={onRetry} />;
}
