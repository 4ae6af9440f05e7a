/** A Copy button: puts `text` on the clipboard and says "Copied" for a moment (or why it could not). */
import { useEffect, useState } from 'react';
import { t } from '../i18n/i18n';
import { Button, toast } from './components';

export function CopyButton({ text, what, testId, size }: { text: string; what: string; testId?: string; size?: 'sm' }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(timer);
  }, [copied]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      toast(t('shell.copy.refused', { what }), 'error');
    }
  };
  return (
    <Button
      size={size}
      variant="secondary"
      icon={copied ? 'check' : 'copy'}
      onClick={() => void copy()}
      data-testid={testId}
      aria-label={t('shell.copy.label', { what })}
    >
      {copied ? t('common.copied') : t('common.copy')}
    </Button>
  );
}
