import { t } from '../i18n/i18n';

/** What a failed call says when the server's answer carries no message of its own. */
export function defaultMessage(status: number): string {
  if (status === 401) return t('shell.api.sessionEnded');
  if (status === 403) return t('shell.api.forbidden');
  if (status === 404) return t('shell.api.notFound');
  if (status === 409) return t('shell.api.conflict');
  if (status >= 500) return t('shell.api.serverFailed', { status });
  return t('shell.api.failed', { status });
}
