/** Form controls used by the node panels. Each shows its validation messages under it. */
import { useEffect, useId, useState, type ReactNode } from 'react';
import type { ValidationIssue } from '@callflow/flow';
import { Icon } from './icons';
import { t } from '../i18n/i18n';

export function Field({
  label,
  hint,
  issues,
  children,
  htmlFor,
  aside,
  required,
}: {
  label?: ReactNode;
  hint?: ReactNode;
  issues?: readonly ValidationIssue[] | readonly string[];
  children: ReactNode;
  htmlFor?: string;
  aside?: ReactNode;
  required?: boolean;
}) {
  return (
    <div className="field">
      {(label || aside) && (
        <div className="field-label-row">
          {label && (
            <label className="field-label" htmlFor={htmlFor}>
              {label}
              {required && (
                <span className="req" aria-label={t('common.required')}>
                  {' '}
                  *
                </span>
              )}
            </label>
          )}
          {aside}
        </div>
      )}
      {children}
      <Issues issues={issues} />
      {hint && <div className="field-hint">{hint}</div>}
    </div>
  );
}

export function Issues({ issues }: { issues?: readonly ValidationIssue[] | readonly string[] }) {
  if (!issues?.length) return null;
  return (
    <ul className="field-issues">
      {issues.map((i, n) => {
        const issue = typeof i === 'string' ? { message: i, severity: 'error' as const } : i;
        return (
          <li key={n} className={issue.severity === 'warning' ? 'warn' : 'err'}>
            <Icon name={issue.severity === 'warning' ? 'info' : 'alert'} size={13} />
            <span>{issue.message}</span>
          </li>
        );
      })}
    </ul>
  );
}

export function TextInput({
  value,
  onChange,
  placeholder,
  id,
  invalid,
  readOnly,
  testId,
  mono,
  ariaLabel,
}: {
  value: string;
  onChange(v: string): void;
  placeholder?: string;
  id?: string;
  invalid?: boolean;
  readOnly?: boolean;
  testId?: string;
  mono?: boolean;
  ariaLabel?: string;
}) {
  return (
    <input
      id={id}
      className={`input${invalid ? ' invalid' : ''}${mono ? ' mono' : ''}`}
      value={value}
      placeholder={placeholder}
      readOnly={readOnly}
      aria-invalid={invalid || undefined}
      aria-label={ariaLabel}
      data-testid={testId}
      spellCheck={false}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

/** A number box that keeps what is typed until it is a number; empty means "use the default". */
export function NumberInput({
  value,
  onChange,
  placeholder,
  min,
  max,
  id,
  readOnly,
  testId,
  suffix,
  ariaLabel,
}: {
  value: number | undefined;
  onChange(v: number | undefined): void;
  placeholder?: string;
  min?: number;
  max?: number;
  id?: string;
  readOnly?: boolean;
  testId?: string;
  suffix?: string;
  ariaLabel?: string;
}) {
  const [text, setText] = useState(value === undefined ? '' : String(value));
  useEffect(() => {
    setText((t) => (Number(t) === value && t !== '' ? t : value === undefined ? '' : String(value)));
  }, [value]);
  const n = Number(text);
  const bad = text !== '' && (!Number.isFinite(n) || (min !== undefined && n < min) || (max !== undefined && n > max));
  return (
    <div className={`input-affix${bad ? ' invalid' : ''}`}>
      <input
        id={id}
        className="input"
        inputMode="numeric"
        value={text}
        placeholder={placeholder}
        readOnly={readOnly}
        aria-label={ariaLabel}
        aria-invalid={bad || undefined}
        data-testid={testId}
        onChange={(e) => {
          const t = e.target.value;
          setText(t);
          if (t.trim() === '') onChange(undefined);
          else if (Number.isFinite(Number(t))) onChange(Number(t));
        }}
      />
      {suffix && <span className="affix">{suffix}</span>}
    </div>
  );
}

export function Select<T extends string>({
  value,
  onChange,
  options,
  id,
  disabled,
  testId,
  placeholder,
  ariaLabel,
}: {
  value: T | '';
  onChange(v: T): void;
  options: readonly (T | { value: T; label: string })[];
  id?: string;
  disabled?: boolean;
  testId?: string;
  placeholder?: string;
  ariaLabel?: string;
}) {
  return (
    <select
      id={id}
      className="input select"
      value={value}
      disabled={disabled}
      data-testid={testId}
      aria-label={ariaLabel}
      onChange={(e) => onChange(e.target.value as T)}
    >
      {placeholder !== undefined && (
        <option value="" disabled={value !== ''}>
          {placeholder}
        </option>
      )}
      {options.map((o) => {
        const opt = typeof o === 'string' ? { value: o, label: o } : o;
        return (
          <option key={opt.value} value={opt.value}>
            {opt.label}
          </option>
        );
      })}
    </select>
  );
}

export function Checkbox({
  checked,
  onChange,
  label,
  disabled,
  testId,
}: {
  checked: boolean;
  onChange(v: boolean): void;
  label: ReactNode;
  disabled?: boolean;
  testId?: string;
}) {
  return (
    <label className={`checkbox${disabled ? ' disabled' : ''}`}>
      <input
        type="checkbox"
        checked={checked}
        disabled={disabled}
        data-testid={testId}
        onChange={(e) => onChange(e.target.checked)}
      />
      <span>{label}</span>
    </label>
  );
}

/** A row of mutually exclusive choices (method, body type, ...). */
export function Segmented<T extends string>({
  value,
  onChange,
  options,
  disabled,
  ariaLabel,
  testId,
}: {
  value: T;
  onChange(v: NoInfer<T>): void;
  options: readonly (NoInfer<T> | { value: NoInfer<T>; label: string })[];
  disabled?: boolean;
  ariaLabel?: string;
  testId?: string;
}) {
  return (
    <div className="segmented" role="radiogroup" aria-label={ariaLabel} data-testid={testId}>
      {options.map((o) => {
        const opt = typeof o === 'string' ? { value: o, label: o } : o;
        return (
          <button
            key={opt.value}
            type="button"
            role="radio"
            aria-checked={value === opt.value}
            className={value === opt.value ? 'on' : ''}
            disabled={disabled}
            onClick={() => onChange(opt.value)}
          >
            {opt.label}
          </button>
        );
      })}
    </div>
  );
}

export function Tabs<T extends string>({
  value,
  onChange,
  tabs,
}: {
  value: T;
  onChange(v: NoInfer<T>): void;
  tabs: readonly { value: NoInfer<T>; label: ReactNode; count?: number; testId?: string }[];
}) {
  return (
    <div className="tabs" role="tablist">
      {tabs.map((t) => (
        <button
          key={t.value}
          type="button"
          role="tab"
          aria-selected={value === t.value}
          className={value === t.value ? 'on' : ''}
          onClick={() => onChange(t.value)}
          data-testid={t.testId}
        >
          {t.label}
          {t.count ? <span className="tab-count">{t.count}</span> : null}
        </button>
      ))}
    </div>
  );
}

export function useFieldId(): string {
  return useId();
}
