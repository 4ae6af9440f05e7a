/** Version history: published versions with their notes; restore one into the draft, or make it live again. */
import { useCallback, useEffect, useState } from 'react';
import { api, errorText } from '../api/client';
import type { FlowVersion } from '../api/types';
import { session } from '../api/session';
import { t } from '../i18n/i18n';
import { Badge, Button, ErrorBanner, formatDateTime, Spinner, timeAgo, toast } from '../ui/components';
import { Icon } from '../ui/icons';
import { useEditor } from './store';

export function VersionsPanel({
  onClose,
  saveNow,
  onCompare,
}: {
  onClose(): void;
  saveNow(): Promise<boolean>;
  /** Opens the comparison of a version with the draft. */
  onCompare(version: number): void;
}) {
  const meta = useEditor((s) => s.meta);
  const readOnly = useEditor((s) => s.readOnly);
  const [state, setState] = useState<
    { status: 'loading' } | { status: 'error'; message: string } | { status: 'ok'; items: FlowVersion[] }
  >({ status: 'loading' });
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(async () => {
    if (!meta) return;
    setState({ status: 'loading' });
    try {
      const page = await api.flows.versions(meta.id);
      const items = (Array.isArray(page) ? page : page.items) as FlowVersion[];
      setState({ status: 'ok', items: [...items].sort((a, b) => b.version - a.version) });
    } catch (err) {
      setState({ status: 'error', message: errorText(err) });
    }
  }, [meta?.id]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    void load();
  }, [load, meta?.publishedVersion]);

  if (!meta) return null;

  const definitionOf = async (v: FlowVersion) => (await api.flows.version(meta.id, v.version)).definition;

  const restore = async (v: FlowVersion) => {
    setBusy(`restore-${v.version}`);
    try {
      const def = await definitionOf(v);
      if (!def) throw new Error(t('editor.versions.noDefinition'));
      useEditor.getState().replaceDefinition(def);
      toast(t('editor.versions.restored', { version: v.version }), 'success');
    } catch (err) {
      toast(t('editor.versions.restoreFailed', { error: errorText(err) }), 'error');
    } finally {
      setBusy(null);
    }
  };

  const makeLive = async (v: FlowVersion) => {
    setBusy(`live-${v.version}`);
    try {
      await saveNow();
      const res = await api.flows.publish(meta.id, {
        version: v.version,
        note: t('editor.versions.rollbackNote', { version: v.version }),
      });
      useEditor.getState().setMeta({
        publishedVersion: res.publishedVersion ?? v.version,
        latestVersion: Math.max(res.version ?? 0, meta.latestVersion ?? 0) || meta.latestVersion,
      });
      toast(t('editor.versions.live', { version: res.publishedVersion ?? v.version }), 'success');
      void load();
    } catch (err) {
      toast(t('editor.versions.publishFailed', { error: errorText(err) }), 'error');
    } finally {
      setBusy(null);
    }
  };

  return (
    <aside className="node-panel" aria-label={t('editor.versions.title')} data-testid="versions-panel">
      <header className="node-panel-head">
        <span className="node-icon">
          <Icon name="history" size={18} />
        </span>
        <div className="grow">
          <div className="node-panel-type">{t('editor.versions.title')}</div>
          <div className="node-panel-desc">{t('editor.versions.explain')}</div>
        </div>
        <button
          type="button"
          className="btn btn-ghost btn-icon"
          aria-label={t('editor.versions.close')}
          onClick={onClose}
        >
          <Icon name="x" />
        </button>
      </header>
      <div className="node-panel-body">
        {state.status === 'loading' && <Spinner />}
        {state.status === 'error' && <ErrorBanner error={state.message} onRetry={() => void load()} />}
        {state.status === 'ok' && state.items.length === 0 && <p className="muted pad">{t('editor.versions.none')}</p>}
        {state.status === 'ok' && (
          <ol className="versions">
            {state.items.map((v) => {
              const live = v.version === meta.publishedVersion;
              return (
                <li key={v.version} className={live ? 'live' : ''} data-testid={`version-${v.version}`}>
                  <div className="version-head">
                    <b>v{v.version}</b>
                    {live && <Badge tone="success">{t('editor.versions.liveBadge')}</Badge>}
                    <span className="muted small" title={formatDateTime(v.createdAt)}>
                      {timeAgo(v.createdAt)}
                      {v.createdByEmail ? ` · ${v.createdByEmail}` : ''}
                    </span>
                  </div>
                  {v.note ? (
                    <p className="version-note">{v.note}</p>
                  ) : (
                    <p className="version-note muted">{t('editor.versions.noNote')}</p>
                  )}
                  <div className="version-actions">
                    <Button
                      size="sm"
                      variant="ghost"
                      icon="layers"
                      onClick={() => onCompare(v.version)}
                      data-testid={`compare-${v.version}`}
                      title={t('editor.versions.compareTitle', { version: v.version })}
                    >
                      {t('editor.versions.compare')}
                    </Button>
                    {!readOnly && (
                      <Button
                        size="sm"
                        icon="undo"
                        onClick={() => void restore(v)}
                        busy={busy === `restore-${v.version}`}
                        data-testid={`restore-${v.version}`}
                      >
                        {t('editor.versions.restore')}
                      </Button>
                    )}
                    {!readOnly && !live && session.can('flows.publish') && (
                      <Button
                        size="sm"
                        variant="ghost"
                        icon="rocket"
                        onClick={() => void makeLive(v)}
                        busy={busy === `live-${v.version}`}
                      >
                        {t('editor.versions.makeLive')}
                      </Button>
                    )}
                  </div>
                </li>
              );
            })}
          </ol>
        )}
      </div>
    </aside>
  );
}
