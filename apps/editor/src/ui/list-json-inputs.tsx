/** List and JSON inputs of the node panels (text the admin types, committed when it parses). */
import { useEffect, useState } from 'react';
import { Issues } from './form';
import { t } from '../i18n/i18n';

/** A JSON text area: commits the parsed value when it parses, shows where it does not. */
export function JsonField({
  value,
  onChange,
  rows = 6,
  readOnly,
  testId,
  id,
  expect = 'object',
}: {
  value: unknown;
  onChange(v: unknown): void;
  rows?: number;
  readOnly?: boolean;
  testId?: string;
  id?: string;
  expect?: 'object' | 'any';
}) {
  const [text, setText] = useState(() => JSON.stringify(value ?? {}, null, 2));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    // Follow outside changes (undo) unless the text already means the same value.
    setText((t) => {
      try {
        if (JSON.stringify(JSON.parse(t)) === JSON.stringify(value ?? {})) return t;
      } catch {
        // the text is mid-edit; replace it with the new value below
      }
      return JSON.stringify(value ?? {}, null, 2);
    });
  }, [value]);
  return (
    <>
      <textarea
        id={id}
        className={`input mono${error ? ' invalid' : ''}`}
        rows={rows}
        value={text}
        readOnly={readOnly}
        spellCheck={false}
        data-testid={testId}
        onChange={(e) => {
          const text = e.target.value;
          setText(text);
          try {
            const v = JSON.parse(text) as unknown;
            if (expect === 'object' && (v === null || typeof v !== 'object' || Array.isArray(v))) {
              setError(t('shell.json.notObject'));
              return;
            }
            setError(null);
            onChange(v);
          } catch (err) {
            setError(t('shell.json.invalid', { reason: (err as Error).message }));
          }
        }}
      />
      {error && <Issues issues={[error]} />}
    </>
  );
}

/** Comma or newline separated values, edited as text (campaign ids, queues, origins). */
export function ListInput({
  value,
  onChange,
  placeholder,
  readOnly,
  id,
  testId,
}: {
  value: readonly string[] | undefined;
  onChange(v: string[] | undefined): void;
  placeholder?: string;
  readOnly?: boolean;
  id?: string;
  testId?: string;
}) {
  const [text, setText] = useState((value ?? []).join(', '));
  useEffect(() => {
    setText((t) => (split(t).join(',') === (value ?? []).join(',') ? t : (value ?? []).join(', ')));
  }, [value]);
  return (
    <input
      id={id}
      className="input"
      value={text}
      placeholder={placeholder}
      readOnly={readOnly}
      data-testid={testId}
      onChange={(e) => {
        setText(e.target.value);
        const list = split(e.target.value);
        onChange(list.length ? list : undefined);
      }}
    />
  );
}

function split(t: string): string[] {
  return t
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}
