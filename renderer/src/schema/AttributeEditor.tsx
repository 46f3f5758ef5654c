/** Attribute definitions of one scope (a class, or the image): list, add, edit, remove, options. */

import { useState } from 'react';
import type { AttributeScope, SchemaChange } from '../../../src/core/schema/changes';
import type {
  AnnotationSchema,
  AttributeDefinition,
  AttributeType,
  ChoiceOption,
} from '../../../src/core/schema/types';
import { Dialog } from '../components/Dialog';
import { attributeEditChange, attributesOf, idFromName } from './editing';

/** Proposes a change for review; `next` is proposed once the first one has been applied. */
export type Propose = (
  title: string,
  change: SchemaChange,
  next?: { title: string; change: SchemaChange },
) => void;

const TYPE_LABELS: Record<AttributeType, string> = {
  'single-choice': 'Single choice',
  'multi-choice': 'Multiple choice',
  boolean: 'Yes / no',
  number: 'Number',
  text: 'Text',
};

const describe = (a: AttributeDefinition): string => {
  const parts: string[] = [TYPE_LABELS[a.type]];
  if (a.type === 'single-choice' || a.type === 'multi-choice')
    parts.push(a.options.map((o) => o.label).join(' / '));
  if (a.type === 'number') parts.push([a.min ?? '−∞', a.max ?? '∞'].join('–') + (a.unit ? ` ${a.unit}` : ''));
  if (a.when) parts.push(`only when ${a.when.attributeId} is ${a.when.values.join(' or ')}`);
  return parts.join(' · ');
};

export function AttributeList({
  schema,
  scope,
  scopeLabel,
  onPropose,
}: {
  schema: AnnotationSchema;
  scope: AttributeScope;
  scopeLabel: string;
  onPropose: Propose;
}) {
  const attributes = attributesOf(schema, scope);
  const [editing, setEditing] = useState<AttributeDefinition | 'new' | null>(null);
  const [filling, setFilling] = useState<{
    attribute: AttributeDefinition;
    rest: SchemaChange | null;
  } | null>(null);

  return (
    <section className="attribute-list" aria-label={`Attributes of ${scopeLabel}`}>
      <header>
        <h3>Attributes</h3>
        <button type="button" onClick={() => setEditing('new')}>
          + Add attribute
        </button>
      </header>
      {attributes.length === 0 && <p className="muted">No attributes.</p>}
      {attributes.map((attribute) => (
        <div key={attribute.id} className="attribute-row" data-attribute={attribute.id}>
          <div>
            <strong>{attribute.name}</strong>
            {attribute.required && <span className="badge badge-required">required</span>}
            <div className="muted small">{describe(attribute)}</div>
          </div>
          <div className="row-actions">
            <button type="button" onClick={() => setEditing(attribute)}>
              Edit
            </button>
            <button
              type="button"
              className="danger-outline"
              onClick={() =>
                onPropose(`Remove attribute “${attribute.name}”`, {
                  type: 'remove-attribute',
                  scope,
                  attributeId: attribute.id,
                })
              }
            >
              Remove
            </button>
          </div>
        </div>
      ))}
      {editing && (
        <AttributeDialog
          initial={editing === 'new' ? null : editing}
          siblings={attributes}
          onCancel={() => setEditing(null)}
          onSave={(attribute) => {
            setEditing(null);
            if (editing === 'new') {
              onPropose(`Add attribute “${attribute.name}”`, { type: 'add-attribute', scope, attribute });
              return;
            }
            const edit = attributeEditChange(schema, scope, editing, attribute, scopeLabel);
            if (edit.kind === 'change') onPropose(`Edit attribute “${attribute.name}”`, edit.change);
            if (edit.kind === 'needs-fill') setFilling({ attribute, rest: edit.rest });
          }}
          onMergeOptions={(attribute, sourceOptionIds, targetOptionId) => {
            setEditing(null);
            onPropose(`Merge options of “${attribute.name}”`, {
              type: 'merge-options',
              scope,
              attributeId: attribute.id,
              sourceOptionIds,
              targetOptionId,
            });
          }}
        />
      )}
      {filling && (
        <RequiredFillDialog
          attribute={filling.attribute}
          onCancel={() => setFilling(null)}
          onChoose={(fill) => {
            const { attribute, rest } = filling;
            setFilling(null);
            const required: SchemaChange = {
              type: 'make-attribute-required',
              scope,
              attributeId: attribute.id,
              fill,
            };
            // Other edits made in the same form are proposed first; becoming required follows.
            const makeRequired = { title: `Make “${attribute.name}” required`, change: required };
            if (rest) onPropose(`Edit attribute “${attribute.name}”`, rest, makeRequired);
            else onPropose(makeRequired.title, makeRequired.change);
          }}
        />
      )}
    </section>
  );
}

function RequiredFillDialog({
  attribute,
  onChoose,
  onCancel,
}: {
  attribute: AttributeDefinition;
  onChoose: (fill: Extract<SchemaChange, { type: 'make-attribute-required' }>['fill']) => void;
  onCancel: () => void;
}) {
  const hasDefault = attribute.default !== undefined;
  return (
    <Dialog title={`Make “${attribute.name}” required`} onClose={onCancel}>
      <div className="dialog-body">
        <p>Existing annotations without a value for “{attribute.name}” need one. Choose how they get it:</p>
      </div>
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" onClick={() => onChoose({ kind: 'review' })}>
          Send them to review
        </button>
        <button
          type="button"
          className="primary"
          disabled={!hasDefault}
          title={hasDefault ? undefined : 'Give the attribute a default value first'}
          onClick={() =>
            attribute.default !== undefined && onChoose({ kind: 'default', value: attribute.default })
          }
        >
          Fill with the default
        </button>
      </div>
    </Dialog>
  );
}

const optionsToText = (options: readonly ChoiceOption[]) =>
  options.map((o) => (o.hotkey ? `${o.label} [${o.hotkey}]` : o.label)).join('\n');

/**
 * One option per line, "Label [hotkey]". A line keeps the id of the option with the same label; a line
 * whose old label is gone from the list keeps the id of the option that stood there (a rename).
 */
export function textToOptions(text: string, previous: readonly ChoiceOption[]): ChoiceOption[] {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      // A hotkey is one character or F1–F12, as the schema document allows.
      const match = /^(.*?)\s*\[(F(?:1[0-2]|[1-9])|\S)\]$/.exec(line);
      return match ? { label: match[1]!.trim(), hotkey: match[2] } : { label: line, hotkey: undefined };
    });
  const labels = new Set(lines.map((l) => l.label));
  const taken = new Set<string>();
  return lines.map(({ label, hotkey }, index) => {
    const sameLabel = previous.find((o) => o.label === label && !taken.has(o.id));
    const renamed =
      previous[index] && !labels.has(previous[index].label) && !taken.has(previous[index].id)
        ? previous[index]
        : undefined;
    const id =
      (sameLabel ?? renamed)?.id ?? idFromName(label, new Set([...taken, ...previous.map((o) => o.id)]));
    taken.add(id);
    return hotkey ? { id, label, hotkey } : { id, label };
  });
}

function AttributeDialog({
  initial,
  siblings,
  onSave,
  onCancel,
  onMergeOptions,
}: {
  initial: AttributeDefinition | null;
  siblings: readonly AttributeDefinition[];
  onSave: (attribute: AttributeDefinition) => void;
  onCancel: () => void;
  onMergeOptions: (attribute: AttributeDefinition, sources: string[], target: string) => void;
}) {
  const [name, setName] = useState(initial?.name ?? '');
  const [type, setType] = useState<AttributeType>(initial?.type ?? 'single-choice');
  const [required, setRequired] = useState(initial?.required ?? false);
  const [description, setDescription] = useState(initial?.description ?? '');
  const previousOptions =
    initial && (initial.type === 'single-choice' || initial.type === 'multi-choice') ? initial.options : [];
  const [optionsText, setOptionsText] = useState(optionsToText(previousOptions));
  const [min, setMin] = useState(
    initial?.type === 'number' && initial.min !== undefined ? String(initial.min) : '',
  );
  const [max, setMax] = useState(
    initial?.type === 'number' && initial.max !== undefined ? String(initial.max) : '',
  );
  const [step, setStep] = useState(
    initial?.type === 'number' && initial.step !== undefined ? String(initial.step) : '',
  );
  const [unit, setUnit] = useState(initial?.type === 'number' ? (initial.unit ?? '') : '');
  const [maxLength, setMaxLength] = useState(
    initial?.type === 'text' && initial.maxLength !== undefined ? String(initial.maxLength) : '',
  );
  const [pattern, setPattern] = useState(initial?.type === 'text' ? (initial.pattern ?? '') : '');
  const [defaultText, setDefaultText] = useState(
    initial?.default === undefined
      ? ''
      : Array.isArray(initial.default)
        ? initial.default.join(', ')
        : String(initial.default),
  );
  const [whenAttribute, setWhenAttribute] = useState(initial?.when?.attributeId ?? '');
  const [whenValues, setWhenValues] = useState(initial?.when?.values.join(', ') ?? '');
  const [mergeSources, setMergeSources] = useState<string[]>([]);
  const [mergeTarget, setMergeTarget] = useState('');
  const [error, setError] = useState<string | null>(null);

  const build = (): AttributeDefinition | string => {
    if (!name.trim()) return 'An attribute needs a name.';
    const id = initial?.id ?? idFromName(name, new Set(siblings.map((s) => s.id)));
    const base = {
      id,
      name: name.trim(),
      required,
      ...(description.trim() ? { description: description.trim() } : {}),
      ...(whenAttribute
        ? {
            when: {
              attributeId: whenAttribute,
              values: whenValues
                .split(',')
                .map((v) => v.trim())
                .filter(Boolean)
                .map((v) => (v === 'true' ? true : v === 'false' ? false : v)),
            },
          }
        : {}),
    };
    // Drops unset optional fields, so a saved definition carries only what the user gave.
    const num = (text: string) => (text.trim() === '' ? undefined : Number(text));
    switch (type) {
      case 'single-choice':
      case 'multi-choice': {
        const options = textToOptions(optionsText, previousOptions);
        if (options.length < 2) return 'A choice needs at least two options, one per line.';
        const byLabel = (label: string) => options.find((o) => o.label === label || o.id === label)?.id;
        if (type === 'single-choice') {
          const fallback = defaultText.trim() ? byLabel(defaultText.trim()) : undefined;
          if (defaultText.trim() && !fallback)
            return `The default “${defaultText}” is not one of the options.`;
          return { ...base, type, options, ...(fallback ? { default: fallback } : {}) };
        }
        const defaults = defaultText
          .split(',')
          .map((d) => d.trim())
          .filter(Boolean)
          .map(byLabel);
        if (defaults.some((d) => d === undefined)) return 'Every default must be one of the options.';
        return { ...base, type, options, ...(defaults.length ? { default: defaults as string[] } : {}) };
      }
      case 'boolean':
        return { ...base, type, ...(defaultText.trim() ? { default: defaultText.trim() === 'true' } : {}) };
      case 'number': {
        const fields = { min: num(min), max: num(max), step: num(step), default: num(defaultText) };
        if (Object.values(fields).some((v) => v !== undefined && !Number.isFinite(v)))
          return 'Numbers must be numbers.';
        return Object.fromEntries(
          Object.entries({ ...base, type, ...fields, unit: unit.trim() || undefined }).filter(
            ([, v]) => v !== undefined,
          ),
        ) as unknown as AttributeDefinition;
      }
      case 'text':
        return Object.fromEntries(
          Object.entries({
            ...base,
            type,
            maxLength: num(maxLength),
            pattern: pattern || undefined,
            default: defaultText || undefined,
          }).filter(([, v]) => v !== undefined),
        ) as unknown as AttributeDefinition;
    }
  };

  const isChoice = type === 'single-choice' || type === 'multi-choice';
  return (
    <Dialog title={initial ? `Edit attribute “${initial.name}”` : 'Add attribute'} onClose={onCancel} wide>
      <div className="form-grid">
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} aria-label="Attribute name" />
        </label>
        <label>
          Type
          <select
            value={type}
            onChange={(e) => setType(e.target.value as AttributeType)}
            disabled={!!initial}
            aria-label="Attribute type"
          >
            {Object.entries(TYPE_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={required} onChange={(e) => setRequired(e.target.checked)} />{' '}
          Required
        </label>
        <label className="span-2">
          Description
          <input value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        {isChoice && (
          <label className="span-2">
            Options, one per line (“Label [hotkey]”)
            <textarea
              rows={5}
              value={optionsText}
              onChange={(e) => setOptionsText(e.target.value)}
              aria-label="Options"
            />
          </label>
        )}
        {type === 'number' && (
          <>
            <label>
              Minimum
              <input value={min} onChange={(e) => setMin(e.target.value)} inputMode="decimal" />
            </label>
            <label>
              Maximum
              <input value={max} onChange={(e) => setMax(e.target.value)} inputMode="decimal" />
            </label>
            <label>
              Step
              <input value={step} onChange={(e) => setStep(e.target.value)} inputMode="decimal" />
            </label>
            <label>
              Unit
              <input value={unit} onChange={(e) => setUnit(e.target.value)} />
            </label>
          </>
        )}
        {type === 'text' && (
          <>
            <label>
              Maximum length
              <input value={maxLength} onChange={(e) => setMaxLength(e.target.value)} inputMode="numeric" />
            </label>
            <label>
              Pattern (regular expression)
              <input value={pattern} onChange={(e) => setPattern(e.target.value)} spellCheck={false} />
            </label>
          </>
        )}
        <label>
          Default {isChoice ? '(option label)' : type === 'boolean' ? '(true / false)' : ''}
          <input
            value={defaultText}
            onChange={(e) => setDefaultText(e.target.value)}
            aria-label="Default value"
          />
        </label>
        <label>
          Only when attribute
          <select
            value={whenAttribute}
            onChange={(e) => setWhenAttribute(e.target.value)}
            aria-label="Condition attribute"
          >
            <option value="">(always shown)</option>
            {siblings
              .filter((s) => s.id !== initial?.id)
              .map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
          </select>
        </label>
        {whenAttribute && (
          <label>
            has one of (option ids or true/false, comma-separated)
            <input
              value={whenValues}
              onChange={(e) => setWhenValues(e.target.value)}
              aria-label="Condition values"
            />
          </label>
        )}
      </div>
      {initial && isChoice && previousOptions.length > 2 && (
        <div className="merge-options">
          <span>Merge options:</span>
          {previousOptions.map((o) => (
            <label key={o.id} className="checkbox">
              <input
                type="checkbox"
                checked={mergeSources.includes(o.id)}
                onChange={(e) =>
                  setMergeSources(
                    e.target.checked ? [...mergeSources, o.id] : mergeSources.filter((s) => s !== o.id),
                  )
                }
              />
              {o.label}
            </label>
          ))}
          <select
            value={mergeTarget}
            onChange={(e) => setMergeTarget(e.target.value)}
            aria-label="Merge into option"
          >
            <option value="">into…</option>
            {previousOptions
              .filter((o) => !mergeSources.includes(o.id))
              .map((o) => (
                <option key={o.id} value={o.id}>
                  {o.label}
                </option>
              ))}
          </select>
          <button
            type="button"
            disabled={mergeSources.length === 0 || !mergeTarget}
            onClick={() => onMergeOptions(initial, mergeSources, mergeTarget)}
          >
            Merge
          </button>
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button
          type="button"
          className="primary"
          onClick={() => {
            const built = build();
            if (typeof built === 'string') setError(built);
            else onSave(built);
          }}
        >
          {initial ? 'Save attribute' : 'Add attribute'}
        </button>
      </div>
    </Dialog>
  );
}
