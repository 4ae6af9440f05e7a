/**
 * A password input that states the password policy (apps/api/src/platform/passwords/password-policy.ts)
 * under it, counts what is missing while it is too short, and shows the server's refusal ("is too
 * common", "is a run of the alphabet", "contains the email") at the field rather than at the
 * bottom of the dialog.
 */
import { Field } from '../../ui/form';
import { Icon } from '../../ui/icons';
import { t } from '../../i18n/i18n';

/** The policy's length rule (PASSWORD_MIN_LENGTH on the server, which checks everything again). */
export const PASSWORD_MIN_LENGTH = 12;

/** The policy in a sentence, in the language in force. */
export const passwordRule = () => t('settings.password.rule', { min: PASSWORD_MIN_LENGTH });

/** Characters as the server counts them (code points). */
export const passwordLength = (p: string) => [...p].length;

/** The server's message when it is about the password (`password: the password is too common …`), in a sentence. */
export function passwordMessage(message: string | null): string | null {
  if (!message) return null;
  const m = /^(?:newPassword|password)\b:?\s*(.*)$/is.exec(message.trim());
  if (!m) return null;
  const text = m[1]!.trim() || message;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Why the typed password cannot be sent yet (too short), or null. */
export function passwordShortfall(password: string): string | null {
  const n = passwordLength(password);
  if (n === 0 || n >= PASSWORD_MIN_LENGTH) return null;
  const more = PASSWORD_MIN_LENGTH - n;
  return t('settings.password.short', { count: n, more, min: PASSWORD_MIN_LENGTH });
}

export function PasswordField(props: {
  id: string;
  label: string;
  value: string;
  onChange(v: string): void;
  /** The server's last refusal of this password, as passwordMessage gives it. */
  serverError: string | null;
  placeholder?: string;
  testId: string;
}) {
  const short = passwordShortfall(props.value);
  const problem = short ?? props.serverError;
  return (
    <Field
      label={props.label}
      htmlFor={props.id}
      hint={<span data-testid={`${props.testId}-rule`}>{passwordRule()}</span>}
    >
      <input
        id={props.id}
        className={`input${problem ? ' invalid' : ''}`}
        type="password"
        autoComplete="new-password"
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        placeholder={props.placeholder}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? `${props.id}-problem` : undefined}
        data-testid={props.testId}
      />
      {problem && (
        <ul className="field-issues">
          <li className={short ? 'warn' : 'err'} id={`${props.id}-problem`} data-testid={`${props.testId}-problem`}>
            <Icon name={short ? 'info' : 'alert'} size={13} />
            <span>{problem}</span>
          </li>
        </ul>
      )}
    </Field>
  );
}
