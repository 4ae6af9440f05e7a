/**
 * Users: who may sign in, their roles and direct grants. Create with a temporary password, edit
 * roles and grants, deactivate (sessions end at once) or reactivate. The server's refusals
 * (409 last admin, 403 granting what you do not hold) are shown as it words them.
 */
import { useCallback, useEffect, useState } from 'react';
import { api, errorText, itemsOf } from '../../api/client';
import type { ManagedUser, PermissionInfo, Role } from '../../api/access-types';
import { useCan, useSession } from '../../api/session';
import { Badge, Button, Empty, Spinner, timeAgo, toast } from '../../ui/components';
import { isForbidden, LoadError } from '../../ui/access';
import { ConfirmDialog, FormDialog } from '../../ui/dialogs';
import { Checkbox } from '../../ui/form';
import { Icon } from '../../ui/icons';
import { PASSWORD_MIN_LENGTH, PasswordField, passwordMessage, passwordShortfall } from './PasswordField';
import { t } from '../../i18n/i18n';
import { permissionDescription, roleName } from '../../i18n/access-text';

type State =
  | { status: 'loading' }
  | { status: 'error'; error: unknown }
  | { status: 'ok'; users: ManagedUser[]; roles: Role[]; permissions: PermissionInfo[] };

export function UsersPage() {
  const [state, setState] = useState<State>({ status: 'loading' });
  const can = useCan();
  // Refused (the permission went since GET /me): no button that would be refused too.
  const mayCreate = can('access.manage') && !(state.status === 'error' && isForbidden(state.error));
  const [editing, setEditing] = useState<ManagedUser | 'new' | null>(null);
  const [deactivating, setDeactivating] = useState<ManagedUser | null>(null);
  const me = useSession();

  const load = useCallback(async () => {
    try {
      const [users, roles, permissions] = await Promise.all([api.users.list(), api.roles.list(), api.permissions()]);
      setState({
        status: 'ok',
        users: itemsOf(users),
        roles: itemsOf(roles),
        permissions: itemsOf(permissions).filter((p) => p.grantable),
      });
    } catch (err) {
      setState({ status: 'error', error: err });
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const setActive = async (u: ManagedUser, active: boolean) => {
    try {
      if (active) await api.users.update(u.id, { active: true });
      else await api.users.deactivate(u.id);
      toast(t(active ? 'settings.users.reactivated' : 'settings.users.deactivated', { email: u.email }), 'success');
      setDeactivating(null);
      void load();
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };

  const roleLabel = (id: string) => {
    const role = state.status === 'ok' ? state.roles.find((r) => r.id === id) : undefined;
    return role ? roleName(role) : id.slice(0, 8);
  };

  return (
    <div className="page" data-testid="users-page">
      <header className="page-head">
        <div>
          <h1>{t('settings.users.title')}</h1>
          <p className="muted">{t('settings.users.intro')}</p>
        </div>
        <div className="grow" />
        {mayCreate && (
          <Button variant="primary" icon="plus" onClick={() => setEditing('new')} data-testid="new-user">
            {t('settings.users.add')}
          </Button>
        )}
      </header>
      <div className="page-body">
        {state.status === 'loading' && <Spinner label={t('settings.users.loading')} />}
        {state.status === 'error' && (
          <LoadError
            error={state.error}
            onRetry={() => void load()}
            headline={t('shell.noAccess.users')}
            permission="access.manage"
          />
        )}
        {state.status === 'ok' && state.users.length === 0 && <Empty icon="users" title={t('settings.users.empty')} />}
        {state.status === 'ok' && state.users.length > 0 && (
          <div className="table-wrap">
            <table className="table" data-testid="users-table">
              <thead>
                <tr>
                  <th>{t('settings.users.col.user')}</th>
                  <th>{t('settings.users.col.roles')}</th>
                  <th>{t('settings.users.col.grants')}</th>
                  <th>{t('common.status')}</th>
                  <th>{t('settings.users.col.added')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {state.users.map((u) => (
                  <tr key={u.id} data-testid={`user-${u.email}`} className={u.active ? undefined : 'row-inactive'}>
                    <td>
                      <span className="row-title">{u.email}</span>
                      {u.id === me?.id && <span className="muted small"> {t('settings.users.you')}</span>}
                      {u.isBootstrap && (
                        <>
                          {' '}
                          <Badge tone="accent" title={t('settings.users.bootstrap.title')}>
                            {t('settings.users.bootstrap')}
                          </Badge>
                        </>
                      )}
                    </td>
                    <td>
                      <div className="chips">
                        {u.roleIds.length ? (
                          u.roleIds.map((id) => <Badge key={id}>{roleLabel(id)}</Badge>)
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </div>
                    </td>
                    <td>
                      <div className="chips">
                        {u.permissions.length ? (
                          u.permissions.slice(0, 3).map((p) => (
                            <span key={p} className="type-tag mono">
                              {p}
                            </span>
                          ))
                        ) : (
                          <span className="muted">—</span>
                        )}
                        {u.permissions.length > 3 && (
                          <span className="muted small" title={u.permissions.join(', ')}>
                            {t('settings.users.moreGrants', { count: u.permissions.length - 3 })}
                          </span>
                        )}
                      </div>
                    </td>
                    <td>
                      {u.active ? (
                        <Badge tone="success">{t('settings.users.active')}</Badge>
                      ) : (
                        <Badge tone="danger">{t('settings.users.inactive')}</Badge>
                      )}
                    </td>
                    <td className="muted small">{timeAgo(u.createdAt)}</td>
                    <td className="row-actions">
                      <Button
                        size="sm"
                        variant="ghost"
                        onClick={() => setEditing(u)}
                        data-testid={`edit-user-${u.email}`}
                      >
                        {t('common.edit')}
                      </Button>
                      {u.active ? (
                        <Button
                          size="sm"
                          variant="ghost"
                          onClick={() => setDeactivating(u)}
                          data-testid={`deactivate-user-${u.email}`}
                        >
                          {t('settings.users.deactivate')}
                        </Button>
                      ) : (
                        <Button size="sm" variant="ghost" onClick={() => void setActive(u, true)}>
                          {t('settings.users.reactivate')}
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
      {editing && state.status === 'ok' && (
        <UserDialog
          user={editing === 'new' ? null : editing}
          roles={state.roles}
          permissions={state.permissions}
          onClose={() => setEditing(null)}
          onSaved={() => (setEditing(null), void load())}
        />
      )}
      {deactivating && (
        <ConfirmDialog
          title={t('settings.users.deactivate.title', { email: deactivating.email })}
          onClose={() => setDeactivating(null)}
          action={t('settings.users.deactivate')}
          onConfirm={() => setActive(deactivating, false)}
          actionTestId="confirm-deactivate"
        >
          <p>{t('settings.users.deactivate.body')}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

function UserDialog({
  user,
  roles,
  permissions,
  onClose,
  onSaved,
}: {
  user: ManagedUser | null;
  roles: Role[];
  permissions: PermissionInfo[];
  onClose(): void;
  onSaved(): void;
}) {
  const [email, setEmail] = useState(user?.email ?? '');
  const [password, setPassword] = useState('');
  const [roleIds, setRoleIds] = useState<string[]>(user?.roleIds ?? []);
  const [grants, setGrants] = useState<string[]>(user?.permissions ?? []);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toggle = (list: string[], v: string, on: boolean) => (on ? [...list, v] : list.filter((x) => x !== v));
  // A refusal of the password is shown at its field; anything else at the bottom.
  const passwordError = passwordMessage(error);
  const tooShort = passwordShortfall(password) !== null;
  // What the Add/Save button waits for, said next to it.
  const missing =
    !user && !email.trim()
      ? t('settings.users.missing.email')
      : !user && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())
        ? t('settings.users.missing.wholeEmail')
        : !user && !password
          ? t('settings.users.missing.password')
          : tooShort
            ? t('settings.users.missing.length', { min: PASSWORD_MIN_LENGTH })
            : null;

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      if (user) await api.users.update(user.id, { roleIds, permissions: grants, ...(password ? { password } : {}) });
      else await api.users.create({ email: email.trim(), password, roleIds, permissions: grants });
      toast(
        user ? t('settings.users.updated', { email: user.email }) : t('settings.users.added', { email: email.trim() }),
        'success',
      );
      onSaved();
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  return (
    <FormDialog
      title={user ? t('settings.users.edit.title', { email: user.email }) : t('settings.users.add')}
      onClose={onClose}
      width={560}
      testId="user-dialog"
      submit={user ? t('common.save') : t('settings.users.add')}
      busy={busy}
      disabled={missing !== null}
      disabledReason={missing}
      onSubmit={() => void save()}
      submitTestId="save-user"
    >
      {!user && (
        <>
          <label className="field-label" htmlFor="user-email">
            {t('settings.users.email')}
          </label>
          <input
            id="user-email"
            className="input"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            // eslint-disable-next-line house/no-ui-literal -- an example address, the same in every language
            placeholder="agent@example.com"
            data-testid="user-email"
          />
        </>
      )}
      <PasswordField
        id="user-password"
        label={user ? t('settings.users.newPassword') : t('settings.users.tempPassword')}
        value={password}
        onChange={(v) => {
          setPassword(v);
          if (passwordError) setError(null);
        }}
        serverError={passwordError}
        placeholder={user ? t('settings.users.newPassword.placeholder') : undefined}
        testId="user-password"
      />
      <h4 className="dialog-sub">{t('settings.users.col.roles')}</h4>
      <div className="check-grid">
        {roles.map((r) => (
          <Checkbox
            key={r.id}
            checked={roleIds.includes(r.id)}
            onChange={(on) => setRoleIds((l) => toggle(l, r.id, on))}
            label={roleName(r)}
            testId={`user-role-${r.name}`}
          />
        ))}
      </div>
      <h4 className="dialog-sub">{t('settings.users.col.grants')}</h4>
      <p className="muted small">{t('settings.users.grants.help')}</p>
      <div className="check-grid">
        {permissions.map((p) => (
          <span key={p.name} title={permissionDescription(p.name, p.description)}>
            <Checkbox
              checked={grants.includes(p.name)}
              onChange={(on) => setGrants((l) => toggle(l, p.name, on))}
              label={<span className="mono small">{p.name}</span>}
              testId={`user-grant-${p.name}`}
            />
          </span>
        ))}
      </div>
      {error && !passwordError && (
        <p className="callout callout-danger" role="alert" data-testid="user-error">
          <Icon name="alert" size={14} /> <span>{error}</span>
        </p>
      )}
    </FormDialog>
  );
}
