/**
 * The access texts the server sends in English: what a permission allows (GET /permissions) and the
 * names of the built-in roles (GET /roles). The `settings` area holds their translations, keyed by
 * permission (`settings.permission.flows.read`) and built-in role key (`settings.role.builtin.viewer`);
 * anything the catalog lacks shows the server's English (apps/editor/test/i18n-access.spec.ts keeps
 * the English catalog equal to the API's texts). A role the tenant created shows its own name.
 */
import { hasMessage, t } from './i18n';

/** What the permission allows, in the language in force, else the server's `english`. */
export function permissionDescription(name: string, english: string): string {
  const id = `settings.permission.${name}`;
  return hasMessage(id) ? t(id) : english;
}

/** A role's name as shown: a built-in role's in the language in force, any other role's as named. */
export function roleName(role: { name: string; builtIn?: string | null }): string {
  if (!role.builtIn) return role.name;
  const id = `settings.role.builtin.${role.builtIn}`;
  return hasMessage(id) ? t(id) : role.name;
}
