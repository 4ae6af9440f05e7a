import { useEffect, useState } from 'react';
import type { SoapClientOptionsInput, ValidationIssue } from '@callflow/flow';
import { Checkbox, Field, Issues, Select, TextInput } from '../../../ui/form';
import { ListInput } from '../../../ui/list-json-inputs';
import { Icon } from '../../../ui/icons';
import { t } from '../../../i18n/i18n';

type Options = SoapClientOptionsInput;
type XmlnsAttribute = NonNullable<NonNullable<Options['overrideRootElement']>['xmlnsAttributes']>[number];

/** Examples of values (code, the same in every language). */
const NAMESPACES_EXAMPLE = 'ns1, ns2';
const VALUE_KEY_EXAMPLE = '$value';
const XMLNS_EXAMPLE = 'xmlns:ns2 = http://tempuri.org/';

/** How many options are set (shown on the closed section). */
function countOf(o: Options | undefined): number {
  return o ? Object.values(o).filter((v) => v !== undefined).length : 0;
}

/**
 * The SOAP node's Advanced section: the node-soap client options a real service may need (the
 * node's `clientOptions`; the server checks them against the same schema). Closed until opened,
 * or while options are set.
 */
export function SoapAdvanced({
  value,
  onChange,
  issues,
  readOnly,
}: {
  value: Options | undefined;
  onChange(next: Options | undefined): void;
  issues: ValidationIssue[];
  readOnly: boolean;
}) {
  const o = value ?? {};
  const [open, setOpen] = useState(countOf(value) > 0 || issues.length > 0);
  const set = <K extends keyof Options>(key: K, v: Options[K] | undefined) => {
    const next: Options = { ...o };
    if (v === undefined || v === false || (typeof v === 'string' && v === '')) delete next[key];
    else next[key] = v;
    onChange(countOf(next) > 0 ? next : undefined);
  };
  const flag = (
    key:
      | 'forceSoap12Headers'
      | 'useEmptyTag'
      | 'ignoreBaseNameSpaces'
      | 'preserveWhitespace'
      | 'handleNilAsNull'
      | 'forceUseSchemaXmlns'
      | 'parseResponseAttachments',
    label: string,
    testId: string,
  ) => (
    <Checkbox
      checked={o[key] === true}
      onChange={(v) => set(key, v || undefined)}
      label={label}
      disabled={readOnly}
      testId={testId}
    />
  );
  const count = countOf(value);
  return (
    <section className="panel-section" data-testid="soap-advanced">
      <div className="panel-section-head">
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          aria-expanded={open}
          onClick={() => setOpen(!open)}
          data-testid="soap-advanced-toggle"
        >
          <Icon name={open ? 'chevronDown' : 'chevronRight'} size={14} />{' '}
          {count > 0 ? t('panels.soapAdv.titleSet', { count }) : t('panels.soapAdv.title')}
        </button>
      </div>
      {open && (
        <>
          <p className="field-hint">{t('panels.soapAdv.hint')}</p>
          <Issues issues={issues} />
          <div className="grid-2">
            <Field label={t('panels.soapAdv.envelope')} hint={t('panels.soapAdv.envelopeHint')}>
              <TextInput
                value={o.envelopeKey ?? ''}
                onChange={(v) => set('envelopeKey', v.trim() || undefined)}
                placeholder="soap"
                readOnly={readOnly}
                mono
                testId="soap-opt-envelopeKey"
              />
            </Field>
            <Field label={t('panels.soapAdv.dates')}>
              <Select
                value={o.dates ?? 'iso'}
                onChange={(v) => set('dates', v === 'iso' ? undefined : v)}
                options={[
                  { value: 'iso', label: t('panels.soapAdv.datesIso') },
                  { value: 'text', label: t('panels.soapAdv.datesText') },
                ]}
                disabled={readOnly}
                testId="soap-opt-dates"
                ariaLabel={t('panels.soapAdv.dates')}
              />
            </Field>
          </div>
          {flag('forceSoap12Headers', t('panels.soapAdv.soap12'), 'soap-opt-soap12')}
          {flag('useEmptyTag', t('panels.soapAdv.emptyTag'), 'soap-opt-emptyTag')}
          <Checkbox
            checked={o.namespaceArrayElements !== false}
            onChange={(v) => set('namespaceArrayElements', v ? undefined : false)}
            label={t('panels.soapAdv.arrayNamespace')}
            disabled={readOnly}
            testId="soap-opt-namespaceArrayElements"
          />
          {flag('ignoreBaseNameSpaces', t('panels.soapAdv.ignoreBase'), 'soap-opt-ignoreBase')}
          {flag('forceUseSchemaXmlns', t('panels.soapAdv.schemaXmlns'), 'soap-opt-schemaXmlns')}
          {flag('preserveWhitespace', t('panels.soapAdv.whitespace'), 'soap-opt-whitespace')}
          {flag('handleNilAsNull', t('panels.soapAdv.nil'), 'soap-opt-nil')}
          {flag('parseResponseAttachments', t('panels.soapAdv.mtom'), 'soap-opt-mtom')}
          <Field label={t('panels.soapAdv.ignored')} hint={t('panels.soapAdv.ignoredHint')}>
            <ListInput
              value={o.ignoredNamespaces?.namespaces}
              onChange={(list) =>
                set(
                  'ignoredNamespaces',
                  list ? { namespaces: list, override: o.ignoredNamespaces?.override ?? false } : undefined,
                )
              }
              placeholder={NAMESPACES_EXAMPLE}
              readOnly={readOnly}
              testId="soap-opt-ignoredNamespaces"
            />
          </Field>
          {o.ignoredNamespaces && (
            <Checkbox
              checked={o.ignoredNamespaces.override ?? false}
              onChange={(v) => set('ignoredNamespaces', { namespaces: o.ignoredNamespaces!.namespaces, override: v })}
              label={t('panels.soapAdv.ignoredOverride')}
              disabled={readOnly}
              testId="soap-opt-ignoredOverride"
            />
          )}
          <RootElementFields
            value={o.overrideRootElement}
            onChange={(v) => set('overrideRootElement', v)}
            readOnly={readOnly}
          />
          <PairsField
            label={t('panels.soapAdv.elementKeys')}
            hint={t('panels.soapAdv.elementKeysHint')}
            value={o.overrideElementKey}
            onChange={(v) => set('overrideElementKey', v)}
            readOnly={readOnly}
            testId="soap-opt-overrideElementKey"
          />
          <div className="grid-2">
            <Field label={t('panels.soapAdv.attributesKey')}>
              <TextInput
                value={o.attributesKey ?? ''}
                onChange={(v) => set('attributesKey', v.trim() || undefined)}
                placeholder="attributes"
                readOnly={readOnly}
                mono
                testId="soap-opt-attributesKey"
              />
            </Field>
            <Field label={t('panels.soapAdv.valueKey')}>
              <TextInput
                value={o.valueKey ?? ''}
                onChange={(v) => set('valueKey', v.trim() || undefined)}
                placeholder={VALUE_KEY_EXAMPLE}
                readOnly={readOnly}
                mono
                testId="soap-opt-valueKey"
              />
            </Field>
          </div>
        </>
      )}
    </section>
  );
}

/** overrideRootElement: the body element's prefix and its namespace declarations (one `xmlns:p = uri` per line). */
function RootElementFields({
  value,
  onChange,
  readOnly,
}: {
  value: Options['overrideRootElement'];
  onChange(v: Options['overrideRootElement']): void;
  readOnly: boolean;
}) {
  const attrs = value?.xmlnsAttributes;
  const [text, setText] = useState(() => (attrs ?? []).map((a) => `${a.name} = ${a.value}`).join('\n'));
  useEffect(() => {
    if (!value) setText('');
  }, [value]);
  const update = (namespace: string, lines: string) => {
    const parsed: XmlnsAttribute[] = lines
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l) => {
        const eq = l.indexOf('=');
        return eq < 0 ? { name: l, value: '' } : { name: l.slice(0, eq).trim(), value: l.slice(eq + 1).trim() };
      });
    onChange(
      namespace || parsed.length ? { namespace, ...(parsed.length ? { xmlnsAttributes: parsed } : {}) } : undefined,
    );
  };
  return (
    <Field label={t('panels.soapAdv.root')} hint={t('panels.soapAdv.rootHint')}>
      <TextInput
        value={value?.namespace ?? ''}
        onChange={(v) => update(v.trim(), text)}
        placeholder={t('panels.soapAdv.rootPrefix')}
        readOnly={readOnly}
        mono
        testId="soap-opt-rootNamespace"
      />
      <textarea
        className="input mono"
        rows={2}
        value={text}
        readOnly={readOnly}
        placeholder={XMLNS_EXAMPLE}
        data-testid="soap-opt-rootXmlns"
        onChange={(e) => {
          setText(e.target.value);
          update(value?.namespace ?? '', e.target.value);
        }}
      />
    </Field>
  );
}

/** A string → string map edited as `key = value` lines. */
function PairsField({
  label,
  hint,
  value,
  onChange,
  readOnly,
  testId,
}: {
  label: string;
  hint: string;
  value: Record<string, string> | undefined;
  onChange(v: Record<string, string> | undefined): void;
  readOnly: boolean;
  testId: string;
}) {
  const [text, setText] = useState(() =>
    Object.entries(value ?? {})
      .map(([k, v]) => `${k} = ${v}`)
      .join('\n'),
  );
  return (
    <Field label={label} hint={hint}>
      <textarea
        className="input mono"
        rows={2}
        value={text}
        readOnly={readOnly}
        placeholder={t('panels.soapAdv.elementKeysExample')}
        data-testid={testId}
        onChange={(e) => {
          setText(e.target.value);
          const pairs = e.target.value
            .split('\n')
            .map((l) => l.split('=').map((x) => x.trim()))
            .filter(([k, v]) => k && v);
          onChange(pairs.length ? Object.fromEntries(pairs.map(([k, v]) => [k!, v!])) : undefined);
        }}
      />
    </Field>
  );
}
