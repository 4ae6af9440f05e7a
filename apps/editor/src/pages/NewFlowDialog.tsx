/** "New flow": a blank trigger or a template; a template's required connections are picked here (or skipped). */
import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { api, errorText, itemsOf } from '../api/client';
import { templateConnectionText, templateDescription, templateName } from '../i18n/template-text';
import type { Connection, FlowTemplate } from '../api/types';
import { session } from '../api/session';
import { t } from '../i18n/i18n';
import { isTrigger, TRIGGERS } from '../ui/triggers';
import { FormDialog } from '../ui/dialogs';
import { Field } from '../ui/form';
import { Icon } from '../ui/icons';
import { BLANKS, TEMPLATES, type Starter } from './starters';

export function NewFlowDialog({ onClose }: { onClose(): void }) {
  const [name, setName] = useState('');
  const [choice, setChoice] = useState<Starter>(BLANKS[0]!);
  const [serverTemplates, setServerTemplates] = useState<Starter[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [connections, setConnections] = useState<Connection[] | null>(null);
  const [picked, setPicked] = useState<Record<string, string>>({});
  const navigate = useNavigate();
  const requires = choice.requires ?? [];
  const picksRef = useRef<HTMLDivElement>(null);
  // The pickers sit under the template list: bring them into view when a template needs them.
  useEffect(() => {
    if (requires.length) picksRef.current?.scrollIntoView({ block: 'nearest' });
  }, [choice.id, requires.length, connections]);

  useEffect(() => {
    if (!requires.length || connections || !session.can('connections.read')) return;
    api.connections.list().then(
      (l) => setConnections(itemsOf(l)),
      () => setConnections([]),
    );
  }, [requires.length, connections]);

  useEffect(() => {
    api.flows
      .templates()
      .then((res) => {
        const list = itemsOf(res as FlowTemplate[] | { items: FlowTemplate[] });
        setServerTemplates(
          list.map((t) => ({
            id: `srv-${t.id}`,
            templateId: t.id,
            system: t.system,
            needs: t.requires?.connections?.map((c) => templateConnectionText(t.id, c) || c.purpose),
            requires: t.requires?.connections?.map((c) => ({ ...c, description: templateConnectionText(t.id, c) })),
            name: templateName(t),
            description: templateDescription(t),
            triggerType: t.triggerType ?? t.definition?.nodes.find((n) => isTrigger(n.type))?.type ?? '',
            definition: t.definition ?? { schemaVersion: 1, nodes: [], edges: [] },
          })),
        );
      })
      .catch(() => setServerTemplates(null));
  }, []);

  const templates = serverTemplates?.length ? serverTemplates : TEMPLATES;

  const create = async () => {
    setBusy(true);
    setError(null);
    const chosen = Object.fromEntries(
      Object.entries(picked).filter(([purpose, id]) => id && requires.some((r) => r.purpose === purpose)),
    );
    const finalName =
      name.trim() || (choice.id.startsWith('blank') ? t('flows.new.defaultName', { type: choice.name }) : choice.name);
    try {
      const created =
        choice.templateId && !choice.definition.nodes.length
          ? await api.flows.create({
              name: finalName,
              templateId: choice.templateId,
              ...(Object.keys(chosen).length ? { connections: chosen } : {}),
            })
          : await api.flows.create({ name: finalName, definition: choice.definition });
      onClose();
      navigate(`/flows/${created.id}`);
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  const card = (s: Starter) => {
    const spec = TRIGGERS[s.triggerType];
    return (
      <button
        key={s.id}
        type="button"
        title={[s.description, s.needs?.length ? t('flows.new.needs', { needs: s.needs.join('; ') }) : '']
          .filter(Boolean)
          .join('\n\n')}
        className={`starter${choice.id === s.id ? ' on' : ''}`}
        onClick={() => setChoice(s)}
        aria-pressed={choice.id === s.id}
        data-testid={`starter-${s.id}`}
      >
        <span className="node-icon sm cat-trigger">
          <Icon name={spec?.icon ?? 'flow'} size={15} />
        </span>
        <span className="starter-text">
          <b>
            {s.name} {s.system && <span className="type-tag">{s.system}</span>}
          </b>
          <span className="muted small">{s.description || spec?.description}</span>
          {s.needs?.length ? (
            <span className="small needs">{t('flows.new.needs', { needs: s.needs.join('; ') })}</span>
          ) : null}
        </span>
      </button>
    );
  };

  return (
    <FormDialog
      title={t('flows.new.title')}
      onClose={onClose}
      width={640}
      testId="new-flow-dialog"
      submit={t('common.create')}
      onSubmit={() => void create()}
      busy={busy}
      submitTestId="create-flow"
    >
      <label className="field-label" htmlFor="flow-name">
        {t('common.name')}
      </label>
      <input
        id="flow-name"
        className="input"
        value={name}
        onChange={(e) => setName(e.target.value)}
        placeholder={t('flows.new.namePlaceholder')}
        autoFocus
        data-testid="new-flow-name"
        onKeyDown={(e) => e.key === 'Enter' && void create()}
      />
      <h4 className="dialog-sub">{t('flows.new.fromTrigger')}</h4>
      <div className="starters">{BLANKS.map(card)}</div>
      <h4 className="dialog-sub">{t('flows.new.fromTemplate')}</h4>
      <div className="starters">{templates.map(card)}</div>
      {requires.length > 0 && choice.templateId && (
        <>
          <h4 className="dialog-sub">{t('flows.new.connections')}</h4>
          <p className="muted small">{t('flows.new.connectionsHelp')}</p>
          <div className="conn-picks" ref={picksRef} data-testid="template-connections">
            {requires.map((r) => {
              const fits = (connections ?? []).filter((c) => r.type === 'any' || c.type === r.type);
              return (
                <Field
                  key={r.purpose}
                  label={
                    <>
                      {r.purpose} <span className="type-tag">{r.type}</span>
                    </>
                  }
                  htmlFor={`tpl-conn-${r.purpose}`}
                  hint={r.description}
                >
                  <select
                    id={`tpl-conn-${r.purpose}`}
                    className="input select"
                    value={picked[r.purpose] ?? ''}
                    onChange={(e) => setPicked((p) => ({ ...p, [r.purpose]: e.target.value }))}
                    data-testid={`template-connection-${r.purpose}`}
                  >
                    <option value="">
                      {connections === null
                        ? t('flows.new.skipNoRight')
                        : fits.length
                          ? t('flows.new.skipLater')
                          : t('flows.new.skipNone', { type: r.type })}
                    </option>
                    {fits.map((c) => (
                      <option key={c.id} value={c.id}>
                        {c.name} ({c.type})
                      </option>
                    ))}
                  </select>
                </Field>
              );
            })}
          </div>
        </>
      )}
      {error && (
        <p className="callout callout-danger" role="alert">
          <Icon name="alert" size={14} /> <span>{error}</span>
        </p>
      )}
    </FormDialog>
  );
}
