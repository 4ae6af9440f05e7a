/**
 * "How to call this flow": the URL, a curl line and the body, built from the trigger's spec
 * (libs/flow callExample) with the flow's pinned sample input as the example (else the test
 * drawer's input), so what the admin tested is what they hand to the PBX or dialer team.
 */
import { API_KEY_VARIABLE, callExample, getNodeSpec, isTriggerType } from '@callflow/flow';
import { useMemo } from 'react';
import { Link } from 'react-router';
import { API_BASE } from '../api/client';
import { t, tRich } from '../i18n/i18n';
import { triggerShape } from '../i18n/node-text';
import { CopyButton } from '../ui/CopyButton';
import { useFlowMeta, useFlowNodes, useSampleInput } from './store/flow-hooks';
import { loadTestInput } from './samples';
import { Code } from './StepDetails';

export function HowToCall({ testId = 'how-to-call' }: { testId?: string }) {
  const key = useFlowMeta((m) => m?.key);
  const flowId = useFlowMeta((m) => m?.id);
  const trigger = useFlowNodes((nodes) => nodes.find((n) => isTriggerType(n.type ?? '')));
  const type = trigger?.type;
  const config = trigger?.data.config;
  const pinned = useSampleInput();
  const example = useMemo(() => {
    const spec = type ? getNodeSpec(type) : undefined;
    if (!spec || !config) return undefined;
    const input = pinned ?? loadTestInput(flowId, type);
    return callExample(spec, config, key ?? '<flow-key>', input, `${location.origin}${API_BASE}`);
  }, [type, config, flowId, key, pinned]);
  if (!example) return null;
  return (
    <div className="how-to-call" data-testid={testId}>
      <div className="check-row" style={{ gap: 8, flexWrap: 'nowrap', alignItems: 'center' }}>
        <code className="code-line grow" data-testid={`${testId}-url`}>
          {example.method} {example.url}
        </code>
        <CopyButton text={example.url} what={t('editor.howToCall.url')} size="sm" testId={`${testId}-url-copy`} />
      </div>
      <p className="field-hint">
        {example.mode === 'sync' ? t('editor.howToCall.sync') : t('editor.howToCall.async')}{' '}
        {tRich(
          'editor.howToCall.auth',
          {
            code: (s) => <code>{s}</code>,
            link: (s) => <Link to="/settings/api-keys">{s}</Link>,
          },
          { rail: t('shell.nav.apiKeys') },
        )}
      </p>
      <div className="how-to-call-head">
        <span className="code-label">{t('editor.howToCall.curl', { variable: `$${API_KEY_VARIABLE}` })}</span>
        <CopyButton
          text={example.curl}
          what={t('editor.howToCall.curlCommand')}
          size="sm"
          testId={`${testId}-curl-copy`}
        />
      </div>
      <Code value={example.curl} testId={`${testId}-curl`} />
      <p className="field-hint" data-testid={`${testId}-shape`}>
        {t('editor.howToCall.body', { shape: (type && triggerShape(type)) ?? example.shape })}
      </p>
      {example.body !== undefined && (
        <Code
          label={pinned ? t('editor.howToCall.examplePinned') : t('editor.howToCall.exampleDrawer')}
          value={example.body}
          testId={`${testId}-body`}
        />
      )}
    </div>
  );
}
