/** A Copy button: puts `text` on the clipboard and says "Copied" for a moment (or why it could not). */
import { useEffect, useState } from 'react';
import { Button, toast } from './components';

export function CopyButton({ text, what, testId, size }: { text: string; what: string; testId?: string; size?: 'sm' }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(t);
  }, [copied]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      toast(`The browser refused the clipboard: select the ${what} and copy it by hand`, 'error');
    }
  };
  return (
    <Button
      size={size}
      variant="secondary"
      icon={copied ? 'check' : 'copy'}
      onClick={() => void copy()}
      data-testid={testId}
      aria-label={`Copy the ${what}`}
    >
      {copied ? 'Copied' : 'Copy'}
    </Button>
  );
}
