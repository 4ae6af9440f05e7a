import { useEffect, type ReactNode } from 'react';
import { NavLink } from 'react-router';
import { signOut } from '../api/client';
import { useCan, useSession } from '../api/session';
import { useMeRefresh } from '../auth/useMe';
import { Icon, type IconName } from './icons';
import { Logo } from './Logo';
import { localeForUser, t, type MessageId } from '../i18n/i18n';
import { themeForUser } from './theme';
import { LanguageSwitch } from './LanguageSwitch';
import { ThemeSwitch } from './ThemeSwitch';

/**
 * The settings pages and the permission each needs: the left nav shows only those the user may open,
 * and opened by URL without it they show a "no access" state (App.tsx) with its `noAccess` headline.
 */
export const SETTINGS: readonly {
  to: string;
  label: MessageId;
  noAccess: MessageId;
  icon: IconName;
  permission: string;
  testId: string;
}[] = [
  {
    to: '/connections',
    label: 'shell.nav.connections',
    noAccess: 'shell.noAccess.connections',
    icon: 'plug',
    permission: 'connections.read',
    testId: 'nav-connections',
  },
  {
    to: '/settings/users',
    label: 'shell.nav.users',
    noAccess: 'shell.noAccess.users',
    icon: 'users',
    permission: 'access.manage',
    testId: 'nav-users',
  },
  {
    to: '/settings/roles',
    label: 'shell.nav.roles',
    noAccess: 'shell.noAccess.roles',
    icon: 'shield',
    permission: 'access.manage',
    testId: 'nav-roles',
  },
  {
    to: '/settings/api-keys',
    label: 'shell.nav.apiKeys',
    noAccess: 'shell.noAccess.apiKeys',
    icon: 'key',
    permission: 'api_keys.manage',
    testId: 'nav-api-keys',
  },
  {
    to: '/settings/audit',
    label: 'shell.nav.audit',
    noAccess: 'shell.noAccess.audit',
    icon: 'history',
    permission: 'access.manage',
    testId: 'nav-audit',
  },
];

/** The settings page at `path`; throws for a path that is not one (a typo in App.tsx). */
export function settingsPage(path: string): (typeof SETTINGS)[number] {
  const page = SETTINGS.find((s) => s.to === path);
  // eslint-disable-next-line house/no-ui-literal -- not shown: a programming error (a wrong path in App.tsx)
  if (!page) throw new Error(`no settings page at ${path}`);
  return page;
}

const linkClass = ({ isActive }: { isActive: boolean }) => `rail-link${isActive ? ' on' : ''}`;

/** The left rail: product, Flows, Runs, Campaigns, the settings the user may open, the signed-in user. */
export function AppShell({ children }: { children: ReactNode }) {
  const user = useSession();
  const can = useCan();
  useMeRefresh();
  useEffect(() => themeForUser(user?.id ?? null), [user?.id]);
  useEffect(() => void localeForUser(user?.id ?? null, user?.locale), [user?.id, user?.locale]);
  const settings = SETTINGS.filter((s) => can(s.permission));
  return (
    <div className="shell">
      <nav className="rail" aria-label={t('shell.nav.main')}>
        <NavLink to="/flows" className="rail-logo" aria-label={t('shell.nav.home')}>
          <Logo compact />
        </NavLink>
        <NavLink to="/flows" className={linkClass} title={t('shell.nav.flows')} data-testid="nav-flows">
          <Icon name="flow" size={20} />
          <span>{t('shell.nav.flows')}</span>
        </NavLink>
        {can('executions.read') && (
          <NavLink
            to="/executions"
            className={linkClass}
            title={t('shell.nav.executions')}
            data-testid="nav-executions"
          >
            <Icon name="list" size={20} />
            <span>{t('shell.nav.runs')}</span>
          </NavLink>
        )}
        {can('executions.read') && (
          <NavLink to="/campaigns" className={linkClass} title={t('shell.nav.campaigns')} data-testid="nav-campaigns">
            <Icon name="megaphone" size={20} />
            <span>{t('shell.nav.campaigns')}</span>
          </NavLink>
        )}
        {settings.length > 0 && <div className="rail-sep" role="separator" aria-label={t('shell.nav.settings')} />}
        {settings.map((s) => (
          <NavLink key={s.to} to={s.to} className={linkClass} title={t(s.label)} data-testid={s.testId}>
            <Icon name={s.icon} size={20} />
            <span>{t(s.label)}</span>
          </NavLink>
        ))}
        <div className="grow" />
        <ThemeSwitch />
        <LanguageSwitch />
        <div className="rail-user" title={user?.email} data-testid="rail-user">
          {(user?.email ?? '?').slice(0, 1).toUpperCase()}
        </div>
        <button
          type="button"
          className="rail-link"
          onClick={() => void signOut()}
          title={t('shell.signOut')}
          data-testid="sign-out"
        >
          <Icon name="logout" size={20} />
          <span>{t('shell.signOut')}</span>
        </button>
      </nav>
      <main className="shell-main">{children}</main>
    </div>
  );
}
