/** One control per attribute type; each reports an AttributeInput for the panel to hand on. */

import { useEffect, useId, useRef, useState, type InputHTMLAttributes, type ReactNode } from 'react';
import type { AttributeInput } from '../../../../src/core/editing/attributeValues';
import { formatKey, isMacPlatform } from '../keymap';
import {
  fieldInput,
  multiChoiceInput,
  numberHint,
  optionState,
  parseNumberInput,
  singleChoiceInput,
  textMatches,
  type AttributeField,
} from './attributeForm';

export interface FieldProps {
  readonly field: AttributeField;
  /** The attribute's compiled pattern (text only). */
  readonly pattern?: RegExp | undefined;
  readonly onChange: (input: AttributeInput) => void;
}

const mac = isMacPlatform();

/** The label row every control shares: the attribute's name (its accessible name), required mark, state. */
function FieldLabel({ field, htmlFor, id }: { field: AttributeField; htmlFor?: string; id?: string }) {
  const { definition, value } = field;
  const content = (
    <>
      {definition.name}
      {definition.required && (
        <span className="required-mark" aria-hidden="true">
          {' '}
          *
        </span>
      )}
    </>
  );
  return (
    <div className="field-label-row">
      {htmlFor !== undefined ? (
        <label htmlFor={htmlFor} id={id} className="field-label">
          {content}
        </label>
      ) : (
        <span id={id} className="field-label">
          {content}
        </span>
      )}
      {value.kind === 'mixed' && <span className="mixed-tag">mixed</span>}
      {field.missing && <span className="missing-tag">required</span>}
    </div>
  );
}

function Wrapper({ field, children }: { field: AttributeField; children: ReactNode }) {
  return (
    <div
      className={`field${field.missing ? ' missing' : ''}`}
      data-attribute={field.definition.id}
      data-missing={field.missing ? 'true' : undefined}
      data-mixed={field.value.kind === 'mixed' ? 'true' : undefined}
      title={field.definition.description}
    >
      {children}
    </div>
  );
}

function SingleChoiceField({ field, onChange }: FieldProps) {
  const labelId = useId();
  const definition = field.definition;
  if (definition.type !== 'single-choice') return null;
  return (
    <Wrapper field={field}>
      <FieldLabel field={field} id={labelId} />
      <div
        className="choice-options"
        role="radiogroup"
        aria-labelledby={labelId}
        aria-required={definition.required}
      >
        {definition.options.map((option) => {
          const state = optionState(field, option.id);
          return (
            <button
              key={option.id}
              type="button"
              role="radio"
              aria-checked={state === 'all'}
              className={`choice${state === 'all' ? ' on' : state === 'some' ? ' some' : ''}`}
              data-option={option.id}
              onClick={() => onChange(singleChoiceInput(field, option.id))}
            >
              {option.label}
              {option.hotkey !== undefined && <kbd>{formatKey(option.hotkey.toLowerCase(), mac)}</kbd>}
            </button>
          );
        })}
      </div>
    </Wrapper>
  );
}

function Checkbox({
  checked,
  indeterminate,
  ...rest
}: InputHTMLAttributes<HTMLInputElement> & { checked: boolean; indeterminate: boolean }) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = indeterminate;
  }, [indeterminate]);
  return <input ref={ref} type="checkbox" checked={checked} {...rest} />;
}

function MultiChoiceField({ field, onChange }: FieldProps) {
  const labelId = useId();
  const definition = field.definition;
  if (definition.type !== 'multi-choice') return null;
  return (
    <Wrapper field={field}>
      <FieldLabel field={field} id={labelId} />
      <div className="choice-options" role="group" aria-labelledby={labelId}>
        {definition.options.map((option) => {
          const state = optionState(field, option.id);
          return (
            <label
              key={option.id}
              className={`check-option${state === 'all' ? ' on' : ''}`}
              data-option={option.id}
            >
              <Checkbox
                checked={state === 'all'}
                indeterminate={state === 'some'}
                onChange={() => onChange(multiChoiceInput(field, option.id))}
              />
              {option.label}
              {option.hotkey !== undefined && <kbd>{formatKey(option.hotkey.toLowerCase(), mac)}</kbd>}
            </label>
          );
        })}
      </div>
    </Wrapper>
  );
}

function BooleanField({ field, onChange }: FieldProps) {
  const id = useId();
  const { value, definition } = field;
  return (
    <Wrapper field={field}>
      <div className="boolean-row">
        <Checkbox
          id={id}
          checked={value.kind === 'same' && value.value === true}
          indeterminate={value.kind === 'mixed'}
          aria-required={definition.required}
          // A mixed or empty box becomes checked on all objects; a checked one unchecked.
          onChange={() => onChange({ [definition.id]: !(value.kind === 'same' && value.value === true) })}
        />
        <FieldLabel field={field} htmlFor={id} />
      </div>
    </Wrapper>
  );
}

/** Text and number inputs keep a draft while typing and commit it on blur or Enter; Escape restores. */
function useDraft(field: AttributeField) {
  const shown = field.value.kind === 'same' ? String(field.value.value) : '';
  const [draft, setDraft] = useState(shown);
  const [base, setBase] = useState(shown);
  // A new value from outside (undo, another object) replaces the draft.
  if (base !== shown) {
    setBase(shown);
    setDraft(shown);
  }
  return { draft, setDraft, reset: () => setDraft(shown) };
}

function NumberField({ field, onChange }: FieldProps) {
  const id = useId();
  const definition = field.definition;
  const { draft, setDraft, reset } = useDraft(field);
  const [invalid, setInvalid] = useState(false);
  if (definition.type !== 'number') return null;
  const commit = () => {
    const parsed = parseNumberInput(draft);
    if (parsed === undefined) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    const input = fieldInput(field, parsed);
    if (input !== undefined) onChange(input);
  };
  const typed = parseNumberInput(draft);
  const hint = invalid
    ? 'Not a number'
    : typeof typed === 'number'
      ? numberHint(definition, typed)
      : undefined;
  const range =
    definition.min !== undefined || definition.max !== undefined
      ? `${definition.min ?? '−∞'}–${definition.max ?? '∞'}`
      : undefined;
  return (
    <Wrapper field={field}>
      <FieldLabel field={field} htmlFor={id} />
      <div className="input-row">
        <input
          id={id}
          type="number"
          inputMode="decimal"
          value={draft}
          min={definition.min}
          max={definition.max}
          step={definition.step ?? 'any'}
          placeholder={field.value.kind === 'mixed' ? 'mixed' : range}
          aria-required={definition.required}
          aria-invalid={hint !== undefined}
          onChange={(e) => {
            setInvalid(false);
            setDraft(e.target.value);
          }}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit();
            if (e.key === 'Escape') {
              setInvalid(false);
              reset();
            }
          }}
        />
        {definition.unit !== undefined && <span className="unit muted">{definition.unit}</span>}
      </div>
      {hint !== undefined && <div className="field-hint">{hint}</div>}
    </Wrapper>
  );
}

function TextField({ field, pattern, onChange }: FieldProps) {
  const id = useId();
  const definition = field.definition;
  const { draft, setDraft, reset } = useDraft(field);
  if (definition.type !== 'text') return null;
  const commit = () => {
    const input = fieldInput(field, draft === '' ? null : draft);
    if (input !== undefined) onChange(input);
  };
  const mismatch = !textMatches(pattern, draft);
  return (
    <Wrapper field={field}>
      <FieldLabel field={field} htmlFor={id} />
      <input
        id={id}
        type="text"
        value={draft}
        maxLength={definition.maxLength}
        placeholder={field.value.kind === 'mixed' ? 'mixed' : undefined}
        title={definition.pattern !== undefined ? `Must match ${definition.pattern}` : undefined}
        aria-required={definition.required}
        aria-invalid={mismatch}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') reset();
        }}
      />
      {mismatch && <div className="field-hint">Does not match the pattern {definition.pattern}</div>}
      {definition.maxLength !== undefined && draft.length > definition.maxLength * 0.8 && (
        <div className="field-hint muted">
          {draft.length}/{definition.maxLength}
        </div>
      )}
    </Wrapper>
  );
}

export function AttributeFieldView(props: FieldProps) {
  switch (props.field.definition.type) {
    case 'single-choice':
      return <SingleChoiceField {...props} />;
    case 'multi-choice':
      return <MultiChoiceField {...props} />;
    case 'boolean':
      return <BooleanField {...props} />;
    case 'number':
      return <NumberField {...props} />;
    case 'text':
      return <TextField {...props} />;
  }
}
