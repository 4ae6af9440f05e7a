/**
 * The flow key in the editor's header (it is in the trigger URLs, /ivr/<key>): editable until the
 * flow is first published, fixed after that (the API refuses a change then, as it refuses a key
 * another flow of the tenant has).
 */
import { useState } from 'react';
import { FLOW_KEY_PATTERN, flowKeyFromName, getNodeSpec, isTriggerType } from '@callflow/flow';
import { api, API_BASE, errorText } from '../api/client';
import { t, tRich } from '../i18n/i18n';
import { useEditor } from '../editor/store';
import { Button, toast } from '../ui/components';
import { FormDialog } from '../ui/dialogs';
import { Icon } from '../ui/icons';

export function FlowKeyField({ saveNow }: { saveNow(): Promise<boolean> }) {
  const meta = useEditor((s) => s.meta);
  const readOnly = useEditor((s) => s.readOnly);
  const [editing, setEditing] = useState(false);
  if (!meta) return null;
  const published = (meta.latestVersion ?? 0) > 0 || meta.publishedVersion !== null;
  if (readOnly || published) {
    return (
      <code title={published ? t('flows.key.titleFixed') : t('flows.key.titleReadOnly')} data-testid="flow-key">
        {meta.key}
      </code>
    );
  }
  return (
    <>
      <button
        type="button"
        className="key-button"
        onClick={() => setEditing(true)}
        title={t('flows.key.titleEditable')}
        data-testid="flow-key"
      >
        <code>{meta.key}</code>
        <Icon name="edit" size={12} />
      </button>
      {editing && <KeyDialog saveNow={saveNow} onClose={() => setEditing(false)} />}
    </>
  );
}

function KeyDialog({ saveNow, onClose }: { saveNow(): Promise<boolean>; onClose(): void }) {
  const meta = useEditor((s) => s.meta)!;
  const [key, setKey] = useState(meta.key);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const suggested = flowKeyFromName(meta.name);
  // The trigger's own route when callers use the key in a URL (IVR, webhook); events name no flow.
  const route = useEditor((s) => {
    const trigger = s.nodes.find((n) => isTriggerType(n.type ?? ''));
    const call = trigger ? getNodeSpec(trigger.type ?? '')?.trigger?.call : undefined;
    return call?.path.includes('{flowKey}') ? `${API_BASE}${call.path}` : undefined;
  });
  // The rule of libs/flow's FLOW_KEY_RULE (the API's wording), in the language in force.
  const invalid = !FLOW_KEY_PATTERN.test(key) ? t('flows.key.invalid') : null;

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      // The draft first, so the key's save starts from the revision the server has.
      if (!(await saveNow())) throw new Error(useEditor.getState().save.message ?? t('flows.key.draftNotSaved'));
      const current = useEditor.getState().meta!;
      const res = await api.flows.update(current.id, { key, revision: current.revision });
      useEditor.getState().setMeta({ key: res.key, revision: res.revision, updatedAt: res.updatedAt });
      toast(t('flows.key.changed', { key: res.key }), 'success');
      onClose();
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  return (
    <FormDialog
      title={t('flows.key.title')}
      onClose={onClose}
      testId="flow-key-dialog"
      submit={t('flows.key.save')}
      busy={busy}
      disabled={!!invalid || key === meta.key}
      disabledReason={invalid ?? (key === meta.key ? t('flows.key.current') : null)}
      onSubmit={() => void save()}
      submitTestId="flow-key-save"
    >
      <p className="muted">
        {route
          ? tRich(
              'flows.key.reach',
              { code: (s) => <code>{s}</code> },
              { url: route.replace('{flowKey}', key || '\u2026') },
            )
          : t('flows.key.names')}{' '}
        {t('flows.key.explain')}
      </p>
      <label className="field-label" htmlFor="flow-key-input">
        {t('flows.key.label')}
      </label>
      <div className="row-inline">
        <input
          id="flow-key-input"
          className="input mono"
          value={key}
          onChange={(e) => setKey(e.target.value.trim())}
          data-testid="flow-key-input"
          autoFocus
        />
        {suggested !== key && (
          <Button size="sm" variant="ghost" onClick={() => setKey(suggested)} data-testid="flow-key-suggest">
            {t('flows.key.suggest', { key: suggested })}
          </Button>
        )}
      </div>
      {error && (
        <p className="callout callout-danger" role="alert" data-testid="flow-key-error">
          <Icon name="alert" size={14} /> <span>{error}</span>
        </p>
      )}
    </FormDialog>
  );
}
