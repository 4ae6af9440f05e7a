import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { useCan, useRestoring, useSession } from './api/session';
import { ExecutionsPage } from './pages/ExecutionsPage';
import { FlowsPage } from './pages/FlowsPage';
import { LoginPage } from './pages/LoginPage';
import { NoAccessPage } from './ui/access';
import { AppShell, settingsPage } from './ui/AppShell';
import { ErrorBoundary, Spinner, Toaster } from './ui/components';
import { t } from './i18n/i18n';

// The canvas screens (React Flow, node panels, the flow library) load when first opened.
const FlowEditorPage = lazy(() => import('./pages/FlowEditorPage').then((m) => ({ default: m.FlowEditorPage })));
const UsersPage = lazy(() => import('./pages/settings/UsersPage').then((m) => ({ default: m.UsersPage })));
const RolesPage = lazy(() => import('./pages/settings/RolesPage').then((m) => ({ default: m.RolesPage })));
const ApiKeysPage = lazy(() => import('./pages/settings/ApiKeysPage').then((m) => ({ default: m.ApiKeysPage })));
const AuditPage = lazy(() => import('./pages/settings/AuditPage').then((m) => ({ default: m.AuditPage })));
const ConnectionsPage = lazy(() =>
  import('./pages/settings/ConnectionsPage').then((m) => ({ default: m.ConnectionsPage })),
);
const ExecutionPage = lazy(() => import('./pages/ExecutionPage').then((m) => ({ default: m.ExecutionPage })));
const CampaignsPage = lazy(() => import('./pages/campaigns/CampaignsPage').then((m) => ({ default: m.CampaignsPage })));
const FlowStatsPage = lazy(() => import('./pages/stats/FlowStatsPage').then((m) => ({ default: m.FlowStatsPage })));
const CampaignPage = lazy(() => import('./pages/campaigns/CampaignPage').then((m) => ({ default: m.CampaignPage })));

/** Signed in, and for a settings page (`settings`: its path) holding the permission it needs. */
function RequireAuth({ children, settings }: { children: ReactNode; settings?: string }) {
  const user = useSession();
  const restoring = useRestoring();
  const location = useLocation();
  const can = useCan();
  if (restoring) return <Spinner label={t('shell.signingIn')} />;
  if (!user) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  const page = settings ? settingsPage(settings) : undefined;
  // Opened by URL without the permission: say so, rather than a page of refused calls and dead buttons.
  const content =
    page && !can(page.permission) ? (
      <NoAccessPage title={t(page.label)} headline={t(page.noAccess)} permission={page.permission} />
    ) : (
      children
    );
  return (
    <AppShell>
      <ErrorBoundary key={location.pathname} label={t('shell.crash.page')}>
        <Suspense fallback={<Spinner label={t('common.loading')} />}>{content}</Suspense>
      </ErrorBoundary>
    </AppShell>
  );
}

export function App() {
  return (
    <BrowserRouter>
      <ErrorBoundary label={t('shell.crash.app')}>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route
            path="/flows"
            element={
              <RequireAuth>
                <FlowsPage />
              </RequireAuth>
            }
          />
          <Route
            path="/flows/:id"
            element={
              <RequireAuth>
                <FlowEditorPage />
              </RequireAuth>
            }
          />
          <Route
            path="/flows/:id/stats"
            element={
              <RequireAuth>
                <FlowStatsPage />
              </RequireAuth>
            }
          />
          <Route
            path="/executions"
            element={
              <RequireAuth>
                <ExecutionsPage />
              </RequireAuth>
            }
          />
          <Route
            path="/executions/:id"
            element={
              <RequireAuth>
                <ExecutionPage />
              </RequireAuth>
            }
          />
          <Route
            path="/campaigns"
            element={
              <RequireAuth>
                <CampaignsPage />
              </RequireAuth>
            }
          />
          <Route
            path="/campaigns/:campaignId"
            element={
              <RequireAuth>
                <CampaignPage />
              </RequireAuth>
            }
          />
          <Route
            path="/connections"
            element={
              <RequireAuth settings="/connections">
                <ConnectionsPage />
              </RequireAuth>
            }
          />
          <Route
            path="/settings/users"
            element={
              <RequireAuth settings="/settings/users">
                <UsersPage />
              </RequireAuth>
            }
          />
          <Route
            path="/settings/roles"
            element={
              <RequireAuth settings="/settings/roles">
                <RolesPage />
              </RequireAuth>
            }
          />
          <Route
            path="/settings/api-keys"
            element={
              <RequireAuth settings="/settings/api-keys">
                <ApiKeysPage />
              </RequireAuth>
            }
          />
          <Route
            path="/settings/audit"
            element={
              <RequireAuth settings="/settings/audit">
                <AuditPage />
              </RequireAuth>
            }
          />
          <Route path="*" element={<Navigate to="/flows" replace />} />
        </Routes>
      </ErrorBoundary>
      <Toaster />
    </BrowserRouter>
  );
}
