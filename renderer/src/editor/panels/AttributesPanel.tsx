/**
 * The attributes of the selection (or, with nothing selected, of the image), rendered from the schema: a
 * class picker, then one control per visible attribute. Every edit is one AttributeInput for all selected
 * objects; the parent turns it into one undoable command.
 */

import { useId, useMemo } from 'react';
import type { Annotation, AttributeValues, GeometryKind } from '../../../../src/core/annotations/types';
import type { AttributeInput } from '../../../../src/core/editing/attributeValues';
import type { CompiledSchema } from '../../../../src/core/schema/validate';
import type { AnnotationSchema } from '../../../../src/core/schema/types';
import { formatKey, isMacPlatform } from '../keymap';
import { AttributeFieldView } from './AttributeFields';
import { classChoices, imageFields, selectionForm, tagClasses } from './attributeForm';
import './panels.css';

export interface AttributesPanelProps {
  readonly schema: AnnotationSchema;
  readonly compiled: CompiledSchema;
  readonly selected: readonly Annotation[];
  /** Applies to every selected object, as one undoable command. */
  readonly onChange: (input: AttributeInput) => void;
  readonly onChangeClass: (classId: string) => void;
  /** Image mode, shown while nothing is selected: the image's attribute values… */
  readonly imageAttributes?: AttributeValues;
  /** …its tags (class ids)… */
  readonly tags?: readonly string[];
  /** …one undoable edit of its attributes… */
  readonly onImageChange?: (input: AttributeInput) => void;
  /** …and adding or removing a tag. */
  readonly onToggleTag?: (classId: string) => void;
}

const mac = isMacPlatform();
const ignore = (): void => undefined;
const NO_TAGS: readonly string[] = [];

export function AttributesPanel({
  schema,
  compiled,
  selected,
  onChange,
  onChangeClass,
  imageAttributes,
  tags = NO_TAGS,
  onImageChange,
  onToggleTag,
}: AttributesPanelProps) {
  const classSelectId = useId();
  const form = useMemo(() => selectionForm(schema, selected), [schema, selected]);
  const kinds = useMemo(
    () => new Set<GeometryKind>(selected.map((annotation) => annotation.geometry.kind)),
    [selected],
  );
  const choices = useMemo(() => classChoices(schema, kinds), [schema, kinds]);
  // Remounting the fields when the selection changes drops drafts typed for the previous objects.
  const selectionKey =
    selected.length > 50 ? `${selected.length}:${selected[0]?.id}` : selected.map((a) => a.id).join(',');

  if (form.kind === 'none') {
    return imageAttributes === undefined ? (
      <section className="panel attributes-panel" aria-label="Attributes">
        <p className="muted small panel-empty">Select an object to edit its class and attributes.</p>
      </section>
    ) : (
      <ImageAttributesPanel
        schema={schema}
        compiled={compiled}
        imageAttributes={imageAttributes}
        tags={tags}
        onImageChange={onImageChange ?? ignore}
        onToggleTag={onToggleTag ?? ignore}
      />
    );
  }

  const classIds = form.kind === 'one-class' ? [form.classId] : form.classIds;
  const current = form.kind === 'one-class' ? form.classId : '';
  const currentClass = schema.classes.find((cls) => cls.id === current);
  const firstScope = compiled.classes.get(classIds[0]!)?.scope;
  const title =
    selected.length === 1
      ? 'Object'
      : `${selected.length} objects${form.kind === 'mixed-classes' ? ` of ${classIds.length} classes` : ''}`;

  return (
    <section
      className="panel attributes-panel"
      aria-label="Attributes"
      data-selection-count={selected.length}
    >
      <h3 className="panel-title">{title}</h3>
      <div className="field">
        <div className="field-label-row">
          <label htmlFor={classSelectId} className="field-label">
            Class
          </label>
        </div>
        <div className="attr-class-picker">
          <span
            className="swatch"
            style={{ background: currentClass?.color ?? 'transparent' }}
            aria-hidden="true"
          />
          <select
            id={classSelectId}
            value={current}
            onChange={(e) => e.target.value !== '' && onChangeClass(e.target.value)}
          >
            {form.kind === 'mixed-classes' && (
              <option value="" disabled>
                Mixed ({classIds.map((id) => schema.classes.find((c) => c.id === id)?.name ?? id).join(', ')})
              </option>
            )}
            {current !== '' && !choices.some((choice) => choice.cls.id === current) && (
              <option value={current} disabled>
                {current} (not in the schema)
              </option>
            )}
            {choices.map((choice) => (
              <option
                key={choice.cls.id}
                value={choice.cls.id}
                disabled={choice.disabledReason !== undefined}
                title={choice.disabledReason}
                style={{ color: choice.cls.color }}
              >
                {choice.cls.name}
                {choice.hotkey !== undefined ? `  [${formatKey(choice.hotkey, mac)}]` : ''}
              </option>
            ))}
          </select>
        </div>
      </div>
      {form.kind === 'mixed-classes' && (
        <p className="muted small">
          {form.fields.length === 0
            ? 'These objects have different classes and share no attributes.'
            : 'Different classes: only the attributes they share are shown.'}
        </p>
      )}
      {form.kind === 'one-class' && form.fields.length === 0 && (
        <p className="muted small">{currentClass?.name ?? current} has no attributes.</p>
      )}
      <div className="fields" key={selectionKey}>
        {form.fields.map((field) => (
          <AttributeFieldView
            key={field.definition.id}
            field={field}
            pattern={firstScope?.byId.get(field.definition.id)?.pattern}
            onChange={onChange}
          />
        ))}
      </div>
    </section>
  );
}

export interface ImageAttributesPanelProps {
  readonly schema: AnnotationSchema;
  readonly compiled: CompiledSchema;
  readonly imageAttributes: AttributeValues;
  /** Ids of the classes tagged on the image. */
  readonly tags: readonly string[];
  readonly onImageChange: (input: AttributeInput) => void;
  readonly onToggleTag: (classId: string) => void;
}

/** The image's own attributes and its tags (classes that may be image tags) as toggle chips. */
export function ImageAttributesPanel({
  schema,
  compiled,
  imageAttributes,
  tags,
  onImageChange,
  onToggleTag,
}: ImageAttributesPanelProps) {
  const tagsLabelId = useId();
  const fields = useMemo(() => imageFields(schema, imageAttributes), [schema, imageAttributes]);
  const tagChoices = useMemo(() => tagClasses(schema), [schema]);
  const tagged = new Set(tags);
  const tagMissing = schema.tagging.requireAtLeastOne && tagChoices.length > 0 && tags.length === 0;
  return (
    <section className="panel attributes-panel" aria-label="Image attributes">
      <h3 className="panel-title">Image</h3>
      {tagChoices.length > 0 && (
        <div
          className={`field${tagMissing ? ' missing' : ''}`}
          data-attribute="tags"
          data-missing={tagMissing ? 'true' : undefined}
        >
          <div className="field-label-row">
            <span id={tagsLabelId} className="field-label">
              {schema.tagging.multiLabel ? 'Tags' : 'Tag'}
              {schema.tagging.requireAtLeastOne && (
                <span className="required-mark" aria-hidden="true">
                  {' '}
                  *
                </span>
              )}
            </span>
            {tagMissing && <span className="missing-tag">required</span>}
          </div>
          <div className="choice-options" role="group" aria-labelledby={tagsLabelId}>
            {tagChoices.map((cls) => {
              const on = tagged.has(cls.id);
              return (
                <button
                  key={cls.id}
                  type="button"
                  className={`choice tag-chip${on ? ' on' : ''}`}
                  aria-pressed={on}
                  data-tag={cls.id}
                  style={{ borderColor: cls.color, ...(on ? { background: cls.color } : {}) }}
                  onClick={() => onToggleTag(cls.id)}
                  title={cls.description}
                >
                  {cls.name}
                </button>
              );
            })}
          </div>
        </div>
      )}
      {fields.length === 0 && tagChoices.length === 0 && (
        <p className="muted small panel-empty">The schema gives images no attributes or tags.</p>
      )}
      {fields.map((field) => (
        <AttributeFieldView
          key={field.definition.id}
          field={field}
          pattern={compiled.imageScope.byId.get(field.definition.id)?.pattern}
          onChange={onImageChange}
        />
      ))}
    </section>
  );
}
