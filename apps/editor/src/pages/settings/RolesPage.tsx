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
      toast(`${role.name}: ${permission} ${on ? 'granted' : 'removed'}`, 'success');
    } catch (err) {
      setRole(role);
      toast(`${role.name}: ${errorText(err)}`, 'error');
    } finally {
      setSaving(null);
    }
  };

  const remove = async (role: Role) => {
    try {
      await api.roles.remove(role.id);
      toast(`Role “${role.name}” deleted`, 'success');
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
          <h1>Roles</h1>
          <p className="muted">
            What each role may do. A user holds the permissions of their roles plus their direct grants; changes apply
            on their next request.
          </p>
        </div>
        <div className="grow" />
        {mayCreate && (
          <Button variant="primary" icon="plus" onClick={() => setEditing('new')} data-testid="new-role">
            New role
          </Button>
        )}
      </header>
      <div className="page-body">
        {state.status === 'loading' && <Spinner label="Loading roles…" />}
        {state.status === 'error' && (
          <LoadError error={state.error} onRetry={() => void load()} what="roles" permission="access.manage" />
        )}
        {state.status === 'ok' && (
          <div className="table-wrap matrix-wrap">
            <table className="table matrix" data-testid="role-matrix">
              <thead>
                <tr>
                  <th>Permission</th>
                  {state.roles.map((r) => (
                    <th key={r.id} className="matrix-role" data-testid={`role-col-${r.name}`}>
                      <div className="matrix-role-name">{r.name}</div>
                      <div className="matrix-role-meta">
                        {r.builtIn ? (
                          <Badge
                            tone={r.builtIn === 'admin' ? 'warning' : 'neutral'}
                            title={
                              r.builtIn === 'admin'
                                ? "Built-in; Admin's permissions are fixed"
                                : 'Built-in: cannot be renamed or deleted'
                            }
                          >
                            {r.builtIn === 'admin' ? 'built-in · locked' : 'built-in'}
                          </Badge>
                        ) : (
                          <>
                            <Button
                              size="sm"
                              variant="ghost"
                              onClick={() => setEditing(r)}
                              data-testid={`rename-role-${r.name}`}
                            >
                              Rename
                            </Button>
                            <Button
                              size="sm"
                              variant="ghost"
                              icon="trash"
                              aria-label={`Delete ${r.name}`}
                              title="Delete role"
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
                        {p.description}
                        {!p.grantable && ' (not grantable to users or roles)'}
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
                            aria-label={`${r.name}: ${p.name}`}
                            title={
                              locked
                                ? r.builtIn === 'admin'
                                  ? "Admin's permissions are fixed"
                                  : 'Not grantable'
                                : on
                                  ? `Remove ${p.name} from ${r.name}`
                                  : `Grant ${p.name} to ${r.name}`
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
          title={`Delete “${deleting.name}”?`}
          onClose={() => setDeleting(null)}
          action="Delete role"
          actionIcon="trash"
          onConfirm={() => remove(deleting)}
          actionTestId="confirm-delete-role"
        >
          <p>Its holders lose its permissions at once (their direct grants and other roles stay).</p>
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
        role ? `Renamed to “${name.trim()}”` : `Role “${name.trim()}” created: tick its permissions in the matrix`,
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
      title={role ? `Rename “${role.name}”` : 'New role'}
      onClose={onClose}
      submit={role ? 'Rename' : 'Create'}
      busy={busy}
      disabled={!name.trim()}
      onSubmit={() => void save()}
      submitTestId="save-role"
    >
      <label className="field-label" htmlFor="role-name">
        Name
      </label>
      <input
        id="role-name"
        className="input"
        value={name}
        onChange={(e) => setName(e.target.value)}
        placeholder="e.g. Night shift supervisor"
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
