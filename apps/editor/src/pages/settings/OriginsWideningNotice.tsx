/**
 * Adding an origin to a connection that holds secrets sends them there, so the server asks for the
 * secrets again in the same save (a 422 otherwise): said here as soon as an origin is added.
 * Removing origins needs nothing.
 */
import { Icon } from '../../ui/icons';
import { originsOf } from './AllowedOriginsField';
import { t } from '../../i18n/i18n';

/** The WHATWG origin of a line when it parses (as the server normalises it), else the line. */
function originLike(line: string): string {
  try {
    return new URL(line).origin.toLowerCase();
  } catch {
    return line.toLowerCase();
  }
}

/** The origins in `text` that `stored` does not list. */
export function addedOrigins(stored: readonly string[], text: string): string[] {
  const known = new Set(stored.map(originLike));
  return originsOf(text).filter((o) => !known.has(originLike(o)));
}

interface Props {
  /** The origins as saved. */
  stored: readonly string[];
  /** The origins field as being edited. */
  text: string;
  /** The names of the secrets the connection holds. */
  secretsSet: readonly string[];
}

export function OriginsWideningNotice({ stored, text, secretsSet }: Props) {
  const added = addedOrigins(stored, text);
  if (added.length === 0 || secretsSet.length === 0) return null;
  return (
    <p className="callout callout-warning" role="note" data-testid="connection-origins-widened">
      <Icon name="alert" size={14} />{' '}
      <span>
        {t('settings.origins.widened', {
          origins: added.join(', '),
          count: secretsSet.length,
          secrets: secretsSet.join(', '),
        })}
      </span>
    </p>
  );
}
