/**
 * A flow template's texts in the language in force. The API serves them in English
 * (GET /flow-templates, apps/api/src/flow-templates); the `templates` area holds their translations,
 * keyed by template id (`templates.<id>.name`, `.description`, `.connection.<purpose>`), and a
 * template the catalog lacks (a newer server) shows the API's English. apps/editor/test/i18n-templates.spec.ts
 * keeps the English catalog equal to the API's registry. No @callflow/flow import: the flows list uses it.
 */
import { hasMessage, t } from './i18n';

function templateText(id: string, what: string, english: string): string {
  const key = `templates.${id}.${what}`;
  return hasMessage(key) ? t(key) : english;
}

/** The template's name ("RetailCRM: make a call (makeCallUrl)"). */
export function templateName(template: { id: string; name: string }): string {
  return templateText(template.id, 'name', template.name);
}

/** What the template's flow does. */
export function templateDescription(template: { id: string; description?: string }): string {
  return templateText(template.id, 'description', template.description ?? '');
}

/** What one of the connections the template requires is for (`requires.connections[].description`). */
export function templateConnectionText(templateId: string, need: { purpose: string; description: string }): string {
  return templateText(templateId, `connection.${need.purpose}`, need.description);
}
