import { useEffect, useState } from 'react';
import type { SoapClientOptionsInput, ValidationIssue } from '@callflow/flow';
import { Checkbox, Field, Issues, Select, TextInput } from '../../../ui/form';
import { ListInput } from '../../../ui/list-json-inputs';
import { Icon } from '../../../ui/icons';

type Options = SoapClientOptionsInput;
type XmlnsAttribute = NonNullable<NonNullable<Options['overrideRootElement']>['xmlnsAttributes']>[number];

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
          <Icon name={open ? 'chevronDown' : 'chevronRight'} size={14} /> Advanced{count > 0 ? ` (${count} set)` : ''}
        </button>
      </div>
      {open && (
        <>
          <p className="field-hint">
            node-soap client options, for services that need them. The WSDL is read again with these.
          </p>
          <Issues issues={issues} />
          <div className="grid-2">
            <Field label="Envelope prefix" hint="soap by default">
              <TextInput
                value={o.envelopeKey ?? ''}
                onChange={(v) => set('envelopeKey', v.trim() || undefined)}
                placeholder="soap"
                readOnly={readOnly}
                mono
                testId="soap-opt-envelopeKey"
              />
            </Field>
            <Field label="Dates in the answer">
              <Select
                value={o.dates ?? 'iso'}
                onChange={(v) => set('dates', v === 'iso' ? undefined : v)}
                options={[
                  { value: 'iso', label: 'ISO text (default)' },
                  { value: 'text', label: 'As the service wrote them' },
                ]}
                disabled={readOnly}
                testId="soap-opt-dates"
                ariaLabel="Dates in the answer"
              />
            </Field>
          </div>
          {flag('forceSoap12Headers', 'SOAP 1.2 envelope and headers (even on a SOAP 1.1 port)', 'soap-opt-soap12')}
          {flag('useEmptyTag', 'Empty elements as <a/>', 'soap-opt-emptyTag')}
          <Checkbox
            checked={o.namespaceArrayElements !== false}
            onChange={(v) => set('namespaceArrayElements', v ? undefined : false)}
            label="Namespace prefix on every array item"
            disabled={readOnly}
            testId="soap-opt-namespaceArrayElements"
          />
          {flag('ignoreBaseNameSpaces', 'Elements of base types take the parent’s namespace', 'soap-opt-ignoreBase')}
          {flag('forceUseSchemaXmlns', 'Prefixes from the schema’s namespace declarations', 'soap-opt-schemaXmlns')}
          {flag('preserveWhitespace', 'Keep leading and trailing spaces of text in the answer', 'soap-opt-whitespace')}
          {flag('handleNilAsNull', 'xsi:nil elements in the answer read as null', 'soap-opt-nil')}
          {flag(
            'parseResponseAttachments',
            'Read MTOM attachments of the answer (output: attachments)',
            'soap-opt-mtom',
          )}
          <Field
            label="Namespace prefixes written without prefix"
            hint="ignoredNamespaces; node-soap already leaves out tns, targetNamespace and typedNamespace"
          >
            <ListInput
              value={o.ignoredNamespaces?.namespaces}
              onChange={(list) =>
                set(
                  'ignoredNamespaces',
                  list ? { namespaces: list, override: o.ignoredNamespaces?.override ?? false } : undefined,
                )
              }
              placeholder="ns1, ns2"
              readOnly={readOnly}
              testId="soap-opt-ignoredNamespaces"
            />
          </Field>
          {o.ignoredNamespaces && (
            <Checkbox
              checked={o.ignoredNamespaces.override ?? false}
              onChange={(v) => set('ignoredNamespaces', { namespaces: o.ignoredNamespaces!.namespaces, override: v })}
              label="Only these (replace node-soap’s list)"
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
            label="Element names for argument keys"
            hint="overrideElementKey: one key = Element per line"
            value={o.overrideElementKey}
            onChange={(v) => set('overrideElementKey', v)}
            readOnly={readOnly}
            testId="soap-opt-overrideElementKey"
          />
          <div className="grid-2">
            <Field label="Attributes key">
              <TextInput
                value={o.attributesKey ?? ''}
                onChange={(v) => set('attributesKey', v.trim() || undefined)}
                placeholder="attributes"
                readOnly={readOnly}
                mono
                testId="soap-opt-attributesKey"
              />
            </Field>
            <Field label="Text key">
              <TextInput
                value={o.valueKey ?? ''}
                onChange={(v) => set('valueKey', v.trim() || undefined)}
                placeholder="$value"
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
    <Field
      label="Root element override"
      hint={
        "overrideRootElement: the body element's prefix, " +
        'and the namespace declarations written on it (xmlns:p = uri, one per line)'
      }
    >
      <TextInput
        value={value?.namespace ?? ''}
        onChange={(v) => update(v.trim(), text)}
        placeholder="prefix, e.g. ns0"
        readOnly={readOnly}
        mono
        testId="soap-opt-rootNamespace"
      />
      <textarea
        className="input mono"
        rows={2}
        value={text}
        readOnly={readOnly}
        placeholder="xmlns:ns2 = http://tempuri.org/"
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
        placeholder="Nom = Name"
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
