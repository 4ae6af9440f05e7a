/**
 * A templated text field: tokens highlighted as typed, completion after `{{` (run input tokens,
 * upstream node outputs, vars, helpers), a token picker button, the escaping rule of its context,
 * and template errors inline (live analysis + the flow validator's findings for this path).
 */
import {
  memo,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import type { TemplateContext, ValidationIssue } from '@callflow/flow';
import { t, useLocale } from '../i18n/i18n';
import { Issues } from '../ui/form';
import { Icon } from '../ui/icons';
import { allShapes } from './output-shapes';
import { describeInBackground, onDescription } from './soap-descriptions';
import { currentGraph, useNodeIssues } from './store/flow-hooks';
import { CONTEXT_INFO, templateMessages } from './template-hints';
import { filterTokens, helperItems, tokensForNode, type TokenItem } from './tokens';
import { groupItems, Highlight, TokenRow } from './TemplateFieldParts';
import { rememberField } from './token-target';

/** Validator codes the field already reports from its own live analysis. */
const LOCAL_CODES = new Set(['template_syntax', 'template_helper', 'unknown_token']);

export interface TemplateFieldProps {
  nodeId: string;
  /** The issue path of this field, relative to the node (`config.url`). */
  path: string;
  value: string;
  onChange(value: string): void;
  context: TemplateContext;
  multiline?: boolean;
  rows?: number;
  placeholder?: string;
  label?: ReactNode;
  hint?: ReactNode;
  id?: string;
  testId?: string;
  readOnly?: boolean;
  ariaLabel?: string;
  /** Hide the escaping chip (tables show it once in their header). */
  compact?: boolean;
}

interface Completion {
  mode: 'complete' | 'picker';
  /** Replaced range (complete mode). */
  start: number;
  end: number;
  query: string;
  /** `{{` opened as `{{{`. */
  triple: boolean;
  /** The first word of the mustache: helpers are offered too. */
  first: boolean;
  active: number;
}

function findCompletion(text: string, caret: number): Omit<Completion, 'mode' | 'active'> | null {
  const before = text.slice(0, caret);
  const open = before.lastIndexOf('{{');
  if (open < 0) return null;
  let inner = before.slice(open + 2);
  if (inner.includes('}}') || inner.includes('\n')) return null;
  let triple = false;
  if (inner.startsWith('{')) {
    triple = true;
    inner = inner.slice(1);
  }
  if (/^\s*[!#/>^*]/.test(inner)) return null;
  const m = /[\w.@[\]-]*$/.exec(inner);
  const word = m ? m[0] : '';
  const first = inner.trim() === word;
  return { start: caret - word.length, end: caret, query: word, triple, first };
}

export const TemplateField = memo(function TemplateField(props: TemplateFieldProps) {
  const {
    nodeId,
    path,
    value,
    onChange,
    context,
    multiline,
    rows = multiline ? 4 : 1,
    placeholder,
    label,
    hint,
    id,
    testId,
    readOnly,
    ariaLabel,
    compact,
  } = props;
  const locale = useLocale();
  const ref = useRef<HTMLTextAreaElement>(null);
  const backdrop = useRef<HTMLDivElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const [comp, setComp] = useState<Completion | null>(null);
  const [allTokens, setAllTokens] = useState<TokenItem[]>([]);
  const nodeIssues = useNodeIssues(nodeId);

  const fieldIssues = useMemo(
    () => nodeIssues.filter((i) => (i.path === path || i.path.startsWith(`${path}.`)) && !LOCAL_CODES.has(i.code)),
    [nodeIssues, path],
  );
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the messages are worded in the locale
  const live = useMemo(() => templateMessages(value ?? '', context), [value, context, locale]);
  // While a token is being completed the template is unfinished on purpose: no syntax noise then.
  const completing = comp?.mode === 'complete';
  const messages = useMemo(() => (completing ? [] : [...live, ...fieldIssues]), [live, fieldIssues, completing]);
  const hasError = messages.some((m) => m.severity === 'error');

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = '0px';
    const max = multiline ? 360 : 160;
    el.style.height = `${Math.min(el.scrollHeight + 2, max)}px`;
  }, [value, multiline]);

  const loadTokens = useCallback(() => {
    const g = currentGraph();
    const items = tokensForNode(nodeId, g.nodes, g.edges, g.flow, allShapes(g.nodes, g.steps));
    setAllTokens(items);
    return items;
  }, [nodeId]);

  // A SOAP operation's output described while the list is open joins it.
  const open = comp !== null;
  useEffect(() => {
    if (!open) return;
    if (!readOnly) describeInBackground(currentGraph().nodes);
    return onDescription(loadTokens);
  }, [open, readOnly, loadTokens]);

  const items = useMemo(() => {
    if (!comp) return [];
    const base = comp.mode === 'complete' && comp.first ? [...allTokens, ...helperItems()] : allTokens;
    return filterTokens(base, comp.query, comp.mode === 'picker' ? 200 : 40);
  }, [comp, allTokens]);

  const update = (text: string, caret: number) => {
    const found = findCompletion(text, caret);
    if (!found) {
      if (comp?.mode === 'complete') setComp(null);
      return;
    }
    if (!comp || comp.mode !== 'complete') loadTokens();
    setComp({ mode: 'complete', active: 0, ...found });
  };

  const accept = (item: TokenItem) => {
    const el = ref.current;
    if (!comp || !el) return;
    const text = value ?? '';
    let insert: string;
    let start: number;
    let end: number;
    if (comp.mode === 'picker') {
      start = el.selectionStart ?? text.length;
      end = el.selectionEnd ?? start;
      insert = item.helper ? `{{${item.token} }}` : `{{${item.token}}}`;
    } else {
      start = comp.start;
      end = comp.end;
      const after = text.slice(end);
      const closed = /^[\w.@[\]-]*\s*\}\}/.test(after) || /^[^{}\n]*\}\}/.test(after);
      if (item.helper) insert = `${item.token} `;
      else insert = comp.first && !closed ? `${item.token}${comp.triple ? '}}}' : '}}'}` : item.token;
      // Drop the rest of a partially typed token after the caret.
      const rest = /^[\w.@[\]-]*/.exec(after)?.[0] ?? '';
      end += rest.length;
    }
    const next = text.slice(0, start) + insert + text.slice(end);
    const caret = comp.mode === 'picker' && item.helper ? start + insert.length - 3 : start + insert.length;
    onChange(next);
    setComp(
      item.helper && comp.mode === 'complete'
        ? { ...comp, start: caret, end: caret, query: '', first: false, active: 0 }
        : null,
    );
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(caret, caret);
    });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (comp && items.length) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const delta = e.key === 'ArrowDown' ? 1 : -1;
        const active = (comp.active + delta + items.length) % items.length;
        setComp({ ...comp, active });
        listRef.current?.children[active]?.scrollIntoView({ block: 'nearest' });
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        accept(items[comp.active] ?? items[0]!);
        return;
      }
    }
    if (comp && e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      setComp(null);
      return;
    }
    if (e.key === ' ' && e.ctrlKey) {
      e.preventDefault();
      loadTokens();
      const found = findCompletion(value ?? '', e.currentTarget.selectionStart ?? 0);
      setComp(
        found
          ? { mode: 'complete', active: 0, ...found }
          : { mode: 'picker', start: 0, end: 0, query: '', triple: false, first: true, active: 0 },
      );
      return;
    }
    if (e.key === 'Enter' && !multiline) e.preventDefault();
  };

  const openPicker = () => {
    if (comp?.mode === 'picker') {
      setComp(null);
      return;
    }
    loadTokens();
    setComp({ mode: 'picker', start: 0, end: 0, query: '', triple: false, first: true, active: 0 });
  };

  const info = CONTEXT_INFO[context];
  const groups = comp?.mode === 'picker' ? groupItems(items) : null;

  return (
    <div className={`tf${compact ? ' tf-compact' : ''}`} data-testid={testId ? `${testId}-field` : undefined}>
      {(label || !compact) && (
        <div className="field-label-row">
          {label ? (
            <label className="field-label" htmlFor={id}>
              {label}
            </label>
          ) : (
            <span />
          )}
          {!compact && (
            <span className="ctx-chip" title={info.help}>
              {info.label}
            </span>
          )}
        </div>
      )}
      <div className={`tf-box${hasError ? ' invalid' : ''}${readOnly ? ' readonly' : ''}`}>
        <div className="tf-backdrop" ref={backdrop} aria-hidden="true">
          <Highlight text={value ?? ''} />
        </div>
        <textarea
          ref={ref}
          id={id}
          className="tf-input"
          rows={rows}
          value={value ?? ''}
          placeholder={placeholder}
          readOnly={readOnly}
          spellCheck={false}
          autoComplete="off"
          aria-label={ariaLabel ?? (typeof label === 'string' ? label : undefined)}
          aria-invalid={hasError || undefined}
          aria-autocomplete="list"
          aria-expanded={!!comp}
          data-testid={testId}
          onChange={(e) => {
            onChange(multiline ? e.target.value : e.target.value.replace(/\r?\n/g, ''));
            update(e.target.value, e.target.selectionStart ?? e.target.value.length);
          }}
          onKeyDown={onKeyDown}
          onClick={(e) =>
            comp?.mode === 'complete' && update(e.currentTarget.value, e.currentTarget.selectionStart ?? 0)
          }
          onBlur={() => setComp((c) => (c?.mode === 'complete' ? null : c))}
          // The field a key clicked in a run's data inserts into (token-target.ts).
          onSelect={(e) => !readOnly && rememberField(nodeId, path, e.currentTarget.selectionStart ?? 0)}
          onScroll={(e) => {
            if (backdrop.current) backdrop.current.scrollTop = e.currentTarget.scrollTop;
          }}
        />
        {!readOnly && (
          <button
            type="button"
            className="tf-picker-btn"
            title={t('editor.template.insertTitle')}
            aria-label={t('editor.template.insert')}
            onMouseDown={(e) => e.preventDefault()}
            onClick={openPicker}
            data-testid={testId ? `${testId}-tokens` : undefined}
          >
            <Icon name="braces" size={14} />
          </button>
        )}
        {comp && (
          <div
            className="tf-pop"
            role="listbox"
            onMouseDown={(e) => e.target instanceof HTMLInputElement || e.preventDefault()}
          >
            {comp.mode === 'picker' && (
              <div className="tf-pop-search">
                <Icon name="search" size={14} />
                <input
                  autoFocus
                  placeholder={t('editor.template.search')}
                  value={comp.query}
                  onChange={(e) => setComp({ ...comp, query: e.target.value, active: 0 })}
                  onKeyDown={(e) => {
                    if (e.key === 'Escape') {
                      e.stopPropagation();
                      setComp(null);
                      ref.current?.focus();
                    } else if (e.key === 'Enter' && items.length) {
                      e.preventDefault();
                      accept(items[comp.active] ?? items[0]!);
                    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
                      e.preventDefault();
                      const delta = e.key === 'ArrowDown' ? 1 : -1;
                      setComp({ ...comp, active: (comp.active + delta + items.length) % Math.max(items.length, 1) });
                    }
                  }}
                />
              </div>
            )}
            {items.length === 0 ? (
              <div className="tf-pop-empty">{t('editor.template.noMatch', { query: comp.query })}</div>
            ) : groups ? (
              <div className="tf-pop-groups">
                {groups.map(([group, list]) => (
                  <div key={group}>
                    <div className="tf-pop-group">{group}</div>
                    <ul>
                      {list.map(({ item, index }) => (
                        <TokenRow
                          key={item.token}
                          item={item}
                          active={index === comp.active}
                          onPick={() => accept(item)}
                        />
                      ))}
                    </ul>
                  </div>
                ))}
              </div>
            ) : (
              <ul ref={listRef}>
                {items.map((item, i) => (
                  <TokenRow
                    key={`${item.group}:${item.token}`}
                    item={item}
                    active={i === comp.active}
                    onPick={() => accept(item)}
                    showGroup
                  />
                ))}
              </ul>
            )}
          </div>
        )}
      </div>
      <Issues issues={messages as ValidationIssue[]} />
      {hint && <div className="field-hint">{hint}</div>}
    </div>
  );
});
