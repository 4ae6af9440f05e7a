/**
 * A node's field changes: each field's old and new value side by side or inline; text (templates,
 * URLs, values) diffed by line when it spans lines, else by word.
 */
import { diffText, textDiffMode, type FieldChange, type TextPart } from '@callflow/flow';
import { t, type MessageId } from '../../i18n/i18n';
import { Badge } from '../../ui/components';

export type DiffLayout = 'split' | 'inline';

const TONE = { added: 'success', removed: 'danger', changed: 'warning' } as const;
const KIND: Record<FieldChange['kind'], MessageId> = {
  added: 'diff.status.added',
  removed: 'diff.status.removed',
  changed: 'diff.status.changed',
};

/** `config.headers[0].value` → `headers[0].value`; the envelope's fields by their names. */
function label(path: string): string {
  if (path === 'name') return t('common.name');
  if (path === 'type') return t('diff.field.type');
  if (path === 'notes') return t('diff.field.notes');
  return path.replace(/^config\.?/, '');
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v, null, 2);
}

function Parts({ parts, drop }: { parts: TextPart[]; drop?: TextPart['kind'] }) {
  return (
    <>
      {parts.map((p, i) =>
        p.kind === drop ? null : p.kind === 'added' ? (
          <ins key={i}>{p.text}</ins>
        ) : p.kind === 'removed' ? (
          <del key={i}>{p.text}</del>
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </>
  );
}

function partsOf({ before, after, kind }: FieldChange): TextPart[] {
  if (kind === 'added') return [{ kind: 'added', text: show(after) }];
  if (kind === 'removed') return [{ kind: 'removed', text: show(before) }];
  if (typeof before === 'string' && typeof after === 'string') return diffText(before, after);
  return [
    { kind: 'removed', text: show(before) },
    { kind: 'added', text: show(after) },
  ];
}

function Value({ change, layout, sides }: { change: FieldChange; layout: DiffLayout; sides: [string, string] }) {
  const parts = partsOf(change);
  const mode = textDiffMode(show(change.before ?? ''), show(change.after ?? ''));
  if (layout === 'inline')
    return (
      <pre className="fd-val fd-inline" data-mode={mode}>
        <Parts parts={parts} />
      </pre>
    );
  return (
    <div className="fd-split" data-mode={mode}>
      <pre className="fd-val fd-old" aria-label={t('diff.field.in', { side: sides[0] })}>
        {change.kind === 'added' ? (
          <span className="fd-none">{t('diff.field.notSet')}</span>
        ) : (
          <Parts parts={parts} drop="added" />
        )}
      </pre>
      <pre className="fd-val fd-new" aria-label={t('diff.field.in', { side: sides[1] })}>
        {change.kind === 'removed' ? (
          <span className="fd-none">{t('diff.field.notSet')}</span>
        ) : (
          <Parts parts={parts} drop="removed" />
        )}
      </pre>
    </div>
  );
}

export function FieldDiff({
  changes,
  layout,
  sides,
}: {
  changes: readonly FieldChange[];
  layout: DiffLayout;
  /** What the two sides are called ("v3", "Draft"). */
  sides: [string, string];
}) {
  return (
    <div className="field-diff" data-testid="field-diff" data-layout={layout}>
      {layout === 'split' && (
        <div className="fd-sides" aria-hidden="true">
          <span>{sides[0]}</span>
          <span>{sides[1]}</span>
        </div>
      )}
      {changes.map((c) => (
        <section key={c.path} className="fd" data-testid={`fd-${c.path}`} data-kind={c.kind}>
          <div className="fd-head">
            <code>{label(c.path)}</code>
            <Badge tone={TONE[c.kind]}>{t(KIND[c.kind])}</Badge>
          </div>
          <Value change={c} layout={layout} sides={sides} />
        </section>
      ))}
    </div>
  );
}
