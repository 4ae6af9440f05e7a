/** The flow editor's dialogs: publishing the draft, and a save conflict with someone else's draft. */
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { api, ApiError, errorText } from '../api/client';
import type { FlowDetail } from '../api/types';
import { ValidationList } from '../editor/ValidationList';
import { useEditor } from '../editor/store';
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
      if (!saved)
        throw new Error(useEditor.getState().save.message ?? 'The draft could not be saved, so it was not published.');
      const res = await api.flows.publish(meta.id, note.trim() ? { note: note.trim() } : {});
      useEditor
        .getState()
        .setMeta({ publishedVersion: res.publishedVersion ?? res.version, latestVersion: res.version });
      toast(`Published version ${res.version}`, 'success');
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
      title="Publish flow"
      onClose={onClose}
      width={560}
      testId="publish-dialog"
      submit="Publish"
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
            <span>
              Fix {errors.length} error{errors.length > 1 ? 's' : ''} before publishing. Click one to go to its node.
            </span>
          </p>
          <ValidationList issues={errors} onPicked={onClose} />
        </>
      ) : (
        <>
          <p>
            Publishing makes this draft an immutable version{' '}
            <b>v{(meta?.latestVersion ?? meta?.publishedVersion ?? 0) + 1}</b> and switches the triggers of{' '}
            <code>{meta?.key}</code> to it. Earlier versions stay in the history.
          </p>
          {warnings.length > 0 && (
            <details className="warn-details">
              <summary>
                {warnings.length} warning{warnings.length > 1 ? 's' : ''} (publishing is allowed)
              </summary>
              <ValidationList issues={warnings} onPicked={onClose} />
            </details>
          )}
          <label className="field-label" htmlFor="publish-note">
            Note
          </label>
          <textarea
            id="publish-note"
            className="input"
            rows={3}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            placeholder="What changed, e.g. “VIP lookup now uses the new CRM endpoint”"
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
      title={`Published version ${version}`}
      onClose={onClose}
      width={640}
      testId="published-dialog"
      footer={
        <Button onClick={onClose} data-testid="published-done">
          Done
        </Button>
      }
    >
      <p>
        Calls to <code>{key}</code> now run version {version}. Hand this to whoever sets up the calling system:
      </p>
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
      toast('Your version was saved over the other one', 'success');
    } catch (err) {
      toast(`Could not save: ${errorText(err)}`, 'error');
    } finally {
      setBusy(null);
    }
  };

  const saveAsCopy = async () => {
    setBusy('copy');
    try {
      const s = useEditor.getState();
      const created = await api.flows.create({ name: `${s.meta!.name} (my copy)`, definition: s.definition() });
      s.setSave({ status: 'saved' }, { seq: s.changeSeq });
      toast('Saved your changes as a new flow', 'success');
      navigate(`/flows/${created.id}`);
    } catch (err) {
      toast(`Could not create the copy: ${errorText(err)}`, 'error');
    } finally {
      setBusy(null);
    }
  };

  return (
    <Dialog title="This flow was changed elsewhere" onClose={() => void 0} width={540} testId="conflict-dialog">
      <p>
        Someone saved this flow after you opened it
        {theirs?.updatedAt
          ? ` (${timeAgo(theirs.updatedAt)}${theirs.updatedByEmail ? ` by ${theirs.updatedByEmail}` : ''})`
          : ''}
        . Your changes are not saved yet. What should happen?
      </p>
      <div className="choice-list">
        <button
          type="button"
          className="choice"
          onClick={() => void overwrite()}
          disabled={!!busy}
          data-testid="conflict-overwrite"
        >
          <b>Keep mine</b>
          <span>
            Save my version over theirs. Their draft changes are replaced (published versions are never touched).
          </span>
        </button>
        <button
          type="button"
          className="choice"
          onClick={() => void saveAsCopy()}
          disabled={!!busy}
          data-testid="conflict-copy"
        >
          <b>Save mine as a new flow</b>
          <span>Both versions are kept; this one opens as “(my copy)”.</span>
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
          <b>Load theirs</b>
          <span>Discard my changes (a copy of them is downloaded as JSON first).</span>
        </button>
      </div>
    </Dialog>
  );
}
