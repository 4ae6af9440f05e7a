/** Editor behaviours wired at page level: live validation, autosave, keyboard shortcuts. */
import { useCallback, useEffect } from 'react';
import { validateFlow } from '@callflow/flow';
import { api, ApiError, errorText } from '../api/client';
import { useCan } from '../api/session';
import { t } from '../i18n/i18n';
import { toast } from '../ui/components';
import { extraShapes } from './output-shapes';
import { resetServerChecks, scheduleServerCheck, withServerIssues } from './server-checks';
import { onDescription } from './soap-descriptions';
import { useEditor } from './store';

/** The canvas is read-only without flows.write, and follows a grant given or taken (GET /me). */
export function useWritePermission(ready: boolean): void {
  const canWrite = useCan()('flows.write');
  useEffect(() => {
    if (ready && useEditor.getState().readOnly === canWrite) useEditor.setState({ readOnly: !canWrite });
  }, [ready, canWrite]);
}

/**
 * Re-validates (in the browser, libs/flow) shortly after every structural change, a test run and a
 * loaded WSDL (their output shapes make token path warnings: output-shapes.ts), then asks the
 * server for what only it can check (the connections: server-checks.ts).
 */
export function useLiveValidation(): void {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let cancelServer = () => undefined as void;
    resetServerChecks();
    const draft = () => ({ nodes: useEditor.getState().nodes, definition: useEditor.getState().definition() });
    const merge = () => {
      const s = useEditor.getState();
      if (s.validation.result) s.setValidation(withServerIssues(s.validation.result, s.nodes));
    };
    const run = () => {
      const s = useEditor.getState();
      if (!s.meta && !s.nodes.length) return;
      const outputShapes = extraShapes(s.nodes, s.run.result?.steps);
      s.setValidation(withServerIssues(validateFlow(s.definition(), undefined, { outputShapes }), s.nodes));
      cancelServer();
      cancelServer = scheduleServerCheck(draft, merge);
    };
    // After the first paint: a big flow shows first, its problems a moment later.
    timer = setTimeout(run, 0);
    const again = () => {
      clearTimeout(timer);
      timer = setTimeout(run, 120);
    };
    const unsub = useEditor.subscribe((s, prev) => {
      if (s.structureSeq !== prev.structureSeq || s.run.result !== prev.run.result) again();
    });
    const unsubSoap = onDescription(again);
    return () => {
      unsub();
      unsubSoap();
      clearTimeout(timer);
      cancelServer();
    };
  }, []);
}

const AUTOSAVE_MS = 1200;

/** The draft save in flight (one editor at a time), and the revision the last save of a flow made. */
let inFlight: Promise<boolean> | null = null;
let lastSaved: { id: string; revision: number } | null = null;

/**
 * Leaving the editor: saves what was typed since the last save, from a snapshot taken now (the page
 * empties the store right after, before the editor's own cleanups run), after any save in flight.
 */
export function saveOnLeave(): void {
  const s = useEditor.getState();
  if (!s.meta || s.readOnly || s.save.status === 'conflict' || s.changeSeq === s.savedSeq) return;
  const { id, name, revision } = s.meta;
  const definition = s.definition();
  const done = (inFlight ?? Promise.resolve(true)).then(async () => {
    const base = lastSaved?.id === id ? Math.max(lastSaved.revision, revision) : revision;
    try {
      const res = await api.flows.update(id, { name, definition, revision: base });
      lastSaved = { id, revision: typeof res?.revision === 'number' ? res.revision : base + 1 };
      return true;
    } catch (err) {
      toast(t('editor.save.leaveFailed', { name, error: errorText(err) }), 'error');
      return false;
    }
  });
  inFlight = done;
  void done.finally(() => {
    if (inFlight === done) inFlight = null;
  });
}

/** Saves the draft a moment after the last change; `saveNow` for Ctrl+S and before publishing. */
export function useAutosave(): { saveNow(): Promise<boolean> } {
  const saveNow = useCallback(async (): Promise<boolean> => {
    while (inFlight) await inFlight;
    const s = useEditor.getState();
    if (!s.meta || s.readOnly) return false;
    if (s.save.status === 'conflict') return false;
    if (s.changeSeq === s.savedSeq) return true;
    const seq = s.changeSeq;
    const meta = s.meta;
    const work = (async () => {
      s.setSave({ status: 'saving' });
      // The answer may come after the editor moved on to another flow: then it is not ours to record.
      const same = () => useEditor.getState().meta?.id === meta.id;
      try {
        const res = await api.flows.update(meta.id, {
          name: meta.name,
          definition: s.definition(),
          revision: meta.revision,
        });
        const savedRevision = typeof res?.revision === 'number' ? res.revision : meta.revision + 1;
        lastSaved = { id: meta.id, revision: savedRevision };
        if (same())
          useEditor.getState().setSave(
            { status: 'saved', at: Date.now() },
            {
              seq,
              revision: savedRevision,
              updatedAt: res?.updatedAt,
            },
          );
        return true;
      } catch (err) {
        if (!same()) return false;
        if (err instanceof ApiError && err.status === 409)
          useEditor.getState().setSave({ status: 'conflict', message: err.message });
        else useEditor.getState().setSave({ status: 'error', message: errorText(err) });
        return false;
      }
    })();
    inFlight = work;
    try {
      return await work;
    } finally {
      if (inFlight === work) inFlight = null;
    }
  }, []);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsub = useEditor.subscribe((s, prev) => {
      if (
        s.changeSeq !== prev.changeSeq &&
        s.changeSeq !== s.savedSeq &&
        s.meta &&
        !s.readOnly &&
        s.save.status !== 'conflict'
      ) {
        clearTimeout(timer);
        timer = setTimeout(() => {
          void saveNow().then(() => {
            // Changes made while saving: go again.
            const after = useEditor.getState();
            if (after.changeSeq !== after.savedSeq && after.save.status === 'saved') {
              clearTimeout(timer);
              timer = setTimeout(() => void saveNow(), AUTOSAVE_MS);
            }
          });
        }, AUTOSAVE_MS);
      }
    });
    const beforeUnload = (e: BeforeUnloadEvent) => {
      const s = useEditor.getState();
      if (s.meta && !s.readOnly && s.changeSeq !== s.savedSeq) {
        e.preventDefault();
        e.returnValue = '';
      }
    };
    window.addEventListener('beforeunload', beforeUnload);
    return () => {
      unsub();
      clearTimeout(timer);
      window.removeEventListener('beforeunload', beforeUnload);
      // Leaving the editor: FlowEditorPage saves what was typed (saveOnLeave) before emptying the store.
    };
  }, [saveNow]);

  return { saveNow };
}

function isEditable(el: EventTarget | null): boolean {
  const t = el as HTMLElement | null;
  if (!t) return false;
  return t.isContentEditable || t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT';
}

/** Ctrl+S, Ctrl+Z / Ctrl+Shift+Z (Ctrl+Y), Ctrl+C / Ctrl+V, Ctrl+D, Ctrl+A, Escape. */
export function useShortcuts(saveNow: () => Promise<boolean>): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && key === 's') {
        e.preventDefault();
        void saveNow().then((ok) => {
          const s = useEditor.getState();
          if (ok) toast(t('editor.save.saved'), 'success');
          else if (s.save.status === 'error') toast(t('editor.save.notSaved', { error: s.save.message }), 'error');
        });
        return;
      }
      // Nothing edits the draft while a dialog or the comparison of versions is open.
      if (isEditable(e.target) || document.querySelector('.dialog-backdrop, .diff-view')) return;
      const s = useEditor.getState();
      if (mod && key === 'z') {
        e.preventDefault();
        if (e.shiftKey) s.redo();
        else s.undo();
      } else if (mod && key === 'y') {
        e.preventDefault();
        s.redo();
      } else if (mod && key === 'c') {
        if (window.getSelection()?.toString()) return;
        const n = s.copySelection();
        if (n) toast(t('editor.clipboard.copied', { count: n }));
      } else if (mod && key === 'v') {
        e.preventDefault();
        s.paste();
      } else if (mod && key === 'd') {
        e.preventDefault();
        s.duplicateSelection();
      } else if (mod && key === 'a') {
        e.preventDefault();
        useEditor.setState({ nodes: s.nodes.map((n) => (n.selected ? n : { ...n, selected: true })) });
      } else if (key === 'escape') {
        if (s.selection.nodes.length || s.selection.edges.length) s.selectNode(null);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [saveNow]);
}
