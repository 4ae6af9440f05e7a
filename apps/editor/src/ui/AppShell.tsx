import type { ReactNode } from 'react';
import { NavLink } from 'react-router';
import { session, useSession } from '../auth/session';
import { Icon } from './icons';
import { Logo } from './Logo';

/** The left rail: product, Flows, Executions, the signed-in user. */
export function AppShell({ children }: { children: ReactNode }) {
  const user = useSession();
  return (
    <div className="shell">
      <nav className="rail" aria-label="Main">
        <NavLink to="/flows" className="rail-logo" aria-label="Callflow home">
          <Logo compact />
        </NavLink>
        <NavLink to="/flows" className={({ isActive }) => `rail-link${isActive ? ' on' : ''}`} title="Flows" data-testid="nav-flows">
          <Icon name="flow" size={20} />
          <span>Flows</span>
        </NavLink>
        {session.can('executions.read') && (
          <NavLink to="/executions" className={({ isActive }) => `rail-link${isActive ? ' on' : ''}`} title="Executions" data-testid="nav-executions">
            <Icon name="list" size={20} />
            <span>Runs</span>
          </NavLink>
        )}
        <div className="grow" />
        <div className="rail-user" title={user?.email}>
          {(user?.email ?? '?').slice(0, 1).toUpperCase()}
        </div>
        <button type="button" className="rail-link" onClick={() => session.signOut()} title="Sign out" data-testid="sign-out">
          <Icon name="logout" size={20} />
          <span>Sign out</span>
        </button>
      </nav>
      <main className="shell-main">{children}</main>
    </div>
  );
}
