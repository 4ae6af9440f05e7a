/**
 * An HTTP node's sample response (config `sampleResponse`): JSON pasted by the admin or pinned
 * from the node's last run. Later nodes' completion offers its fields and a token path it lacks is
 * a warning; it is saved with the draft and never sent.
 */
import { useEffect, useState } from 'react';
import { Button } from '../../ui/components';
import { Issues } from '../../ui/form';
import { useShownStep } from '../store/flow-hooks';
import { t, tRich } from '../../i18n/i18n';

const toText = (v: unknown) => (v === undefined ? '' : JSON.stringify(v, null, 2));
/** A JSON example (data, the same in every language). */
const SAMPLE_EXAMPLE = '{\n  "customer": { "name": "Jeanne", "tier": "gold" }\n}';

export function SampleResponse(props: {
  nodeId: string;
  nodeName: string;
  value: unknown;
  onChange(value: unknown): void;
  readOnly: boolean;
}) {
  const { nodeId, nodeName, value, onChange, readOnly } = props;
  const [text, setText] = useState(() => toText(value));
  const [error, setError] = useState<string | null>(null);
  const step = useShownStep(nodeId);
  const last = step?.response && !step.response.truncated ? step.response.body : undefined;

  useEffect(() => {
    // Follow outside changes (undo, pinning) unless the text already means the same value.
    setText((t) => {
      try {
        if (t.trim() && JSON.stringify(JSON.parse(t)) === JSON.stringify(value)) return t;
      } catch {
        // mid-edit: replaced below
      }
      return toText(value);
    });
  }, [value]);

  const edit = (next: string) => {
    setText(next);
    if (!next.trim()) {
      setError(null);
      onChange(undefined);
      return;
    }
    try {
      const v = JSON.parse(next) as unknown;
      setError(null);
      onChange(v);
    } catch (err) {
      setError(t('panels.sample.invalid', { message: (err as Error).message }));
    }
  };

  return (
    <div className="field" data-testid="http-sample">
      <p className="field-hint">
        {tRich('panels.sample.hint', { code: (s) => <code>{s}</code> }, { token: `{{nodes.${nodeName}.body.…}}` })}
      </p>
      <textarea
        className={`input mono${error ? ' invalid' : ''}`}
        rows={8}
        value={text}
        readOnly={readOnly}
        spellCheck={false}
        placeholder={SAMPLE_EXAMPLE}
        aria-label={t('panels.sample.label')}
        data-testid="http-sample-response"
        onChange={(e) => edit(e.target.value)}
      />
      {error && <Issues issues={[error]} />}
      {!readOnly && (
        <div className="check-row">
          <Button
            size="sm"
            variant="secondary"
            icon="download"
            disabled={last === undefined}
            title={last === undefined ? t('panels.sample.runFirst') : t('panels.sample.pinTitle')}
            onClick={() => {
              onChange(last);
              setText(toText(last));
              setError(null);
            }}
            data-testid="http-sample-pin"
          >
            {t('panels.sample.pin')}
          </Button>
          {value !== undefined && (
            <Button size="sm" variant="ghost" onClick={() => edit('')} data-testid="http-sample-clear">
              {t('panels.sample.remove')}
            </Button>
          )}
        </div>
      )}
    </div>
  );
}
