/**
 * Where a token picked from a run's data goes: the template field focused last (its node, its
 * config path and caret), remembered by TemplateField. The field may be gone by then (the panel
 * now shows another node's last run), so the token is written into the node's config through the
 * store (one undo step); with no such field it is copied, and a toast says which happened.
 */
import { t } from '../i18n/i18n';
import { toast } from '../ui/components';
import { useEditor } from './store';

interface Target {
  /** The flow it is in (another flow opened since may have a node of the same id). */
  flowId: string | undefined;
  nodeId: string;
  /** The field's issue path, which is where its text sits in the node (`config.body.template`). */
  path: string;
  caret: number;
}

let target: Target | null = null;

/** TemplateField: this field has the focus (or moved its caret). */
export function rememberField(nodeId: string, path: string, caret: number): void {
  target = { flowId: useEditor.getState().meta?.id, nodeId, path, caret };
}

/** `obj` with `value` at `segments` (copies along the path; nothing is mutated). */
function setAt(obj: unknown, segments: readonly string[], value: string): unknown {
  if (!segments.length) return value;
  const [head, ...rest] = segments as [string, ...string[]];
  if (Array.isArray(obj)) {
    const copy = [...obj];
    copy[Number(head)] = setAt(obj[Number(head)], rest, value);
    return copy;
  }
  const record = obj as Record<string, unknown>;
  return { ...record, [head]: setAt(record[head], rest, value) };
}

function textAt(obj: unknown, segments: readonly string[]): string | undefined {
  let cur = obj;
  for (const seg of segments) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, seg)) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return typeof cur === 'string' ? cur : undefined;
}

/** Inserts `{{token}}` at the caret of the field focused last; `where` says into which, undefined when none was. */
function insertIntoField(token: string): string | undefined {
  const s = useEditor.getState();
  if (!target || s.readOnly || target.flowId !== s.meta?.id) return undefined;
  const { nodeId, path, caret } = target;
  const node = s.nodes.find((n) => n.id === nodeId);
  const segments = path.split('.');
  if (!node || segments[0] !== 'config') return undefined;
  const text = textAt(node.data.config, segments.slice(1));
  if (text === undefined) return undefined;
  const at = Math.min(caret, text.length);
  const inserted = `{{${token}}}`;
  const config = setAt(node.data.config, segments.slice(1), text.slice(0, at) + inserted + text.slice(at));
  s.updateNode(nodeId, { config: config as Record<string, unknown> });
  target = { ...target, caret: at + inserted.length };
  return `${node.data.name} › ${segments.slice(1).join('.')}`;
}

/** A key clicked in a run's data: its token goes into the field focused last, else onto the clipboard. */
export async function pickToken(token: string): Promise<void> {
  const where = insertIntoField(token);
  if (where) {
    toast(t('editor.tokenTarget.inserted', { token: `{{${token}}}`, where }), 'success');
    return;
  }
  try {
    await navigator.clipboard.writeText(`{{${token}}}`);
    toast(t('editor.tokenTarget.copied', { token: `{{${token}}}` }), 'success');
  } catch {
    toast(t('editor.tokenTarget.refused', { token: `{{${token}}}` }), 'error');
  }
}
