/**
 * The test drawer's pinned input: the flow's `sampleInput`, saved with the draft (so every admin
 * starts from it, and "How to call this flow" shows it). Pin the input being edited, or unpin it.
 */
import type { RunInput } from '../api/types';
import { t } from '../i18n/i18n';
import { Badge, Button } from '../ui/components';
import { stableJson } from './samples';
import { useEditor } from './store';

export function TestInputPin({ input }: { input: RunInput }) {
  const pinned = useEditor((s) => s.sampleInput);
  const readOnly = useEditor((s) => s.readOnly);
  const same = pinned !== undefined && stableJson(pinned) === stableJson(input);
  if (readOnly) return same ? <Badge testId="input-pinned">{t('editor.pin.pinned')}</Badge> : null;
  return same ? (
    <>
      <Badge tone="accent" testId="input-pinned">
        {t('editor.pin.pinned')}
      </Badge>
      <Button
        size="sm"
        variant="ghost"
        icon="x"
        title={t('editor.pin.unpinTitle')}
        onClick={() => useEditor.getState().setSampleInput(undefined)}
        data-testid="unpin-input"
      >
        {t('editor.pin.unpin')}
      </Button>
    </>
  ) : (
    <Button
      size="sm"
      variant="secondary"
      icon="check"
      title={t('editor.pin.pinTitle')}
      onClick={() => useEditor.getState().setSampleInput(structuredClone(input))}
      data-testid="pin-input"
    >
      {pinned ? t('editor.pin.pinInstead') : t('editor.pin.pin')}
    </Button>
  );
}
