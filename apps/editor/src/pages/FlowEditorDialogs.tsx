/** The flow editor's dialogs: publishing the draft, and a save conflict with someone else's draft. */
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { api, ApiError, errorText } from '../api/client';
import type { FlowDetail } from '../api/types';
import { ValidationList } from '../editor/ValidationList';
import { useEditor } from '../editor/store';
import { t, tRich } from '../i18n/i18n';
import { Button, Dialog, downloadJson, timeAgo, toast } from '../ui/components';
import { HowToCall } from '../editor/HowToCall';
import { FormDialog } from '../ui/dialogs';
import { Icon } from '../ui/icons';

export function PublishDialog({ saveNow, onClose }: { saveNow(): Promise<boolean>; onClose(): void }) {
  const errors = useEditor((s) => s.validation.result?.errors ?? []);
  const warnings = useEditor((s) => s.validation.result?.warnings ?? []);
  const meta = useEditor((s) => s.meta);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiError | Error | null>(null);
  const [published, setPublished] = useState<number | null>(null);
  const blocked = errors.length > 0;

  const publish = async () => {
    if (!meta || blocked) return;
    setBusy(true);
    setFailure(null);
    try {
      const saved = await saveNow();
      if (!saved) throw new Error(useEditor.getState().save.message ?? t('flows.publish.notSaved'));
      const res = await api.flows.publish(meta.id, note.trim() ? { note: note.trim() } : {});
      useEditor
        .getState()
        .setMeta({ publishedVersion: res.publishedVersion ?? res.version, latestVersion: res.version });
      toast(t('flows.publish.published', { version: res.version }), 'success');
      setPublished(res.version);
    } catch (err) {
      setFailure(err as Error);
    } finally {
      setBusy(false);
    }
  };

  if (published !== null) return <PublishedDialog version={published} onClose={onClose} />;

  return (
    <FormDialog
      title={t('flows.publish.title')}
      onClose={onClose}
      width={560}
      testId="publish-dialog"
      submit={t('flows.publish.action')}
      submitIcon="rocket"
      onSubmit={() => void publish()}
      disabled={blocked}
      busy={busy}
      submitTestId="publish-confirm"
    >
      {blocked ? (
        <>
          <p className="callout callout-danger" data-testid="publish-blocked">
            <Icon name="alert" size={14} />
            <span>{t('flows.publish.blocked', { count: errors.length })}</span>
          </p>
          <ValidationList issues={errors} onPicked={onClose} />
        </>
      ) : (
        <>
          <p>
            {tRich(
              'flows.publish.explain',
              { b: (s) => <b>{s}</b>, code: (s) => <code>{s}</code> },
              { version: (meta?.latestVersion ?? meta?.publishedVersion ?? 0) + 1, key: meta?.key },
            )}
          </p>
          {warnings.length > 0 && (
            <details className="warn-details">
              <summary>{t('flows.publish.warnings', { count: warnings.length })}</summary>
              <ValidationList issues={warnings} onPicked={onClose} />
            </details>
          )}
          <label className="field-label" htmlFor="publish-note">
            {t('flows.publish.note')}
          </label>
          <textarea
            id="publish-note"
            className="input"
            rows={3}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            placeholder={t('flows.publish.notePlaceholder')}
            data-testid="publish-note"
            autoFocus
          />
        </>
      )}
      {failure && (
        <div className="callout callout-danger" role="alert" data-testid="publish-error">
          <Icon name="alert" size={14} />
          <div>
            {failure.message}
            {failure instanceof ApiError && failure.issues.length > 0 && (
              <ValidationList issues={failure.issues} onPicked={onClose} />
            )}
          </div>
        </div>
      )}
    </FormDialog>
  );
}

/** After publishing: the version is live, and how its callers reach it. */
function PublishedDialog({ version, onClose }: { version: number; onClose(): void }) {
  const key = useEditor((s) => s.meta?.key);
  return (
    <Dialog
      title={t('flows.publish.published', { version })}
      onClose={onClose}
      width={640}
      testId="published-dialog"
      footer={
        <Button onClick={onClose} data-testid="published-done">
          {t('flows.publish.done')}
        </Button>
      }
    >
      <p>{tRich('flows.publish.handOver', { code: (s) => <code>{s}</code> }, { key, version })}</p>
      <HowToCall testId="published-how-to-call" />
    </Dialog>
  );
}

/** A 409 on save: someone else saved this flow since it was opened. The admin chooses. */
export function ConflictDialog({ reload }: { reload(): Promise<void> }) {
  const save = useEditor((s) => s.save);
  const meta = useEditor((s) => s.meta);
  const [busy, setBusy] = useState<string | null>(null);
  const [theirs, setTheirs] = useState<FlowDetail | null>(null);
  const navigate = useNavigate();

  useEffect(() => {
    if (save.status !== 'conflict' || !meta) return;
    api.flows.get(meta.id).then(setTheirs, () => setTheirs(null));
  }, [save.status, meta]);

  if (save.status !== 'conflict' || !meta) return null;

  const overwrite = async () => {
    setBusy('overwrite');
    try {
      const latest = theirs ?? (await api.flows.get(meta.id));
      const s = useEditor.getState();
      const res = await api.flows.update(meta.id, {
        name: s.meta!.name,
        definition: s.definition(),
        revision: latest.revision,
      });
      s.setSave(
        { status: 'saved', at: Date.now() },
        { seq: s.changeSeq, revision: res?.revision ?? latest.revision + 1, updatedAt: res?.updatedAt },
      );
      toast(t('flows.conflict.overwritten'), 'success');
    } catch (err) {
      toast(t('flows.conflict.saveFailed', { error: errorText(err) }), 'error');
    } finally {
      setBusy(null);
    }
  };

  const saveAsCopy = async () => {
    setBusy('copy');
    try {
      const s = useEditor.getState();
      const created = await api.flows.create({
        name: t('flows.conflict.copyName', { name: s.meta!.name }),
        definition: s.definition(),
      });
      s.setSave({ status: 'saved' }, { seq: s.changeSeq });
      toast(t('flows.conflict.copied'), 'success');
      navigate(`/flows/${created.id}`);
    } catch (err) {
      toast(t('flows.conflict.copyFailed', { error: errorText(err) }), 'error');
    } finally {
      setBusy(null);
    }
  };

  return (
    <Dialog title={t('flows.conflict.title')} onClose={() => void 0} width={540} testId="conflict-dialog">
      <p>
        {!theirs?.updatedAt
          ? t('flows.conflict.body')
          : theirs.updatedByEmail
            ? t('flows.conflict.bodyAgoBy', { ago: timeAgo(theirs.updatedAt), email: theirs.updatedByEmail })
            : t('flows.conflict.bodyAgo', { ago: timeAgo(theirs.updatedAt) })}
      </p>
      <div className="choice-list">
        <button
          type="button"
          className="choice"
          onClick={() => void overwrite()}
          disabled={!!busy}
          data-testid="conflict-overwrite"
        >
          <b>{t('flows.conflict.keepMine')}</b>
          <span>{t('flows.conflict.keepMineHelp')}</span>
        </button>
        <button
          type="button"
          className="choice"
          onClick={() => void saveAsCopy()}
          disabled={!!busy}
          data-testid="conflict-copy"
        >
          <b>{t('flows.conflict.saveCopy')}</b>
          <span>{t('flows.conflict.saveCopyHelp')}</span>
        </button>
        <button
          type="button"
          className="choice"
          disabled={!!busy}
          data-testid="conflict-reload"
          onClick={() => {
            downloadJson(`${meta.key}.mine.flow.json`, useEditor.getState().definition());
            void reload();
          }}
        >
          <b>{t('flows.conflict.loadTheirs')}</b>
          <span>{t('flows.conflict.loadTheirsHelp')}</span>
        </button>
      </div>
    </Dialog>
  );
}
