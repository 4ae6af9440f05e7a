/**
 * Where a connection's credentials may be sent (issue 16): origins one per line or separated by
 * commas (as the other lists of the editor). The server refuses any request, token request or WSDL
 * load elsewhere (CONNECTION_ORIGIN_NOT_ALLOWED) and strips the credentials from redirects to other
 * origins. Its refusals of this field are shown here, in plain words.
 */
import { useEffect, useRef } from 'react';
import { Field } from '../../ui/form';
import { Icon } from '../../ui/icons';
import { t } from '../../i18n/i18n';

/** The origins typed, split at new lines and commas (blanks dropped); the server checks and normalises each one. */
export function originsOf(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((l) => l.trim())
    .filter(Boolean);
}

/**
 * The server's message when it is about allowedOrigins, in plain words for this field; null for any
 * other message (shown where it was).
 */
export function originsProblem(message: string | null): string | null {
  const m = message ? /^allowedOrigins(?:\.\d+)?:\s*(.*)$/s.exec(message.trim()) : null;
  if (!m) return null;
  const text = m[1]!;
  if (/^list the origins/.test(text)) {
    return t('settings.origins.none');
  }
  const must = /^must include (\S+), where/.exec(text);
  if (must) return t('settings.origins.mustInclude', { origin: must[1] });
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function AllowedOriginsField(props: { value: string; onChange(v: string): void; error?: string | null }) {
  const { value, onChange, error } = props;
  const problem = originsProblem(error ?? null);
  const ref = useRef<HTMLTextAreaElement>(null);
  // The field may be scrolled out of the dialog's view when Save is pressed: bring it back.
  useEffect(() => {
    if (problem) ref.current?.scrollIntoView({ block: 'center' });
  }, [problem]);
  return (
    <Field label={t('settings.origins.label')} htmlFor="conn-origins" hint={t('settings.origins.hint')}>
      <textarea
        ref={ref}
        id="conn-origins"
        className={`input${problem ? ' invalid' : ''}`}
        aria-invalid={problem ? true : undefined}
        rows={2}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder="https://crm.example.com"
        spellCheck={false}
        data-testid="connection-allowed-origins"
      />
      {problem && (
        <ul className="field-issues">
          <li className="err" role="alert" data-testid="connection-origins-error">
            <Icon name="alert" size={13} />
            <span>{problem}</span>
          </li>
        </ul>
      )}
    </Field>
  );
}
