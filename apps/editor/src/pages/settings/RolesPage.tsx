/**
 * Roles: the permission matrix (rows = the catalogue of GET /permissions, columns = roles). Each
 * tick saves the role's full permission set with PATCH /roles/:id and says whether it worked.
 * Built-in roles are marked and cannot be renamed or deleted; Admin's column is locked.
 */
import { useCallback, useEffect, useState } from 'react';
import { api, errorText, itemsOf } from '../../api/client';
import type { PermissionInfo, Role } from '../../api/access-types';
import { useCan } from '../../api/session';
import { Badge, Button, Spinner, toast } from '../../ui/components';
import { isForbidden, LoadError } from '../../ui/access';
import { ConfirmDialog, FormDialog } from '../../ui/dialogs';
import { Icon } from '../../ui/icons';
import { t } from '../../i18n/i18n';
import { permissionDescription, roleName } from '../../i18n/access-text';

type State =
  | { status: 'loading' }
  | { status: 'error'; error: unknown }
  | { status: 'ok'; roles: Role[]; permissions: PermissionInfo[] };

export function RolesPage() {
  const [state, setState] = useState<State>({ status: 'loading' });
  const can = useCan();
  // Refused (the permission went since GET /me): no button that would be refused too.
  const mayCreate = can('access.manage') && !(state.status === 'error' && isForbidden(state.error));
  const [saving, setSaving] = useState<string | null>(null);
  const [editing, setEditing] = useState<Role | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Role | null>(null);

  const load = useCallback(async () => {
    try {
      const [roles, permissions] = await Promise.all([api.roles.list(), api.permissions()]);
      setState({ status: 'ok', roles: itemsOf(roles), permissions: itemsOf(permissions) });
    } catch (err) {
      setState({ status: 'error', error: err });
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const setRole = (role: Role) =>
    setState((s) => (s.status === 'ok' ? { ...s, roles: s.roles.map((r) => (r.id === role.id ? role : r)) } : s));

  const toggle = async (role: Role, permission: string, on: boolean) => {
    const permissions = on ? [...role.permissions, permission] : role.permissions.filter((p) => p !== permission);
    const cell = `${role.id}:${permission}`;
    setSaving(cell);
    setRole({ ...role, permissions });
    try {
      const saved = await api.roles.update(role.id, { permissions });
      setRole(saved);
      const values = { role: roleName(role), permission };
      toast(t(on ? 'settings.roles.granted' : 'settings.roles.removed', values), 'success');
    } catch (err) {
      setRole(role);
      toast(`${roleName(role)}: ${errorText(err)}`, 'error');
    } finally {
      setSaving(null);
    }
  };

  const remove = async (role: Role) => {
    try {
      await api.roles.remove(role.id);
      toast(t('settings.roles.deleted', { name: role.name }), 'success');
      setDeleting(null);
      void load();
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };

  return (
    <div className="page" data-testid="roles-page">
      <header className="page-head">
        <div>
          <h1>{t('settings.roles.title')}</h1>
          <p className="muted">{t('settings.roles.intro')}</p>
        </div>
        <div className="grow" />
        {mayCreate && (
          <Button variant="primary" icon="plus" onClick={() => setEditing('new')} data-testid="new-role">
            {t('settings.roles.new')}
          </Button>
        )}
      </header>
      <div className="page-body">
        {state.status === 'loading' && <Spinner label={t('settings.roles.loading')} />}
        {state.status === 'error' && (
          <LoadError
            error={state.error}
            onRetry={() => void load()}
            headline={t('shell.noAccess.roles')}
            permission="access.manage"
          />
        )}
        {state.status === 'ok' && (
          <div className="table-wrap matrix-wrap">
            <table className="table matrix" data-testid="role-matrix">
              <thead>
                <tr>
                  <th>{t('settings.roles.permission')}</th>
                  {state.roles.map((r) => (
                    <th key={r.id} className="matrix-role" data-testid={`role-col-${r.name}`}>
                      <div className="matrix-role-name">{roleName(r)}</div>
                      <div className="matrix-role-meta">
                        {r.builtIn ? (
                          <Badge
                            tone={r.builtIn === 'admin' ? 'warning' : 'neutral'}
                            title={
                              r.builtIn === 'admin'
                                ? t('settings.roles.builtIn.adminTitle')
                                : t('settings.roles.builtIn.title')
                            }
                          >
                            {r.builtIn === 'admin' ? t('settings.roles.builtIn.locked') : t('settings.roles.builtIn')}
                          </Badge>
                        ) : (
                          <>
                            <Button
                              size="sm"
                              variant="ghost"
                              onClick={() => setEditing(r)}
                              data-testid={`rename-role-${r.name}`}
                            >
                              {t('settings.roles.rename')}
                            </Button>
                            <Button
                              size="sm"
                              variant="ghost"
                              icon="trash"
                              aria-label={t('settings.roles.delete.label', { name: r.name })}
                              title={t('settings.roles.delete')}
                              onClick={() => setDeleting(r)}
                              data-testid={`delete-role-${r.name}`}
                            />
                          </>
                        )}
                      </div>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {state.permissions.map((p) => (
                  <tr key={p.name}>
                    <td>
                      <div className="mono small row-title">{p.name}</div>
                      <div className="muted small">
                        {permissionDescription(p.name, p.description)}
                        {!p.grantable && ` ${t('settings.roles.notGrantable.note')}`}
                      </div>
                    </td>
                    {state.roles.map((r) => {
                      const locked = r.builtIn === 'admin' || !p.grantable;
                      const on = r.permissions.includes(p.name);
                      const busy = !!saving?.startsWith(`${r.id}:`);
                      return (
                        <td key={r.id} className="matrix-cell">
                          <input
                            type="checkbox"
                            checked={on}
                            disabled={locked || busy}
                            aria-label={`${roleName(r)}: ${p.name}`}
                            title={
                              locked
                                ? r.builtIn === 'admin'
                                  ? t('settings.roles.adminFixed')
                                  : t('settings.roles.notGrantable')
                                : on
                                  ? t('settings.roles.revoke.title', { permission: p.name, role: roleName(r) })
                                  : t('settings.roles.grant.title', { permission: p.name, role: roleName(r) })
                            }
                            data-role={r.name}
                            data-perm={p.name}
                            onChange={(e) => void toggle(r, p.name, e.target.checked)}
                          />
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
      {editing && (
        <RoleDialog
          role={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => (setEditing(null), void load())}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={t('settings.roles.delete.confirm', { name: deleting.name })}
          onClose={() => setDeleting(null)}
          action={t('settings.roles.delete')}
          actionIcon="trash"
          onConfirm={() => remove(deleting)}
          actionTestId="confirm-delete-role"
        >
          <p>{t('settings.roles.delete.body')}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

function RoleDialog({ role, onClose, onSaved }: { role: Role | null; onClose(): void; onSaved(): void }) {
  const [name, setName] = useState(role?.name ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      if (role) await api.roles.update(role.id, { name: name.trim() });
      else await api.roles.create({ name: name.trim(), permissions: [] });
      toast(
        role ? t('settings.roles.renamed', { name: name.trim() }) : t('settings.roles.created', { name: name.trim() }),
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
      title={role ? t('settings.roles.rename.title', { name: role.name }) : t('settings.roles.new')}
      onClose={onClose}
      submit={role ? t('settings.roles.rename') : t('common.create')}
      busy={busy}
      disabled={!name.trim()}
      onSubmit={() => void save()}
      submitTestId="save-role"
    >
      <label className="field-label" htmlFor="role-name">
        {t('common.name')}
      </label>
      <input
        id="role-name"
        className="input"
        value={name}
        onChange={(e) => setName(e.target.value)}
        placeholder={t('settings.roles.name.placeholder')}
        data-testid="role-name"
        onKeyDown={(e) => e.key === 'Enter' && name.trim() && void save()}
      />
      {error && (
        <p className="callout callout-danger" role="alert">
          <Icon name="alert" size={14} /> <span>{error}</span>
        </p>
      )}
    </FormDialog>
  );
}
