/**
 * The test drawer's pinned input: the flow's `sampleInput`, saved with the draft (so every admin
 * starts from it, and "How to call this flow" shows it). Pin the input being edited, or unpin it.
 */
import type { RunInput } from '../api/types';
import { Badge, Button } from '../ui/components';
import { stableJson } from './samples';
import { useEditor } from './store';

export function TestInputPin({ input }: { input: RunInput }) {
  const pinned = useEditor((s) => s.sampleInput);
  const readOnly = useEditor((s) => s.readOnly);
  const same = pinned !== undefined && stableJson(pinned) === stableJson(input);
  if (readOnly) return same ? <Badge testId="input-pinned">pinned</Badge> : null;
  return same ? (
    <>
      <Badge tone="accent" testId="input-pinned">
        pinned
      </Badge>
      <Button
        size="sm"
        variant="ghost"
        icon="x"
        title="The flow keeps no sample input (this browser still keeps what you typed)"
        onClick={() => useEditor.getState().setSampleInput(undefined)}
        data-testid="unpin-input"
      >
        Unpin
      </Button>
    </>
  ) : (
    <Button
      size="sm"
      variant="secondary"
      icon="check"
      title="Save this input with the flow: the test drawer starts from it for everyone, How to call this flow shows it"
      onClick={() => useEditor.getState().setSampleInput(structuredClone(input))}
      data-testid="pin-input"
    >
      {pinned ? 'Pin this input instead' : 'Pin this input'}
    </Button>
  );
}
