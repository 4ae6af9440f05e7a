import type { SoapArg } from '@callflow/flow';
import type { SoapField, SoapShape } from '../../../api/types';
import { Button } from '../../../ui/components';
import { Field } from '../../../ui/form';
import { JsonField } from '../../../ui/list-json-inputs';
import { Icon } from '../../../ui/icons';
import { TemplateField } from '../../TemplateField';
import { t } from '../../../i18n/i18n';

/**
 * The SOAP arguments form: one field per element of the operation's input shape (nested groups, repeatable lists,
 * attributes).
 */

export type ArgObject = { [key: string]: SoapArg };

/** Keeps the argument values whose names the new operation's input still has. */
export function pruneArgs(args: ArgObject, shape: SoapShape): ArgObject {
  if (!shape.fields) return {};
  const names = new Set(shape.fields.map((f) => f.name));
  if (shape.attributes?.length) names.add('attributes');
  return Object.fromEntries(Object.entries(args).filter(([k]) => names.has(k)));
}

function isObject(v: unknown): v is ArgObject {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** Sets (or, for an empty value, removes) a key. */
function withKey(obj: ArgObject, key: string, value: SoapArg | undefined): ArgObject {
  const next = { ...obj };
  if (
    value === undefined ||
    value === '' ||
    (isObject(value) && Object.keys(value).length === 0) ||
    (Array.isArray(value) && value.length === 0)
  )
    delete next[key];
  else next[key] = value;
  return next;
}

/** The fields of an object shape, each as a template field, a nested group or a repeatable list. */
export function ShapeFields({
  nodeId,
  shape,
  value,
  path,
  onChange,
  readOnly,
}: {
  nodeId: string;
  shape: SoapShape;
  value: SoapArg;
  path: string[];
  onChange(v: ArgObject): void;
  readOnly: boolean;
}) {
  const obj = isObject(value) ? value : {};
  const attrs = isObject(obj.attributes) ? obj.attributes : {};
  return (
    <div className="shape-fields">
      {shape.attributes?.map((a) => (
        <TemplateField
          key={`@${a.name}`}
          nodeId={nodeId}
          path={`config.${[...path, 'attributes', a.name].join('.')}`}
          value={typeof attrs[a.name] === 'string' ? (attrs[a.name] as string) : ''}
          onChange={(v) => onChange(withKey(obj, 'attributes', withKey(attrs, a.name, v)))}
          context="text"
          label={
            <>
              @{a.name} <span className="type-tag">{a.type ?? t('panels.soapArgs.attribute')}</span>
            </>
          }
          compact
          readOnly={readOnly}
        />
      ))}
      {shape.fields?.map((f) => (
        <ShapeField
          key={f.name}
          nodeId={nodeId}
          field={f}
          value={obj[f.name]}
          path={[...path, f.name]}
          onChange={(v) => onChange(withKey(obj, f.name, v))}
          readOnly={readOnly}
        />
      ))}
    </div>
  );
}

function ShapeField({
  nodeId,
  field,
  value,
  path,
  onChange,
  readOnly,
}: {
  nodeId: string;
  field: SoapField;
  value: SoapArg | undefined;
  path: string[];
  onChange(v: SoapArg | undefined): void;
  readOnly: boolean;
}) {
  const complex = field.type === 'object' || !!field.fields;
  const typeTag = (
    <span className="type-tag">
      {complex ? 'object' : field.type}
      {field.array ? '[]' : ''}
    </span>
  );
  if (field.recursive || field.truncated) {
    return (
      <Field
        label={
          <>
            {field.name} {typeTag}
          </>
        }
        hint={t('panels.soapArgs.recursive')}
      >
        <JsonField
          value={value ?? {}}
          onChange={(v) => onChange(v as SoapArg)}
          rows={3}
          readOnly={readOnly}
          expect="any"
        />
      </Field>
    );
  }
  if (field.array) {
    const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
    return (
      <fieldset className="shape-group">
        <legend>
          {field.name} {typeTag}
        </legend>
        {list.map((item, i) => (
          <div key={i} className="shape-item">
            <div className="grow">
              {complex ? (
                <ShapeFields
                  nodeId={nodeId}
                  shape={field}
                  value={item}
                  path={[...path, String(i)]}
                  onChange={(v) => onChange(list.map((x, j) => (j === i ? v : x)))}
                  readOnly={readOnly}
                />
              ) : (
                <TemplateField
                  nodeId={nodeId}
                  path={`config.${[...path, i].join('.')}`}
                  value={typeof item === 'string' ? item : String(item ?? '')}
                  onChange={(v) => onChange(list.map((x, j) => (j === i ? v : x)))}
                  context="text"
                  compact
                  readOnly={readOnly}
                  ariaLabel={`${field.name} ${i + 1}`}
                />
              )}
            </div>
            {!readOnly && (
              <button
                type="button"
                className="btn btn-ghost btn-icon btn-sm"
                aria-label={t('panels.soapArgs.remove', { name: field.name, n: i + 1 })}
                onClick={() => onChange(list.filter((_, j) => j !== i))}
              >
                <Icon name="x" size={14} />
              </button>
            )}
          </div>
        ))}
        {!readOnly && (
          <Button size="sm" variant="ghost" icon="plus" onClick={() => onChange([...list, complex ? {} : ''])}>
            {t('panels.soapArgs.add', { name: field.name })}
          </Button>
        )}
      </fieldset>
    );
  }
  if (complex) {
    return (
      <fieldset className="shape-group">
        <legend>
          {field.name} {typeTag}
        </legend>
        <ShapeFields
          nodeId={nodeId}
          shape={field}
          value={value ?? {}}
          path={path}
          onChange={(v) => onChange(v)}
          readOnly={readOnly}
        />
      </fieldset>
    );
  }
  const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  return (
    <div className="shape-leaf">
      <TemplateField
        nodeId={nodeId}
        path={`config.${path.join('.')}`}
        value={text}
        onChange={(v) => onChange(v)}
        context="text"
        label={
          <>
            {field.name} {typeTag}
          </>
        }
        placeholder={field.enum ? field.enum.join(' | ') : placeholderFor(field.type)}
        compact
        readOnly={readOnly}
        testId={`soap-arg-${path.slice(1).join('-')}`}
      />
      {field.enum && !readOnly && (
        <div className="enum-picks">
          {field.enum.slice(0, 8).map((e) => (
            <button key={e} type="button" className={`chip${text === e ? ' on' : ''}`} onClick={() => onChange(e)}>
              {e}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

function placeholderFor(xsdType: string): string {
  const type = xsdType.replace(/^\w+:/, '');
  if (/int|long|short|decimal|double|float/i.test(type)) {
    return t('panels.soapArgs.numberExample', { type, token: '{{call.durationSec}}' });
  }
  if (/bool/i.test(type)) return t('panels.soapArgs.boolExample');
  if (/date/i.test(type)) return t('panels.soapArgs.dateExample', { type, token: '{{call.startedAt}}' });
  return type;
}
